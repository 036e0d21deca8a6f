"""polygons: labelled outlines on an image, scored by area-IoU-matched F1 (shapely)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.polygons import (
    PolygonsConfig,
    PolygonsKind,
    on_one_line,
    polygon_iou,
    polygons_score,
)
from labelpool.controls.registry import kind_for

KIND = PolygonsKind()

OUTLINES = {
    "name": "shapes",
    "kind": "polygons",
    "title": "Outline every roof and pond",
    "target": "image",
    "labels": [{"value": "roof", "label": "Roof"}, {"value": "pond", "label": "Pond"}],
}


def config(**changes: object) -> PolygonsConfig:
    return KIND.parse_config({**OUTLINES, **changes})


def square(x: float, y: float, size: float, label: str = "roof") -> dict[str, Any]:
    points = [[x, y], [x + size, y], [x + size, y + size], [x, y + size]]
    return {"points": points, "label": label}


def test_registered_and_configured() -> None:
    assert isinstance(kind_for("polygons"), PolygonsKind)
    parsed = config(min_polygons=1, max_polygons=5)
    assert (parsed.min_polygons, parsed.max_polygons, parsed.target) == (1, 5, "image")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_polygons": 3, "max_polygons": 2}, r"min_polygons \(3\) is more than max_polygons"),
        ({"max_polygons": 0}, "greater than or equal to 1"),
        ({"labels": []}, "at least 1"),
        ({"closed": True}, "closed"),
    ],
)
def test_invalid_configs(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(**changes)


def test_valid_answer() -> None:
    triangle = {"points": [[0, 0], [10.5, 0], [5, 8]], "label": "pond"}
    answer = [square(1, 2, 10), triangle]
    assert KIND.validate_answer(config(), answer) == answer


@pytest.mark.parametrize(
    ("answer", "changes", "message"),
    [
        ({"points": []}, {}, "shapes: expected a list of polygons, got an object"),
        ([], {}, "shapes: draw at least one polygon"),
        ([], {"min_polygons": 2}, "shapes: draw at least 2 polygons"),
        ([square(0, 0, 5)], {"min_polygons": 2}, "shapes: draw at least 2 polygons (1 drawn)"),
        ([square(0, 0, 5)] * 3, {"max_polygons": 2}, "shapes: draw at most 2 polygons (3 drawn)"),
        ([[1, 2]], {}, "shapes: polygon 1 should be an object, got a list"),
        ([{"points": [[0, 0], [1, 0], [0, 1]]}], {}, "shapes: polygon 1 is missing label"),
        (
            [{**square(0, 0, 5), "score": 0.9}],
            {},
            "shapes: polygon 1 has unknown field(s) score (points, label allowed)",
        ),
        (
            [{"points": "0,0 1,0 0,1", "label": "roof"}],
            {},
            "shapes: polygon 1: points should be a list of [x, y], got text",
        ),
        (
            [{"points": [[0, 0], [1, 0]], "label": "roof"}],
            {},
            "shapes: polygon 1 has 2 points; a polygon needs at least 3",
        ),
        (
            [{"points": [[0, 0]] * 1001, "label": "roof"}],
            {},
            "shapes: polygon 1 has 1001 points; at most 1000",
        ),
        (
            [{"points": [[0, 0], [1, 0], [0, 1, 2]], "label": "roof"}],
            {},
            "shapes: polygon 1: point 3 should be [x, y], got a list",
        ),
        (
            [{"points": [[0, 0], [1, 0], {"x": 0}], "label": "roof"}],
            {},
            "shapes: polygon 1: point 3 should be [x, y], got an object",
        ),
        (
            [{"points": [[0, 0], [1, "0"], [0, 1]], "label": "roof"}],
            {},
            "shapes: polygon 1: point 2 should be two numbers, got '0'",
        ),
        (
            [square(0, 0, 5), {"points": [[0, 0], [-1, 0], [0, 1]], "label": "roof"}],
            {},
            "shapes: polygon 2: point 2 is outside the image (x and y must be 0 or more)",
        ),
        (
            [{"points": [[0, 0], [5, 5], [10, 10]], "label": "roof"}],
            {},
            "shapes: polygon 1 has no area (its points are all on one line)",
        ),
        (
            [square(0, 0, 5, "house")],
            {},
            "shapes: polygon 1: 'house' is not one of the labels roof, pond",
        ),
    ],
)
def test_invalid_answers(answer: object, changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(**changes), answer)
    assert str(info.value) == message


def test_optional_accepts_nothing_and_none() -> None:
    assert KIND.validate_answer(config(required=False), []) == []
    assert KIND.validate_answer(config(required=False), None) is None


def test_area_and_iou() -> None:
    assert on_one_line([[0, 0], [5, 5], [10, 10], [2, 2]])
    assert on_one_line([[3, 3], [3, 3], [3, 3]])
    assert not on_one_line([[0, 0], [0, 0], [10, 0], [0, 1]])
    # Two 10 x 10 squares overlapping by half: 50 / 150.
    assert polygon_iou(square(0, 0, 10), square(5, 0, 10)) == pytest.approx(1 / 3)
    # A triangle that is half of the square: IoU 1/2.
    half = {"points": [[0, 0], [10, 0], [10, 10]], "label": "roof"}
    assert polygon_iou(square(0, 0, 10), half) == pytest.approx(0.5)
    assert polygon_iou(square(0, 0, 10), square(20, 20, 5)) == 0.0


def test_a_self_crossing_outline_is_scored_by_the_area_it_encloses() -> None:
    bowtie = {"points": [[0, 0], [10, 10], [10, 0], [0, 10]], "label": "roof"}
    assert KIND.validate_answer(config(), [bowtie]) == [bowtie]
    # The bow tie encloses two triangles, half the square: IoU 1/2, a match.
    assert polygon_iou(bowtie, square(0, 0, 10)) == pytest.approx(0.5)


def test_score_weights_match_f1_by_mean_iou() -> None:
    gold = [square(0, 0, 10), square(50, 50, 20, "pond")]
    half = {"points": [[0, 0], [10, 0], [10, 10]], "label": "roof"}
    assert polygons_score([half, square(50, 50, 20, "pond")], gold) == pytest.approx(0.75)
    # One found exactly, one missed: F1 2/3.
    assert KIND.score(config(), [square(0, 0, 10)], gold) == pytest.approx(2 / 3)
    # The same outline with another label does not match.
    assert KIND.score(config(), [square(0, 0, 10, "pond")], [square(0, 0, 10)]) == 0.0


def test_empty_answers_and_agreement() -> None:
    assert KIND.score(config(), [], []) == 1.0
    assert KIND.score(config(), [], [square(0, 0, 1)]) == 0.0
    a, b = [square(0, 0, 10)], [{"points": [[0, 0], [10, 0], [10, 10]], "label": "roof"}]
    # (a, a) = 1, (a, b) = 0.5 twice
    assert KIND.agreement(config(), [a, a, b]) == pytest.approx(2 / 3)
