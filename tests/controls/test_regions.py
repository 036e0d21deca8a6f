"""regions: labelled time segments with optional text, scored by temporal-IoU-matched F1."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.regions import RegionsConfig, RegionsKind, time_iou

KIND = RegionsKind()

SEGMENTS = {
    "name": "segments",
    "kind": "regions",
    "title": "Mark who speaks when and type what they say",
    "target": "audio",
    "allow_text": True,
    "labels": [{"value": "alice", "label": "Alice"}, {"value": "bob", "label": "Bob"}],
}


def config(**changes: object) -> RegionsConfig:
    return KIND.parse_config({**SEGMENTS, **changes})


def region(start: float, end: float, label: str = "alice", **extra: object) -> dict[str, object]:
    return {"start": start, "end": end, "label": label, **extra}


def test_config() -> None:
    assert config().allow_text is True
    assert config(allow_text=False).allow_text is False
    with pytest.raises(ValidationError, match="target"):
        KIND.parse_config({k: v for k, v in SEGMENTS.items() if k != "target"})


def test_valid_answer_is_sorted_by_start_and_text_stripped() -> None:
    answer = [region(4.0, 6.5, "bob", text=" hi there "), region(0, 4.2)]
    assert KIND.validate_answer(config(), answer) == [
        region(0, 4.2),
        region(4.0, 6.5, "bob", text="hi there"),
    ]


@pytest.mark.parametrize(
    ("answer", "changes", "message"),
    [
        ([region(3, 2)], {}, "segments: region 1: end (2 s) must be after start (3 s)"),
        ([region(-0.5, 2)], {}, "segments: region 1: start (-0.5 s) cannot be negative"),
        (
            [{"start": 0, "end": "2", "label": "alice"}],
            {},
            "segments: region 1: end should be a time in seconds, got '2'",
        ),
        ([region(0, 2, "carol")], {}, "segments: region 1: 'carol' is not one of the labels"),
        ([region(0, 2, text=5)], {}, "segments: region 1: text should be text, got a number"),
        (
            [region(0, 2, text="hi")],
            {"allow_text": False},
            "segments: region 1: this control does not take text notes",
        ),
        ([region(0, 2, speaker="x")], {}, "region 1 has unknown field(s) speaker"),
        ([], {}, "segments: mark at least one region"),
    ],
)
def test_invalid_answers(answer: object, changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(**changes), answer)
    assert message in str(info.value)


def test_time_iou() -> None:
    assert time_iou(region(0, 10), region(0, 8)) == pytest.approx(0.8)
    assert time_iou(region(0, 10), region(5, 15)) == pytest.approx(5 / 15)
    assert time_iou(region(0, 1), region(2, 3)) == 0.0


def test_score() -> None:
    gold = [region(0, 10), region(10, 20, "bob")]
    # both found, IoU 0.8 and 1 → 0.9
    assert KIND.score(config(), [region(0, 8), region(10, 20, "bob")], gold) == pytest.approx(0.9)
    # speaker swapped: no match for either
    assert KIND.score(config(), [region(0, 10, "bob"), region(10, 20)], gold) == 0.0
    # one found exactly and one extra region: F1 = 2*1/(2+2)... with 2 answer, 2 gold, 1 match
    assert KIND.score(config(), [region(0, 10), region(30, 40, "bob")], gold) == pytest.approx(0.5)
    # text notes are not scored
    assert KIND.score(config(), [region(0, 10, text="x")], [region(0, 10, text="y")]) == 1.0
    assert KIND.score(config(), [], []) == 1.0


def test_agreement() -> None:
    a, b = [region(0, 10)], [region(0, 8)]
    assert KIND.agreement(config(), [a, b]) == pytest.approx(0.8)


def test_export_round_trip() -> None:
    answer = KIND.validate_answer(config(), [region(1.5, 3, text="hello")])
    exported = KIND.export(config(), answer)
    assert exported == [{"start": 1.5, "end": 3, "label": "alice", "text": "hello"}]
    assert KIND.validate_answer(config(), exported) == answer
