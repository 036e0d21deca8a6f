"""tracks: keyframed boxes across video frames, interpolated, scored by track IoU."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.tracks import TracksConfig, TracksKind, interpolate, track_iou

KIND = TracksKind()

VEHICLES = {
    "name": "vehicles",
    "kind": "tracks",
    "title": "Follow every vehicle",
    "target": "video",
    "labels": [{"value": "car", "label": "Car"}, {"value": "bike", "label": "Bike"}],
}


def config(**changes: object) -> TracksConfig:
    return KIND.parse_config({**VEHICLES, **changes})


def kf(frame: Any, x: Any, y: Any = 0, w: Any = 10, h: Any = 10) -> dict[str, Any]:
    return {"frame": frame, "x": x, "y": y, "w": w, "h": h}


def track(*keyframes: dict[str, Any], label: str = "car", **extra: Any) -> dict[str, Any]:
    return {**extra, "label": label, "keyframes": list(keyframes)}


# gold: a car moving 10 px right over 10 frames
GOLD = track(kf(0, 0), kf(10, 10))


def test_config() -> None:
    assert config().label_values() == ["car", "bike"]
    with pytest.raises(ValidationError, match="labels"):
        config(labels=[])


def test_config_frame_rate() -> None:
    # the browser turns time into frame numbers with it; an item's `fps` field wins there
    assert config().fps == 25
    assert config(fps=12).fps == 12
    assert config(fps=29.97).fps == pytest.approx(29.97)
    assert config(fps=1000).fps == 1000
    for bad in (0, -5, 1001, "fast"):
        with pytest.raises(ValidationError, match="fps"):
            config(fps=bad)
    assert KIND.parse_config(config(fps=12).model_dump()).fps == 12


def test_valid_answer_keeps_ids_and_keyframes() -> None:
    answer = [track(kf(0, 0), kf(5, 2.5), kf(10, 10), id="car-1"), track(kf(3, 1), label="bike")]
    assert KIND.validate_answer(config(), answer) == answer


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ([track()], "vehicles: track 1 needs at least one keyframe"),
        (
            [track(kf(5, 0), kf(5, 1))],
            "vehicles: track 1: keyframes must be in increasing frame order "
            "(frame 5 comes after frame 5)",
        ),
        ([track(kf(8, 0), kf(2, 1))], "(frame 2 comes after frame 8)"),
        (
            [track(kf(-1, 0))],
            "vehicles: track 1: frame should be a frame number (0 or more), got -1",
        ),
        ([track(kf(1.5, 0))], "got 1.5"),
        ([track(kf(0, 0, w=0))], "vehicles: track 1, the box at frame 0 has no area"),
        ([track(kf(0, -3))], "vehicles: track 1, the box at frame 0 starts outside the image"),
        ([track(kf(0, 0), label="plane")], "vehicles: track 1: 'plane' is not one of the labels"),
        (
            [track(kf(0, 0), id="a"), track(kf(0, 0), id="a")],
            "vehicles: track 2: the id 'a' is used twice",
        ),
        ([{"label": "car"}], "vehicles: track 1 is missing keyframes"),
        ([track({"frame": 0, "x": 0, "y": 0, "w": 1})], "track 1, a keyframe is missing h"),
        ([], "vehicles: add at least one track"),
    ],
)
def test_invalid_answers(answer: object, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(), answer)
    assert message in str(info.value)


def test_interpolation_between_keyframes() -> None:
    assert interpolate(GOLD, 0) == {"x": 0.0, "y": 0.0, "w": 10.0, "h": 10.0}
    assert interpolate(GOLD, 5) == {"x": 5.0, "y": 0.0, "w": 10.0, "h": 10.0}
    assert interpolate(GOLD, 10) == {"x": 10.0, "y": 0.0, "w": 10.0, "h": 10.0}
    growing = track(kf(2, 0, w=10), kf(6, 0, w=30))
    assert interpolate(growing, 3) == {"x": 0.0, "y": 0.0, "w": 15.0, "h": 10.0}
    # outside the first..last keyframe the object is not in view
    assert interpolate(growing, 1) is None
    assert interpolate(growing, 7) is None
    assert interpolate(track(kf(4, 1)), 4) == {"x": 1.0, "y": 0.0, "w": 10.0, "h": 10.0}


def test_track_iou_over_the_union_of_keyframe_frames() -> None:
    assert track_iou(GOLD, GOLD) == 1.0
    # stands still: frame 0 IoU 1, frame 10 no overlap → 0.5
    assert track_iou(track(kf(0, 0), kf(10, 0)), GOLD) == pytest.approx(0.5)
    # frames 0, 5, 10: 1, 1 (5 is interpolated in gold), 0.8 → 2.8 / 3
    assert track_iou(track(kf(0, 0), kf(5, 5), kf(10, 10, h=8)), GOLD) == pytest.approx(2.8 / 3)
    # stops at frame 5: frames 0, 5 match, frame 10 not in view → 2/3
    assert track_iou(track(kf(0, 0), kf(5, 5)), GOLD) == pytest.approx(2 / 3)


def test_score() -> None:
    parsed = config()
    assert KIND.score(parsed, [GOLD], [GOLD]) == 1.0
    assert KIND.score(parsed, [track(kf(0, 0), kf(5, 5))], [GOLD]) == pytest.approx(2 / 3)
    # a wrong label never matches
    assert KIND.score(parsed, [{**GOLD, "label": "bike"}], [GOLD]) == 0.0
    # track IoU below 0.5 does not match: a still box vs a moving gold over frames 0, 10, 20
    # has IoU 1, 0, 0 → 1/3
    moving = track(kf(0, 0), kf(10, 10), kf(20, 20))
    assert KIND.score(parsed, [track(kf(0, 0), kf(20, 0))], [moving]) == 0.0
    # a found track plus a spurious one: F1 = 2*1/(2+1) → 2/3
    spurious = track(kf(0, 50), label="bike")
    assert KIND.score(parsed, [GOLD, spurious], [GOLD]) == pytest.approx(2 / 3)
    assert KIND.score(parsed, [], []) == 1.0


def test_agreement() -> None:
    half = [track(kf(0, 0), kf(10, 0))]
    # ([GOLD],[GOLD]) = 1, each vs half = 0.5 → 2/3
    assert KIND.agreement(config(), [[GOLD], [GOLD], half]) == pytest.approx(2 / 3)


def test_export_round_trip() -> None:
    answer = KIND.validate_answer(config(), [track(kf(0, 1), kf(4, 2), id="c1")])
    exported = KIND.export(config(), answer)
    assert exported == [{"id": "c1", "label": "car", "keyframes": [kf(0, 1), kf(4, 2)]}]
    assert KIND.validate_answer(config(), exported) == answer
