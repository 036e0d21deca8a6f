"""keypoints: labelled points on an image, matched within a tolerance in pixels."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.keypoints import KeypointsConfig, KeypointsKind, keypoints_score
from labelpool.controls.registry import kind_for

KIND = KeypointsKind()

LANDMARKS = {
    "name": "landmarks",
    "kind": "keypoints",
    "title": "Mark every eye and nose",
    "target": "image",
    "labels": [{"value": "eye", "label": "Eye"}, {"value": "nose", "label": "Nose"}],
}


def config(**changes: object) -> KeypointsConfig:
    return KIND.parse_config({**LANDMARKS, **changes})


def point(x: Any, y: Any, label: str = "eye") -> dict[str, Any]:
    return {"x": x, "y": y, "label": label}


def test_registered_and_configured() -> None:
    assert isinstance(kind_for("keypoints"), KeypointsKind)
    assert config().tolerance == 10
    parsed = config(tolerance=4.5, min_points=1, max_points=3)
    assert (parsed.tolerance, parsed.min_points, parsed.max_points) == (4.5, 1, 3)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tolerance": 0}, "greater than 0"),
        ({"min_points": 3, "max_points": 2}, r"min_points \(3\) is more than max_points \(2\)"),
        ({"max_points": 0}, "greater than or equal to 1"),
        ({"radius": 3}, "radius"),
    ],
)
def test_invalid_configs(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(**changes)


def test_valid_answer() -> None:
    answer = [point(0, 0), point(10.5, 20, "nose")]
    assert KIND.validate_answer(config(), answer) == answer


@pytest.mark.parametrize(
    ("answer", "changes", "message"),
    [
        ("here", {}, "landmarks: expected a list of points, got text"),
        ([], {}, "landmarks: mark at least one point"),
        ([], {"min_points": 2}, "landmarks: mark at least 2 points"),
        ([point(1, 1)], {"min_points": 2}, "landmarks: mark at least 2 points (1 marked)"),
        ([point(1, 1)] * 3, {"max_points": 2}, "landmarks: mark at most 2 points (3 marked)"),
        ([None], {}, "landmarks: point 1 should be an object, got nothing (null)"),
        ([{"x": 1, "label": "eye"}], {}, "landmarks: point 1 is missing y"),
        (
            [{**point(1, 1), "visible": True}],
            {},
            "landmarks: point 1 has unknown field(s) visible (x, y, label allowed)",
        ),
        ([point(1, "2")], {}, "landmarks: point 1: y should be a number, got '2'"),
        ([point(True, 2)], {}, "landmarks: point 1: x should be a number, got true"),
        (
            [point(1, 1), point(-1, 1)],
            {},
            "landmarks: point 2 is outside the image (x and y must be 0 or more)",
        ),
        ([point(1, 1, "ear")], {}, "landmarks: point 1: 'ear' is not one of the labels eye, nose"),
    ],
)
def test_invalid_answers(answer: object, changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(**changes), answer)
    assert str(info.value) == message


def test_optional_accepts_nothing() -> None:
    assert KIND.validate_answer(config(required=False), []) == []


def test_score_by_distance_within_the_tolerance() -> None:
    gold = [point(100, 100)]
    assert KIND.score(config(), [point(100, 100)], gold) == 1.0
    # 6 px off with a 10 px tolerance: 1 - 6 / 20
    assert KIND.score(config(), [point(106, 100)], gold) == pytest.approx(0.7)
    assert KIND.score(config(), [point(110, 100)], gold) == pytest.approx(0.5)  # at the edge
    assert KIND.score(config(), [point(111, 100)], gold) == 0.0  # beyond it
    assert KIND.score(config(tolerance=20), [point(111, 100)], gold) == pytest.approx(1 - 11 / 40)
    assert KIND.score(config(), [point(100, 100, "nose")], gold) == 0.0  # another label


def test_matching_is_one_to_one_and_weighted_by_f1() -> None:
    gold = [point(0, 0), point(8, 0)]
    # Both answer points are nearest gold (8, 0) … the matching still pairs each with one.
    answer = [point(4, 0), point(9, 0)]
    assert keypoints_score(answer, gold, 10) == pytest.approx(((1 - 4 / 20) + (1 - 1 / 20)) / 2)
    # One point for two gold points: F1 2/3.
    assert keypoints_score([point(0, 0)], gold, 10) == pytest.approx(2 / 3)


def test_empty_answers_and_agreement() -> None:
    assert KIND.score(config(), [], []) == 1.0
    assert KIND.score(config(), [point(1, 1)], []) == 0.0
    a, b = [point(0, 0)], [point(4, 0)]
    # (a, a) = 1, (a, b) = 0.8 twice
    assert KIND.agreement(config(), [a, a, b]) == pytest.approx(2.6 / 3)
