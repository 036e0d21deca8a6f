"""The label schema: parsing with every problem reported, conditional controls, responses."""

from __future__ import annotations

from typing import Any

import pytest

from labelpool.controls.base import AnswerError
from labelpool.controls.registry import KINDS, UnknownKindError, kind_for
from labelpool.controls.schema import (
    LabelSchema,
    ResponseError,
    SchemaError,
    agreement_for,
    export_response,
    parse_schema,
    score_response,
    validate_response,
    visible_controls,
)

IS_ENGLISH = {
    "name": "is_english",
    "kind": "choice",
    "title": "Is the text in English?",
    "target": "text",
    "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
}
SENTIMENT = {
    "name": "sentiment",
    "kind": "choice",
    "title": "What is the sentiment?",
    "target": "text",
    "show_if": {"control": "is_english", "in": ["yes"]},
    "options": [
        {"value": "positive", "label": "Positive"},
        {"value": "negative", "label": "Negative"},
        {"value": "neutral", "label": "Neutral"},
    ],
}
INTENSITY = {
    "name": "intensity",
    "kind": "rating",
    "title": "How strong is it?",
    "show_if": {"control": "sentiment", "in": ["positive", "negative"]},
    "scale": [
        {"value": 1, "label": "Mild"},
        {"value": 2, "label": "Clear"},
        {"value": 3, "label": "Strong"},
    ],
}
NOTE = {"name": "note", "kind": "text", "title": "Anything else?", "required": False}


def rubric() -> LabelSchema:
    return parse_schema({"controls": [IS_ENGLISH, SENTIMENT, INTENSITY, NOTE]}, ["text", "lang"])


def problems(raw: Any, data_fields: list[str] | None = None) -> list[str]:
    with pytest.raises(SchemaError) as info:
        parse_schema(raw, data_fields)
    return info.value.problems


# registry


def test_registry_knows_every_kind() -> None:
    assert kind_for("choice") is KINDS["choice"]
    with pytest.raises(UnknownKindError) as info:
        kind_for("slider")
    assert "'slider' is not a control kind; known kinds: " in str(info.value)
    assert "choice, " in str(info.value)
    assert isinstance(info.value, ValueError)


# parsing


def test_a_valid_schema_parses_in_order() -> None:
    schema = rubric()
    assert schema.names == ["is_english", "sentiment", "intensity", "note"]
    assert schema.control("intensity").kind == "rating"
    assert schema.kind("note") is KINDS["text"]
    assert schema.data_fields() == ["text"]


def test_schema_json_round_trips() -> None:
    schema = rubric()
    as_json = schema.to_json()
    assert as_json["controls"][1]["show_if"] == {"control": "is_english", "in": ["yes"]}
    assert parse_schema(as_json) == schema


def test_the_schema_must_be_an_object_with_at_least_one_control() -> None:
    assert problems([IS_ENGLISH]) == [
        'the label schema should be an object like {"controls": [...]}'
    ]
    assert problems({"controls": []}) == ["add at least one control"]
    assert problems({"controls": "x"}) == ["'controls' should be a list of controls"]
    assert problems({"controls": [NOTE], "version": 2}) == [
        "unknown top-level field(s) version; only 'controls'"
    ]


def test_every_problem_is_reported_with_the_control_and_field() -> None:
    found = problems(
        {
            "controls": [
                {**IS_ENGLISH, "options": [{"value": "yes", "label": "Yes"}]},
                {"name": "mood", "kind": "slider", "title": "Mood"},
                {"name": "note", "kind": "text"},
                {**NOTE, "colour": "red"},
                {"kind": "text", "title": "Nameless"},
                "not a control",
            ]
        }
    )
    assert found[0] == "controls[0] 'is_english': options needs at least 2 item(s), got 1"
    assert found[1].startswith("controls[1] 'mood': 'slider' is not a control kind; known kinds: ")
    assert found[2] == "controls[2] 'note': title is required"
    assert found[3].startswith(
        "controls[3] 'note': 'colour' is not a field of a text control (fields: name, kind, title"
    )
    assert found[4] == "controls[4]: name is required"
    assert found[5] == "controls[5] should be an object with a name, kind and title"
    assert found[6] == (
        "controls[3] 'note': the name 'note' is already used by controls[2]; names must be unique"
    )
    assert len(found) == 7


