"""polygons: labelled polygons on an image (outlines of objects), in image pixels.

Config::

    {"name": "regions", "kind": "polygons", "title": "Outline every building",
     "target": "image", "labels": [{"value": "roof", "label": "Roof"}, ...],
     "min_polygons": 0, "max_polygons": 50}

Answer: a list of ``{"points": [[x, y], ...], "label": str}``: 3 to 1000 points (x, y ≥ 0),
the outline in drawing order, not closed (the last point joins the first by itself); the
outline must enclose an area (not all its points on one line). A required control needs at
least one polygon. Points are not checked against the image size; an outline that crosses
itself is accepted (scored as the area it encloses).

Score: polygons are matched one-to-one (Hungarian algorithm on IoU of their areas, shapely);
a match needs the same label and IoU ≥ 0.5. Score = F1 of the matches * mean IoU of the
matched pairs, like boxes; both empty → 1. Agreement: mean pairwise score.
"""

from __future__ import annotations

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
    type_name,
)

MAX_POINTS = 1000


POLYGONS = ShapeCount("draw", "drawn", "polygon", "polygons")


class PolygonsConfig(LabelledConfig):
    kind: Literal["polygons"] = "polygons"
    min_polygons: int = Field(default=0, ge=0)
    max_polygons: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _bounds(self) -> PolygonsConfig:
        POLYGONS.check_bounds(self.min_polygons, self.max_polygons)
        return self


def on_one_line(points: Sequence[Sequence[float]]) -> bool:
    """Whether all points lie on one line (or one spot): the outline encloses no area. Exact
    cross products, computed as the browser's check computes them, so both agree."""
    x0, y0 = points[0]
    other = next(((x, y) for x, y in points if (x, y) != (x0, y0)), None)
    if other is None:
        return True
    dx, dy = other[0] - x0, other[1] - y0
    return all(dx * (y - y0) - dy * (x - x0) == 0 for x, y in points)


def polygon_iou(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """Intersection over union of the areas two outlines enclose (self-crossing ones made
    valid first)."""
    from shapely import make_valid
    from shapely.geometry import Polygon

    first = make_valid(Polygon(a["points"]))
    second = make_valid(Polygon(b["points"]))
    union = first.union(second).area
    return float(first.intersection(second).area / union) if union > 0 else 0.0


def polygons_score(answer: Sequence[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]]) -> float:
    """IoU-matched F1 * mean IoU of the matches (see the module docstring)."""
    return label_matched_f1(answer, gold, polygon_iou)


def check_points(control: str, what: str, raw: Any) -> list[list[float]]:
    """3 to MAX_POINTS points [x, y] (numbers, 0 or more) enclosing an area."""
    if not isinstance(raw, list):
        raise AnswerError(
            control, f"{what}: points should be a list of [x, y], got {type_name(raw)}"
        )
    if len(raw) < 3:
        raise AnswerError(control, f"{what} has {len(raw)} points; a polygon needs at least 3")
    if len(raw) > MAX_POINTS:
        raise AnswerError(control, f"{what} has {len(raw)} points; at most {MAX_POINTS}")
    points: list[list[float]] = []
    for number, point in enumerate(raw, start=1):
        if not isinstance(point, list) or len(point) != 2:
            raise AnswerError(
                control, f"{what}: point {number} should be [x, y], got {quoted(point)}"
            )
        for value in point:
            if not is_number(value):
                raise AnswerError(
                    control, f"{what}: point {number} should be two numbers, got {quoted(value)}"
                )
        if point[0] < 0 or point[1] < 0:
            raise AnswerError(
                control, f"{what}: point {number} is outside the image (x and y must be 0 or more)"
            )
        points.append([point[0], point[1]])
    if on_one_line(points):
        raise AnswerError(control, f"{what} has no area (its points are all on one line)")
    return points


class PolygonsKind(SimpleKind[PolygonsConfig]):
    kind = "polygons"
    config_model = PolygonsConfig

    def check(self, config: PolygonsConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        name = config.name
        polygons = check_list(name, answer, "polygons")
        if not polygons:
            POLYGONS.none_given(name, config.required, config.min_polygons)
            return []
        labels = config.label_values()
        out: list[dict[str, Any]] = []
        for number, raw in enumerate(polygons, start=1):
            what = f"polygon {number}"
            polygon = check_object(name, what, raw, ["points", "label"])
            points = check_points(name, what, polygon["points"])
            out.append(
                {"points": points, "label": check_label(name, what, polygon["label"], labels)}
            )
        POLYGONS.check(name, len(out), config.min_polygons, config.max_polygons)
        return out

    def similarity(self, config: PolygonsConfig, answer: JSON, gold: JSON) -> float:
        return polygons_score(answer, gold)
