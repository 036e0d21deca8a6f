"""keypoints: labelled points on an image (a nose, a corner, a defect), in image pixels.

Config::

    {"name": "landmarks", "kind": "keypoints", "title": "Mark every eye and nose",
     "target": "image", "labels": [{"value": "eye", "label": "Eye"}, ...],
     "tolerance": 10, "min_points": 0, "max_points": 20}

`tolerance` (pixels, default 10) is how far a point may lie from the gold point and still
match it.

Answer: a list of ``{"x": number, "y": number, "label": str}`` in image pixels (x, y ≥ 0). A
required control needs at least one point. Points are not checked against the image size.

Score: points are matched one-to-one (Hungarian algorithm); a match needs the same label and
a distance of at most `tolerance`; a matched pair scores 1 - distance / (2 * tolerance) (1 on
the spot, 0.5 at the tolerance). Score = F1 of the matches * mean score of the matched pairs,
like boxes; both empty → 1. Agreement: mean pairwise score.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from labelpool.controls.base import JSON, AnswerError
from labelpool.controls.common import (
    LabelledConfig,
    ShapeCount,
    SimpleKind,
    check_label,
    check_list,
    check_object,
    is_number,
    label_matched_f1,
    quoted,
)

POINTS = ShapeCount("mark", "marked", "point", "points")


class KeypointsConfig(LabelledConfig):
    kind: Literal["keypoints"] = "keypoints"
    tolerance: float = Field(default=10, gt=0, description="Pixels a point may be off gold.")
    min_points: int = Field(default=0, ge=0)
    max_points: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> KeypointsConfig:
        POINTS.check_bounds(self.min_points, self.max_points)
        return self


def point_closeness(a: Mapping[str, Any], b: Mapping[str, Any], tolerance: float) -> float:
    """1 - distance / (2 * tolerance), at least 0: 0.5 or more exactly when within tolerance
    (so common.MATCH_THRESHOLD, 0.5, is the tolerance)."""
    distance = math.hypot(a["x"] - b["x"], a["y"] - b["y"])
    return max(0.0, 1.0 - distance / (2 * tolerance))


def keypoints_score(
    answer: Sequence[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]], tolerance: float
) -> float:
    """Distance-matched F1 * mean closeness of the matches (see the module docstring)."""
    return label_matched_f1(answer, gold, lambda a, b: point_closeness(a, b, tolerance))


class KeypointsKind(SimpleKind[KeypointsConfig]):
    kind = "keypoints"
    config_model = KeypointsConfig

    def check(self, config: KeypointsConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        name = config.name
        points = check_list(name, answer, "points")
        if not points:
            POINTS.none_given(name, config.required, config.min_points)
            return []
        labels = config.label_values()
        out: list[dict[str, Any]] = []
        for number, raw in enumerate(points, start=1):
            what = f"point {number}"
            point = check_object(name, what, raw, ["x", "y", "label"])
            for key in ("x", "y"):
                if not is_number(point[key]):
                    raise AnswerError(
                        name, f"{what}: {key} should be a number, got {quoted(point[key])}"
                    )
            if point["x"] < 0 or point["y"] < 0:
                raise AnswerError(name, f"{what} is outside the image (x and y must be 0 or more)")
            label = check_label(name, what, point["label"], labels)
            out.append({"x": point["x"], "y": point["y"], "label": label})
        POINTS.check(name, len(out), config.min_points, config.max_points)
        return out

    def similarity(self, config: KeypointsConfig, answer: JSON, gold: JSON) -> float:
        return keypoints_score(answer, gold, config.tolerance)
