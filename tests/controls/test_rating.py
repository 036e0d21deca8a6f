"""rating: labelled scale points with rubric text, distance-based score."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.rating import RatingConfig, RatingKind

KIND = RatingKind()

RELEVANCE = {
    "name": "relevance",
    "kind": "rating",
    "title": "How relevant is the result to the query?",
    "scale": [
        {"value": 1, "label": "Irrelevant", "description": "Nothing to do with the query"},
        {"value": 2, "label": "Somewhat"},
        {"value": 3, "label": "Relevant"},
        {"value": 4, "label": "Highly relevant", "description": "Exactly what was asked"},
        {"value": 5, "label": "Perfect"},
    ],
}


def config(**changes: object) -> RatingConfig:
    return KIND.parse_config({**RELEVANCE, **changes})


def test_valid_config_keeps_labels_and_rubric() -> None:
    parsed = config()
    assert parsed.values() == [1, 2, 3, 4, 5]
    assert parsed.scale[0].description == "Nothing to do with the query"
    assert parsed.na_option is False


@pytest.mark.parametrize(
    ("scale", "message"),
    [
        ([{"value": 1, "label": "Only"}], "at least 2"),
        (
            [{"value": 2, "label": "B"}, {"value": 1, "label": "A"}],
            r"strictly ascending order \(1 comes after 2\)",
        ),
        ([{"value": 1, "label": "A"}, {"value": 1, "label": "A again"}], "strictly ascending"),
        ([{"value": 1.5, "label": "A"}, {"value": 2, "label": "B"}], "integer"),
        ([{"value": 1, "label": "A"}, {"value": 2}], "label"),
    ],
)
def test_invalid_scales_are_refused(scale: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(scale=scale)


@pytest.mark.parametrize(("answer", "expected"), [(3, 3), (3.0, 3), ("4", 4), (" 5 ", 5)])
def test_answers_are_normalised_to_the_integer_scale_value(answer: object, expected: int) -> None:
    assert KIND.validate_answer(config(), answer) == expected


SCALE = "1 (Irrelevant), 2 (Somewhat), 3 (Relevant), 4 (Highly relevant), 5 (Perfect)"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (7, f"relevance: 7 is not on the scale; choose one of {SCALE}"),
        (2.5, f"relevance: expected a point on the scale {SCALE}, got 2.5"),
        ("good", f"relevance: expected a point on the scale {SCALE}, got 'good'"),
        (True, f"relevance: expected a point on the scale {SCALE}, got true"),
        (None, "relevance: an answer is required"),
    ],
)
def test_invalid_answers_are_refused(answer: object, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(), answer)
    assert str(info.value) == message


def test_na_option_accepts_null_as_not_applicable() -> None:
    with_na = config(na_option=True)
    assert KIND.validate_answer(with_na, None) is None
    assert KIND.score(with_na, None, None) == 1.0
    assert KIND.score(with_na, None, 3) == 0.0
    assert KIND.score(with_na, 3, None) == 0.0


def test_score_is_one_minus_distance_over_range() -> None:
    parsed = config()
    assert KIND.score(parsed, 4, 4) == 1.0
    assert KIND.score(parsed, 3, 4) == pytest.approx(0.75)  # 1 - 1/4
    assert KIND.score(parsed, 1, 5) == 0.0


def test_agreement_is_one_minus_mean_pairwise_distance_over_range() -> None:
    # pairs (2,3)=1, (2,5)=3, (3,5)=2 → mean distance 2 → 1 - 2/4
    assert KIND.agreement(config(), [2, 3, 5]) == pytest.approx(0.5)
    assert KIND.agreement(config(), [4, 4, 4]) == 1.0
    assert KIND.agreement(config(), [4]) == 1.0


def test_export_round_trips() -> None:
    answer = KIND.validate_answer(config(), "3")
    assert KIND.export(config(), answer) == 3
    assert KIND.validate_answer(config(), KIND.export(config(), answer)) == 3


def test_possible_values_are_the_scale_values() -> None:
    assert KIND.possible_values(config()) == [1, 2, 3, 4, 5]
    assert KIND.answer_values(config(), 2) == [2]
