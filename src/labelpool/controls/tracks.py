"""tracks: objects followed across video frames, as keyframed boxes.

Config::

    {"name": "vehicles", "kind": "tracks", "title": "Track every vehicle",
     "target": "video", "labels": [{"value": "car", "label": "Car"}, ...], "fps": 25}

`fps` (default 25, more than 0, at most 1000) is the clip's frame rate, used by the browser to
turn time into frame numbers; an item's own `fps` data field, when it is a positive number,
wins over it (a project whose clips have different rates).

Answer: a list of tracks::

    {"id": "car-1", "label": "car",
     "keyframes": [{"frame": 0, "x": 10, "y": 20, "w": 50, "h": 30},
                   {"frame": 12, "x": 40, "y": 22, "w": 50, "h": 30}]}

`id` is optional (unique within the answer when given); at least one keyframe per track, with
strictly increasing frame numbers (≥ 0); boxes as in `boxes` (pixels, x, y ≥ 0, w, h > 0).
Between two keyframes the box moves linearly (`interpolate`); outside the first..last
keyframe the object is not in view. A required control needs at least one track.

Score: two tracks are compared by the mean IoU of their (interpolated) boxes over the union of
both tracks' keyframe frames (a frame where only one is in view counts as IoU 0). Tracks are
matched one-to-one on that (Hungarian algorithm); a match needs the same label and mean IoU
≥ 0.5. Score = F1 of the matches * mean of the matched tracks' IoU; both empty → 1.
Agreement: mean pairwise score.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field

from labelpool.controls.base import JSON, AnswerError
from labelpool.controls.common import (
    LabelledConfig,
    SimpleKind,
    box_iou,
    check_box_fields,
    check_label,
    check_list,
    check_object,
    is_int,
    label_matched_f1,
    quoted,
)

_BOX = ("x", "y", "w", "h")


class TracksConfig(LabelledConfig):
    kind: Literal["tracks"] = "tracks"
    fps: float = Field(
        default=25,
        gt=0,
        le=1000,
        description="Frames per second of the clips (an item's `fps` data field wins).",
    )


def interpolate(track: Mapping[str, Any], frame: int) -> dict[str, float] | None:
    """The track's box at `frame`, linearly interpolated between keyframes; None when the
    frame is before the first or after the last keyframe."""
    keyframes = track["keyframes"]
    if not keyframes or frame < keyframes[0]["frame"] or frame > keyframes[-1]["frame"]:
        return None
    for before, after in itertools.pairwise(keyframes):
        if before["frame"] <= frame < after["frame"]:
            t = (frame - before["frame"]) / (after["frame"] - before["frame"])
            return {k: float(before[k] + (after[k] - before[k]) * t) for k in _BOX}
    last = keyframes[-1]  # frame is the last keyframe's
    return {k: float(last[k]) for k in _BOX}


def track_iou(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """Mean IoU of two tracks over the union of their keyframe frames."""
    frames = sorted({k["frame"] for k in a["keyframes"]} | {k["frame"] for k in b["keyframes"]})
    total = 0.0
    for frame in frames:
        box_a, box_b = interpolate(a, frame), interpolate(b, frame)
        if box_a is not None and box_b is not None:
            total += box_iou(box_a, box_b)
    return total / len(frames) if frames else 0.0


def tracks_score(answer: Sequence[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]]) -> float:
    return label_matched_f1(answer, gold, track_iou)


class TracksKind(SimpleKind[TracksConfig]):
    kind = "tracks"
    config_model = TracksConfig

    def check(self, config: TracksConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        name = config.name
        tracks = check_list(name, answer, "tracks")
        if not tracks:
            if config.required:
                raise AnswerError(name, "add at least one track")
            return []
        labels = config.label_values()
        ids: set[str] = set()
        out: list[dict[str, Any]] = []
        for number, raw in enumerate(tracks, start=1):
            what = f"track {number}"
            track = check_object(name, what, raw, ["label", "keyframes"], ["id"])
            item: dict[str, Any] = {}
            if track.get("id") is not None:
                track_id = track["id"]
                if not isinstance(track_id, str) or not track_id:
                    raise AnswerError(name, f"{what}: id should be non-empty text")
                if track_id in ids:
                    raise AnswerError(name, f"{what}: the id {quoted(track_id)} is used twice")
                ids.add(track_id)
                item["id"] = track_id
                what = f"track {number} ({track_id})"
            item["label"] = check_label(name, what, track["label"], labels)
            keyframes = track["keyframes"]
            if not isinstance(keyframes, list) or not keyframes:
                raise AnswerError(name, f"{what} needs at least one keyframe")
            checked: list[dict[str, Any]] = []
            for raw_keyframe in keyframes:
                keyframe = check_object(
                    name, f"{what}, a keyframe", raw_keyframe, ["frame", "x", "y", "w", "h"]
                )
                frame = keyframe["frame"]
                if not is_int(frame) or frame < 0:
                    raise AnswerError(
                        name,
                        f"{what}: frame should be a frame number (0 or more), got {quoted(frame)}",
                    )
                box = check_box_fields(name, f"{what}, the box at frame {frame}", keyframe)
                if checked and frame <= checked[-1]["frame"]:
                    raise AnswerError(
                        name,
                        f"{what}: keyframes must be in increasing frame order "
                        f"(frame {frame} comes after frame {checked[-1]['frame']})",
                    )
                checked.append({"frame": frame, **box})
            item["keyframes"] = checked
            out.append(item)
        return out

    def similarity(self, config: TracksConfig, answer: JSON, gold: JSON) -> float:
        return tracks_score(answer, gold)