def test_missing_kind_and_bad_names() -> None:
    assert problems({"controls": [{"name": "x", "title": "X"}]})[0].startswith(
        "controls[0] 'x': kind is required; known kinds: "
    )
    assert problems({"controls": [{**NOTE, "name": "Note 1"}]}) == [
        "controls[0] 'Note 1': name: 'Note 1' is not a valid control name: use lower_snake_case, "
        "starting with a letter, at most 64 characters"
    ]


def test_targets_must_be_data_fields_when_known() -> None:
    assert problems({"controls": [IS_ENGLISH]}, ["body"]) == [
        "controls[0] 'is_english': target 'text' is not a data field of this project "
        "(data fields: body)"
    ]
    assert parse_schema({"controls": [IS_ENGLISH]}).names == ["is_english"]


def test_show_if_must_refer_to_an_earlier_discrete_control_and_its_values() -> None:
    assert problems({"controls": [{**NOTE, "show_if": {"control": "nope", "in": ["x"]}}]}) == [
        "controls[0] 'note': show_if refers to 'nope', which is not a control here"
    ]
    assert problems({"controls": [SENTIMENT, IS_ENGLISH]}) == [
        "controls[0] 'sentiment': show_if refers to 'is_english', which comes after it; "
        "a condition can only depend on an earlier control"
    ]
    assert problems({"controls": [{**NOTE, "show_if": {"control": "note", "in": ["x"]}}]}) == [
        "controls[0] 'note': show_if refers to the control itself"
    ]
    later = {**IS_ENGLISH, "name": "again", "show_if": {"control": "note", "in": ["x"]}}
    assert problems({"controls": [NOTE, later]}) == [
        "controls[1] 'again': show_if refers to 'note', a text control; conditions can only "
        "depend on choice, rating or pairwise controls"
    ]
    wrong = {**SENTIMENT, "show_if": {"control": "is_english", "in": ["yes", "maybe"]}}
    assert problems({"controls": [IS_ENGLISH, wrong]}) == [
        "controls[1] 'sentiment': show_if value(s) 'maybe' are not possible answers of "
        "'is_english' (yes, no)"
    ]
    as_text = {**INTENSITY, "show_if": {"control": "sentiment", "in": ["positive"]}}
    rating_cond = {**NOTE, "show_if": {"control": "intensity", "in": ["3"]}}
    assert problems({"controls": [IS_ENGLISH, SENTIMENT, as_text, rating_cond]}) == [
        "controls[3] 'note': show_if value(s) '3' are not possible answers of 'intensity' (1, 2, 3)"
    ]
    assert problems({"controls": [IS_ENGLISH, {**NOTE, "show_if": {"control": "is_english"}}]}) == [
        "controls[1] 'note': show_if.in is required"
    ]


# responses


def test_visible_required_controls_must_be_answered() -> None:
    with pytest.raises(ResponseError) as info:
        validate_response(rubric(), {"is_english": "yes"})
    assert [str(e) for e in info.value.errors] == ["sentiment: an answer is required"]


def test_a_full_response_is_normalised() -> None:
    answers = {"is_english": "yes", "sentiment": "negative", "intensity": "3", "note": " hm "}
    assert validate_response(rubric(), answers) == {
        "is_english": "yes",
        "sentiment": "negative",
        "intensity": 3,
        "note": "hm",
    }


def test_hidden_controls_must_be_left_unanswered() -> None:
    schema = rubric()
    assert validate_response(schema, {"is_english": "no"}) == {"is_english": "no"}
    # empty values for hidden controls are dropped
    assert validate_response(schema, {"is_english": "no", "sentiment": None, "note": ""}) == {
        "is_english": "no",
        "note": "",
    }
    with pytest.raises(ResponseError) as info:
        validate_response(schema, {"is_english": "no", "sentiment": "positive", "intensity": 2})
    assert [str(e) for e in info.value.errors] == [
        "sentiment: this question is only asked when is_english is yes, so leave it unanswered",
        "intensity: this question is only asked when sentiment is one of positive, negative, "
        "so leave it unanswered",
    ]


