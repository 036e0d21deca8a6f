"""boxes: labelled bounding boxes, scored by IoU-matched F1."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.boxes import BoxesConfig, BoxesKind, boxes_score
from labelpool.controls.common import box_iou

KIND = BoxesKind()

OBJECTS = {
    "name": "objects",
    "kind": "boxes",
    "title": "Draw a box around every vehicle",
    "target": "image",
    "labels": [{"value": "car", "label": "Car"}, {"value": "bus", "label": "Bus"}],
}


def config(**changes: object) -> BoxesConfig:
    return KIND.parse_config({**OBJECTS, **changes})


def box(x: float, y: float, w: float, h: float, label: str = "car") -> dict[str, object]:
    return {"x": x, "y": y, "w": w, "h": h, "label": label}


def test_valid_config() -> None:
    parsed = config(min_boxes=1, max_boxes=10)
    assert (parsed.min_boxes, parsed.max_boxes) == (1, 10)
    assert parsed.target == "image"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_boxes": 3, "max_boxes": 2}, r"min_boxes \(3\) is more than max_boxes \(2\)"),
        ({"max_boxes": 0}, "greater than or equal to 1"),
        ({"labels": []}, "at least 1"),
        ({"polygons": True}, "polygons"),
    ],
)
def test_invalid_configs(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(**changes)


def test_valid_answer() -> None:
    answer = [box(10, 20, 30.5, 40), box(0, 0, 5, 5, "bus")]
    assert KIND.validate_answer(config(), answer) == answer


@pytest.mark.parametrize(
    ("answer", "changes", "message"),
    [
        (
            [box(-1, 0, 5, 5)],
            {},
            "objects: box 1 starts outside the image (x and y must be 0 or more)",
        ),
        (
            [box(0, 0, 5, 5), box(0, 0, 0, 5)],
            {},
            "objects: box 2 has no area (width and height must be more than 0)",
        ),
        (
            [{"x": 0, "y": 0, "w": "5", "h": 5, "label": "car"}],
            {},
            "objects: box 1: w should be a number, got '5'",
        ),
        (
            [box(0, 0, 5, 5, "truck")],
            {},
            "objects: box 1: 'truck' is not one of the labels car, bus",
        ),
        ([{"x": 0, "y": 0, "w": 5, "label": "car"}], {}, "objects: box 1 is missing h"),
        ([], {}, "objects: draw at least one box"),
        ([], {"min_boxes": 2}, "objects: draw at least 2 boxes"),
        ([box(0, 0, 5, 5)], {"min_boxes": 2}, "objects: draw at least 2 boxes (1 drawn)"),
        ([box(0, 0, 5, 5)] * 3, {"max_boxes": 2}, "objects: draw at most 2 boxes (3 drawn)"),
        ({"x": 0}, {}, "objects: expected a list of boxes, got an object"),
    ],
)
def test_invalid_answers(answer: object, changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(**changes), answer)
    assert str(info.value) == message


def test_optional_boxes_accept_nothing_to_box() -> None:
    assert KIND.validate_answer(config(required=False), []) == []


def test_iou() -> None:
    assert box_iou(box(0, 0, 10, 10), box(0, 0, 10, 8)) == pytest.approx(0.8)
    # overlap 5x10 = 50, union 100 + 100 - 50 = 150
    assert box_iou(box(0, 0, 10, 10), box(5, 0, 10, 10)) == pytest.approx(1 / 3)
    assert box_iou(box(0, 0, 10, 10), box(20, 20, 5, 5)) == 0.0


def test_score_weights_match_f1_by_mean_iou() -> None:
    gold = [box(0, 0, 10, 10), box(50, 50, 20, 20, "bus")]
    # both found: IoU 0.8 and 1.0 → F1 1 x mean IoU 0.9
    assert boxes_score([box(0, 0, 10, 8), box(50, 50, 20, 20, "bus")], gold) == pytest.approx(0.9)
    # one found (IoU 0.8), one missed: F1 = 2*1/(1+2) → 2/3 x 0.8
    assert KIND.score(config(), [box(0, 0, 10, 8)], gold) == pytest.approx(0.8 * 2 / 3)


def test_a_match_needs_the_same_label_and_iou_of_one_half() -> None:
    gold = [box(0, 0, 10, 10)]
    assert KIND.score(config(), [box(0, 0, 10, 10, "bus")], gold) == 0.0
    assert KIND.score(config(), [box(5, 0, 10, 10)], gold) == 0.0  # IoU 1/3
    assert KIND.score(config(), [box(0, 0, 10, 5)], gold) == pytest.approx(0.5)  # IoU 1/2


def test_matching_is_one_to_one_and_optimal() -> None:
    gold = [box(0, 0, 10, 10), box(3, 0, 10, 10)]
    # answer box at x=2 fits gold x=3 best (IoU 9/11) but also gold x=0 (IoU 8/12); the box at
    # x=6 only fits gold x=3 (IoU 7/13; 4/16 with x=0 is below 0.5). Matching greedily by best
    # IoU would match one pair; the optimal matching pairs both.
    answer = [box(2, 0, 10, 10), box(6, 0, 10, 10)]
    assert KIND.score(config(), answer, gold) == pytest.approx((8 / 12 + 7 / 13) / 2)


def test_empty_answers() -> None:
    assert KIND.score(config(), [], []) == 1.0
    assert KIND.score(config(), [], [box(0, 0, 1, 1)]) == 0.0
    assert KIND.score(config(), [box(0, 0, 1, 1)], []) == 0.0


def test_agreement_is_mean_pairwise_score() -> None:
    a, b = [box(0, 0, 10, 10)], [box(0, 0, 10, 8)]
    # (a,a)=1, (a,b)=0.8, (a,b)=0.8
    assert KIND.agreement(config(), [a, a, b]) == pytest.approx(2.6 / 3)


def test_export_round_trip() -> None:
    answer = KIND.validate_answer(config(), [box(1, 2, 3, 4), box(5, 6, 7, 8, "bus")])
    exported = KIND.export(config(), answer)
    assert exported == [box(1, 2, 3, 4), box(5, 6, 7, 8, "bus")]
    assert KIND.validate_answer(config(), exported) == answer
