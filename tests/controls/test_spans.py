"""spans: labelled character ranges of a text, scored by label F1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.schema import parse_schema, score_response
from labelpool.controls.spans import SpansConfig, SpansKind, span_f1

KIND = SpansKind()

TEXT = "Ada Lovelace met Charles Babbage in London"
#       0   4       12  17      25      33 36    42
DATA = {"text": TEXT}
ENTITIES = {
    "name": "entities",
    "kind": "spans",
    "title": "Mark people and places",
    "target": "text",
    "labels": [
        {"value": "PER", "label": "Person", "color": "#e15759"},
        {"value": "LOC", "label": "Location"},
    ],
}


def config(**changes: object) -> SpansConfig:
    return KIND.parse_config({**ENTITIES, **changes})


def span(start: float, end: float, label: str) -> Mapping[str, Any]:
    return {"start": start, "end": end, "label": label}


GOLD = [span(0, 12, "PER"), span(17, 32, "PER"), span(36, 42, "LOC")]


def test_offsets_in_the_fixture_are_right() -> None:
    assert [TEXT[s["start"] : s["end"]] for s in GOLD] == [
        "Ada Lovelace",
        "Charles Babbage",
        "London",
    ]


def test_valid_config() -> None:
    parsed = config()
    assert parsed.label_values() == ["PER", "LOC"]
    assert parsed.labels[0].color == "#e15759"
    assert parsed.allow_overlap is False


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"labels": []}, "at least 1"),
        (
            {"labels": [{"value": "PER", "label": "P"}, {"value": "PER", "label": "Q"}]},
            "label values must be unique; repeated: PER",
        ),
        ({"target": None}, "target"),
        ({"labels": [{"value": "PER", "label": "P", "shape": "x"}]}, "shape"),
    ],
)
def test_invalid_configs(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(**changes)


def test_valid_answer_is_sorted() -> None:
    answer = [span(36, 42, "LOC"), span(0, 12, "PER")]
    assert KIND.validate_answer(config(), answer, DATA) == [span(0, 12, "PER"), span(36, 42, "LOC")]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([span(5, 3, "PER")], "entities: span 1: end (3) must be after start (5)"),
        ([span(4, 4, "PER")], "entities: span 1: end (4) must be after start (4)"),
        ([span(-1, 3, "PER")], "entities: span 1: start (-1) cannot be negative"),
        (
            [span(0, 3, "PER"), span(36, 50, "LOC")],
            "entities: span 2 (characters 36-50) goes past the end of the text, "
            "which is 42 characters long",
        ),
        ([span(0, 3, "ORG")], "entities: span 1: 'ORG' is not one of the labels PER, LOC"),
        ([span(0, 3.5, "PER")], "entities: span 1: end should be a character position, got 3.5"),
        ([{"start": 0, "label": "PER"}], "entities: span 1 is missing end"),
        ([span(0, 3, "PER"), span(0, 3, "PER")], "entities: the span 0-3 (PER) is marked twice"),
        (
            [span(0, 12, "PER"), span(4, 16, "LOC")],
            "entities: spans must not overlap: 0-12 (PER) and 4-16 (LOC)",
        ),
        ("Ada", "entities: expected a list of spans, got text"),
        ([], "entities: mark at least one span"),
    ],
)
def test_invalid_answers(answer: object, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(), answer, DATA)
    assert str(info.value) == message


def test_overlap_allowed_when_configured_and_bounds_unchecked_without_data() -> None:
    answer = [span(0, 12, "PER"), span(4, 16, "LOC")]
    assert KIND.validate_answer(config(allow_overlap=True), answer, DATA) == answer
    assert KIND.validate_answer(config(), [span(100, 120, "LOC")]) == [span(100, 120, "LOC")]


def test_optional_spans_accept_none_marked() -> None:
    assert KIND.validate_answer(config(required=False), [], DATA) == []


ANSWER = [span(0, 3, "PER"), span(17, 32, "PER"), span(36, 42, "PER")]


def test_token_level_f1_with_the_text() -> None:
    # gold tokens: Ada/PER Lovelace/PER Charles/PER Babbage/PER London/LOC (5)
    # answer tokens: Ada/PER Charles/PER Babbage/PER London/PER (4); 3 in common
    # F1 = 2*3 / (5 + 4)
    assert span_f1(ANSWER, GOLD, TEXT) == pytest.approx(2 / 3)
    assert KIND.score_in(config(), ANSWER, GOLD, DATA) == pytest.approx(2 / 3)


def test_a_partial_token_counts_as_the_whole_token() -> None:
    assert span_f1([span(1, 2, "PER")], [span(0, 3, "PER")], TEXT) == 1.0


def test_character_level_f1_without_the_text() -> None:
    # gold characters: 12 + 15 PER, 6 LOC = 33; answer 3 + 15 + 6 PER = 24; 18 in common
    assert KIND.score(config(), ANSWER, GOLD) == pytest.approx(36 / 57)


def test_empty_answers() -> None:
    assert KIND.score(config(), [], []) == 1.0
    assert KIND.score(config(), [], GOLD) == 0.0
    assert KIND.score(config(), GOLD, []) == 0.0


def test_score_response_uses_tokens_when_given_the_item_data() -> None:
    schema = parse_schema({"controls": [ENTITIES]}, ["text"])
    result = score_response(schema, {"entities": ANSWER}, {"entities": GOLD}, DATA)
    assert result.controls["entities"] == pytest.approx(2 / 3)


def test_agreement_is_mean_pairwise_f1() -> None:
    # GOLD vs GOLD = 1, each vs ANSWER = 2/3 → (1 + 2/3 + 2/3) / 3
    assert KIND.agreement_in(config(), [GOLD, GOLD, ANSWER], DATA) == pytest.approx(7 / 9)
    assert KIND.agreement(config(), [GOLD, GOLD]) == 1.0


def test_export_round_trip() -> None:
    answer = KIND.validate_answer(config(), list(reversed(GOLD)), DATA)
    exported = KIND.export(config(), answer)
    assert exported == GOLD
    assert KIND.validate_answer(config(), exported, DATA) == answer