def test_a_chain_of_conditions() -> None:
    schema = rubric()
    assert validate_response(schema, {"is_english": "yes", "sentiment": "neutral"}) == {
        "is_english": "yes",
        "sentiment": "neutral",
    }
    assert visible_controls(schema, {"is_english": "yes", "sentiment": "neutral"}) == [
        "is_english",
        "sentiment",
        "note",
    ]
    assert visible_controls(schema, {"is_english": "yes", "sentiment": "positive"}) == [
        "is_english",
        "sentiment",
        "intensity",
        "note",
    ]
    assert visible_controls(schema, {}) == ["is_english", "note"]


def test_multi_choice_condition_holds_if_any_selected_value_is_listed() -> None:
    topics = {
        "name": "topics",
        "kind": "choice",
        "title": "Topics",
        "multiple": True,
        "options": [{"value": v, "label": v} for v in ("sport", "politics", "music")],
    }
    follow_up = {
        **NOTE,
        "name": "party",
        "required": True,
        "show_if": {"control": "topics", "in": ["politics"]},
    }
    schema = parse_schema({"controls": [topics, follow_up]})
    assert validate_response(schema, {"topics": ["sport"]}) == {"topics": ["sport"]}
    with pytest.raises(ResponseError, match="party: an answer is required"):
        validate_response(schema, {"topics": ["sport", "politics"]})


def test_all_problems_are_reported_at_once() -> None:
    with pytest.raises(ResponseError) as info:
        validate_response(
            rubric(), {"is_english": "yes", "sentiment": "happy", "note": 5, "extra": 1}
        )
    error = info.value
    assert all(isinstance(e, AnswerError) for e in error.errors)
    assert [str(e) for e in error.errors] == [
        "extra: there is no question with this name in the label schema",
        "sentiment: 'happy' is not one of the options positive, negative, neutral",
        "note: expected text, got a number",
    ]
    assert error.by_control()["sentiment"] == [
        "'happy' is not one of the options positive, negative, neutral"
    ]


def test_a_control_depending_on_an_invalid_answer_is_not_judged_visible_or_hidden() -> None:
    with pytest.raises(ResponseError) as info:
        validate_response(rubric(), {"is_english": "yes", "sentiment": "happy"})
    # intensity may or may not be asked; only the real problem is reported
    assert [e.control for e in info.value.errors] == ["sentiment"]


def test_answers_must_be_an_object() -> None:
    with pytest.raises(ResponseError, match="the answers should be an object"):
        validate_response(rubric(), ["yes"])  # type: ignore[arg-type]


def test_score_response_per_control_with_gold_and_overall_mean() -> None:
    schema = rubric()
    answers = {"is_english": "yes", "sentiment": "negative", "intensity": 2}
    gold = {"is_english": "yes", "sentiment": "negative", "intensity": 3}
    result = score_response(schema, answers, gold)
    assert result.controls == {"is_english": 1.0, "sentiment": 1.0, "intensity": 0.5}
    assert result.overall == pytest.approx(2.5 / 3)


def test_score_response_unanswered_controls_with_gold() -> None:
    schema = rubric()
    # labeler said "no", gold says "yes, positive": the hidden answer scores 0
    result = score_response(
        schema, {"is_english": "no"}, {"is_english": "yes", "sentiment": "positive"}
    )
    assert result.controls == {"is_english": 0.0, "sentiment": 0.0}
    assert result.overall == 0.0
    assert score_response(schema, {"is_english": "no"}, {}).overall is None
    assert score_response(schema, {}, {"note": None}).controls == {"note": 1.0}


def test_agreement_for_a_control() -> None:
    schema = rubric()
    assert agreement_for(schema, "intensity", [1, 3, 3]) == pytest.approx((0 + 0 + 1) / 3)
    assert agreement_for(schema, "sentiment", ["neutral", "neutral"]) == 1.0
    with pytest.raises(KeyError, match="there is no control named 'mood'"):
        agreement_for(schema, "mood", [])


def test_export_response_is_plain_json_in_schema_order() -> None:
    schema = rubric()
    answers = validate_response(
        schema, {"note": "fine", "is_english": "yes", "sentiment": "neutral"}
    )
    exported = export_response(schema, answers)
    assert list(exported) == ["is_english", "sentiment", "note"]
    assert validate_response(schema, exported) == answers


