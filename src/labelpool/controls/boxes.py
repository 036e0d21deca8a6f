"""boxes: labelled bounding boxes on an image.

Config::

    {"name": "objects", "kind": "boxes", "title": "Draw a box around each vehicle",
     "target": "image", "labels": [{"value": "car", "label": "Car"}, ...],
     "min_boxes": 0, "max_boxes": 50}

Answer: a list of ``{"x": number, "y": number, "w": number, "h": number, "label": str}`` in image
pixels: (x, y) the top-left corner (x, y ≥ 0), w and h > 0. A required control needs at least
one box (make it optional, or set min_boxes 0 with required false, when "nothing to box" is
a valid answer). Boxes are not checked against the image size.

Score: boxes are matched one-to-one (Hungarian algorithm on IoU); a match needs the same label
and IoU ≥ 0.5. Score = F1 of the matches (2k / (answer boxes + gold boxes)) * mean IoU of the
matched pairs; both empty → 1. Agreement: mean pairwise score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from labelpool.controls.base import JSON
from labelpool.controls.common import (
    LabelledConfig,
    ShapeCount,
    SimpleKind,
    box_iou,
    check_box_fields,
    check_label,
    check_list,
    check_object,
    label_matched_f1,
)

BOXES = ShapeCount("draw", "drawn", "box", "boxes")


class BoxesConfig(LabelledConfig):
    kind: Literal["boxes"] = "boxes"
    min_boxes: int = Field(default=0, ge=0)
    max_boxes: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> BoxesConfig:
        BOXES.check_bounds(self.min_boxes, self.max_boxes)
        return self


def boxes_score(answer: Sequence[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]]) -> float:
    """IoU-matched F1 * mean IoU of the matches (see the module docstring)."""
    return label_matched_f1(answer, gold, box_iou)


class BoxesKind(SimpleKind[BoxesConfig]):
    kind = "boxes"
    config_model = BoxesConfig

    def check(self, config: BoxesConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        name = config.name
        boxes = check_list(name, answer, "boxes")
        if not boxes:
            BOXES.none_given(name, config.required, config.min_boxes)
            return []
        labels = config.label_values()
        out: list[dict[str, Any]] = []
        for number, raw in enumerate(boxes, start=1):
            what = f"box {number}"
            box = check_object(name, what, raw, ["x", "y", "w", "h", "label"])
            fields: dict[str, Any] = dict(check_box_fields(name, what, box))
            fields["label"] = check_label(name, what, box["label"], labels)
            out.append(fields)
        BOXES.check(name, len(out), config.min_boxes, config.max_boxes)
        return out

    def similarity(self, config: BoxesConfig, answer: JSON, gold: JSON) -> float:
        return boxes_score(answer, gold)
