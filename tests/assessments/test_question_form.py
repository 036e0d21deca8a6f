"""The question editor's form (pure): form fields to a question and back (issue 19.7a)."""

from __future__ import annotations

from typing import Any

import pytest

from labelpool.assessments import question_form as qf
from labelpool.assessments.grading import check_question
from labelpool.errors import InvalidInput
from tests.assessments.builders import RATING_CONTROL, SENTIMENT_CONTROL, TAGS_CONTROL


def _parse(**fields: Any) -> qf.ParsedQuestion:
    return qf.parse(qf.form_from_fields(fields, fields.pop("extra", {})))


def _valid(parsed: qf.ParsedQuestion) -> None:
    check_question(parsed.control, parsed.data, parsed.correct_answer)


def test_single_choice_from_lines_with_the_answer_picked_by_label() -> None:
    parsed = _parse(
        kind="single",
        title=" Sentiment? ",
        item_text="It broke.",
        options="Positive\n\n Very negative \nNeutral\n",
        correct=["very negative"],
        explanation="Complaint.",
        guideline_section=" 2.1 ",
    )
    assert parsed.data == {"text": "It broke."}
    assert parsed.control["kind"] == "choice" and parsed.control["multiple"] is False
    assert parsed.control["title"] == "Sentiment?" and parsed.control["target"] == "text"
    assert [o["value"] for o in parsed.control["options"]] == [
        "positive",
        "very_negative",
        "neutral",
    ]
    assert parsed.correct_answer == "very_negative"
    assert (parsed.explanation, parsed.guideline_section) == ("Complaint.", "2.1")
    _valid(parsed)


def test_multi_choice_rating_and_text() -> None:
    multi = _parse(
        kind="multi",
        title="Topics?",
        item_text="x",
        options="Price\nDelivery",
        correct=["Price", "Delivery"],
    )
    assert multi.control["multiple"] is True and multi.correct_answer == ["price", "delivery"]
    _valid(multi)
    rating = _parse(
        kind="rating", title="Quality?", item_text="x", options="Bad\nOK\nGood", correct=["OK"]
    )
    assert [p["value"] for p in rating.control["scale"]] == [1, 2, 3]
    assert rating.correct_answer == 2
    _valid(rating)
    numbered = _parse(
        kind="rating", title="Q", item_text="x", options="0 = None\n5 Lots", correct=["5 Lots"]
    )
    assert numbered.control["scale"] == [
        {"value": 0, "label": "None"},
        {"value": 5, "label": "Lots"},
    ]
    assert numbered.correct_answer == 5
    _valid(numbered)
    text = _parse(kind="text", title="Copy it", item_text="P U S", correct_text=" pus ")
    assert text.control["kind"] == "text" and text.correct_answer == "pus"
    _valid(text)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "Write the question"),
        ({"item_text": "  "}, "item_text", "Type the text"),
        ({"options": "Only one"}, "options", "at least two"),
        ({"options": "Yes\nyes"}, "options", "must be different"),
        ({"correct": []}, "correct", "Pick the correct answer"),
        ({"correct": ["Maybe"]}, "correct", "not one of the options"),
        ({"correct": ["Yes", "No"]}, "correct", "Pick one"),
        ({"kind": "text", "correct_text": ""}, "correct_text", "Type the correct text"),
        ({"kind": "advanced", "data_json": "{"}, "data_json", "not valid JSON"),
        ({"kind": "advanced", "data_json": "{}", "control_json": ""}, "control_json", "JSON"),
    ],
)
def test_what_is_missing_is_named_by_its_form_field(
    fields: dict[str, Any], field: str, message: str
) -> None:
    base: dict[str, Any] = {
        "kind": "single",
        "title": "Ok?",
        "item_text": "x",
        "options": "Yes\nNo",
        "correct": ["Yes"],
    }
    with pytest.raises(InvalidInput, match=message) as refused:
        _parse(**{**base, **fields})
    assert refused.value.details == {"field": field}


@pytest.mark.parametrize(
    ("control", "correct", "kind"),
    [
        (SENTIMENT_CONTROL, "negative", "single"),
        (TAGS_CONTROL, ["price", "quality"], "multi"),
        (RATING_CONTROL, 4, "rating"),
        ({"name": "t", "kind": "text", "title": "Copy", "target": "text"}, "abc", "text"),
    ],
)
def test_stored_questions_round_trip_through_the_form(
    control: dict[str, Any], correct: Any, kind: str
) -> None:
    data = {"text": "Oh great."}
    form = qf.form_of(data, control, correct, "Why.", "2.1")
    assert form.kind == kind and form.item_text == "Oh great." and form.title == control["title"]
    parsed = qf.parse(form)
    assert parsed.data == data
    assert parsed.correct_answer == correct
    assert parsed.control["name"] == control["name"], "the answer key stays"
    for key in ("options", "scale"):
        if key in control:
            assert parsed.control[key] == control[key]
    assert (parsed.explanation, parsed.guideline_section) == ("Why.", "2.1")


def test_editing_keeps_values_hints_and_settings_of_unchanged_options() -> None:
    control = {
        "name": "fit",
        "kind": "choice",
        "title": "Fit?",
        "target": "review",
        "description": "Read twice.",
        "options": [
            {"value": "y", "label": "Yes", "hint": "fits"},
            {"value": "n", "label": "No"},
        ],
    }
    form = qf.form_of({"review": "Nice"}, control, "y", "", None)
    edited = qf.form_from_fields(
        {
            "kind": "single",
            "title": "Fit now?",
            "item_text": "Nicer",
            "options": "Yes\nNo\nNot sure",
            "correct": ["Not sure"],
        },
        form.extra,
    )
    parsed = qf.parse(edited)
    assert parsed.data == {"review": "Nicer"}
    assert parsed.control["description"] == "Read twice."
    assert parsed.control["options"] == [
        {"value": "y", "label": "Yes", "hint": "fits"},
        {"value": "n", "label": "No"},
        {"value": "not_sure", "label": "Not sure"},
    ]
    assert parsed.correct_answer == "not_sure"


def test_questions_the_simple_form_cannot_show_open_as_json() -> None:
    control = {
        "name": "m",
        "kind": "choice",
        "title": "Same?",
        "target": "first",
        "options": [{"value": "s", "label": "S"}, {"value": "d", "label": "D"}],
    }
    form = qf.form_of({"first": "a", "second": "b"}, control, "s", "", None)
    assert form.kind == "advanced"
    assert '"second": "b"' in form.data_json and form.correct_json == '"s"'
    assert qf.parse(form).data == {"first": "a", "second": "b"}
    spans = {
        "name": "s",
        "kind": "spans",
        "title": "Mark",
        "target": "text",
        "labels": [{"value": "p", "label": "P"}],
    }
    assert qf.form_of({"text": "abc"}, spans, [], "", None).kind == "advanced"


def test_service_errors_map_to_the_form_fields() -> None:
    simple = qf.QuestionForm(kind="single")
    assert qf.form_field(simple, "control") == "options"
    assert qf.form_field(simple, "correct_answer") == "correct"
    assert qf.form_field(qf.QuestionForm(kind="text"), "correct_answer") == "correct_text"
    assert qf.form_field(qf.QuestionForm(kind="advanced"), "data") == "data_json"
    assert qf.form_field(simple, "guideline_section") == "guideline_section"
    assert qf.form_field(simple, None) is None