# every kind in one schema

ALL_KINDS = {
    "controls": [
        IS_ENGLISH,
        {
            "name": "quality",
            "kind": "rating",
            "title": "Quality",
            "na_option": True,
            "scale": [{"value": 1, "label": "Bad"}, {"value": 2, "label": "Good"}],
        },
        {
            "name": "preference",
            "kind": "pairwise",
            "title": "Better?",
            "targets": ["response_a", "response_b"],
        },
        {"name": "order", "kind": "ranking", "title": "Rank", "target": "responses"},
        {"name": "summary", "kind": "text", "title": "Summary"},
        {
            "name": "entities",
            "kind": "spans",
            "title": "Entities",
            "target": "text",
            "labels": [{"value": "PER", "label": "Person"}],
        },
        {
            "name": "objects",
            "kind": "boxes",
            "title": "Objects",
            "target": "image",
            "labels": [{"value": "car", "label": "Car"}],
        },
        {
            "name": "turns",
            "kind": "regions",
            "title": "Turns",
            "target": "audio",
            "labels": [{"value": "alice", "label": "Alice"}],
        },
        {
            "name": "paths",
            "kind": "tracks",
            "title": "Paths",
            "target": "video",
            "labels": [{"value": "car", "label": "Car"}],
        },
    ]
}
FIELDS = ["text", "response_a", "response_b", "responses", "image", "audio", "video"]
DATA = {"text": "Ada wrote", "responses": ["x", "y", "z"]}
FULL = {
    "is_english": "yes",
    "quality": 2,
    "preference": {"winner": "b"},
    "order": [2, 0, 1],
    "summary": "Ada wrote.",
    "entities": [{"start": 0, "end": 3, "label": "PER"}],
    "objects": [{"x": 1, "y": 2, "w": 3, "h": 4, "label": "car"}],
    "turns": [{"start": 0.0, "end": 1.5, "label": "alice"}],
    "paths": [{"label": "car", "keyframes": [{"frame": 0, "x": 0, "y": 0, "w": 5, "h": 5}]}],
}


def test_the_registry_has_the_eleven_kinds() -> None:
    assert sorted(KINDS) == [
        "boxes",
        "choice",
        "keypoints",
        "pairwise",
        "polygons",
        "ranking",
        "rating",
        "regions",
        "spans",
        "text",
        "tracks",
    ]
    assert all(kind.kind == name for name, kind in KINDS.items())


def test_a_schema_with_every_kind_validates_scores_and_exports() -> None:
    schema = parse_schema(ALL_KINDS, FIELDS)
    assert schema.data_fields() == [
        "text",
        "response_a",
        "response_b",
        "responses",
        "image",
        "audio",
        "video",
    ]
    answers = validate_response(schema, FULL, DATA)
    assert answers == FULL
    result = score_response(schema, answers, answers, DATA)
    assert result.controls == dict.fromkeys(FULL, 1.0)
    assert result.overall == 1.0
    assert validate_response(schema, export_response(schema, answers), DATA) == answers
    assert parse_schema(schema.to_json(), FIELDS) == schema


def test_item_data_is_used_to_check_answers() -> None:
    schema = parse_schema(ALL_KINDS, FIELDS)
    bad = {**FULL, "order": [0, 1], "entities": [{"start": 0, "end": 30, "label": "PER"}]}
    with pytest.raises(ResponseError) as info:
        validate_response(schema, bad, DATA)
    assert [str(e) for e in info.value.errors] == [
        "order: rank all 3 responses; response 2 is not ranked",
        "entities: span 1 (characters 0-30) goes past the end of the text, "
        "which is 9 characters long",
    ]


def test_a_required_rating_with_na_option_takes_an_explicit_null() -> None:
    schema = parse_schema(ALL_KINDS, FIELDS)
    answers = validate_response(schema, {**FULL, "quality": None}, DATA)
    assert answers["quality"] is None
    without = {k: v for k, v in FULL.items() if k != "quality"}
    with pytest.raises(ResponseError, match="quality: an answer is required"):
        validate_response(schema, without, DATA)
