"""Bounding boxes: IoU clustering and weighted box fusion.

Answers are in the boxes control's format: a list of ``{"x", "y", "w", "h", "label"}`` per
contributor. Per item and label, the contributors' boxes are clustered (each contributor's boxes
matched one-to-one to the clusters so far by the Hungarian algorithm; a match needs IoU ≥
``iou_threshold`` with the cluster's fused box) and each cluster is fused into one box whose
corners are the contributor-weighted mean of its members' corners (weighted box fusion).

A cluster's support is the weighted share of the item's contributors (including those who drew
nothing) who drew a box in it; clusters below ``min_support`` (default: half) are dropped. A
fused box's confidence is ``support * (weighted mean IoU of the members with the fused box)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation._matching import fuse_by_label
from labelpool.aggregation.results import StructuredResult

FloatArray = npt.NDArray[np.float64]


def to_corners(boxes: Sequence[Mapping[str, Any]]) -> FloatArray:
    """``(n, 4)`` array of ``x1, y1, x2, y2`` from ``{"x", "y", "w", "h"}`` boxes."""
    arr = np.array([[b["x"], b["y"], b["w"], b["h"]] for b in boxes], dtype=np.float64)
    arr = arr.reshape(-1, 4)
    arr[:, 2:] += arr[:, :2]
    return arr


def iou_matrix(a: FloatArray, b: FloatArray) -> FloatArray:
    """Pairwise IoU of corner boxes ``a`` ``(n, 4)`` and ``b`` ``(m, 4)``."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0.0, None), axis=2)
    area_a = np.prod(a[:, 2:] - a[:, :2], axis=1)
    area_b = np.prod(b[:, 2:] - b[:, :2], axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    out: FloatArray = np.zeros_like(inter)
    np.divide(inter, union, out=out, where=union > 0)
    return out


def _fuse(corners: Sequence[FloatArray], weights: Sequence[float]) -> FloatArray:
    w = np.asarray(weights, dtype=np.float64)
    stack = np.asarray(corners)
    if w.sum() <= 0:
        w = np.ones_like(w)
    out: FloatArray = (stack * w[:, None]).sum(axis=0) / w.sum()
    return out


def _similarity(objects: Sequence[FloatArray], fused: Sequence[FloatArray]) -> FloatArray:
    return iou_matrix(np.asarray(objects).reshape(-1, 4), np.asarray(fused).reshape(-1, 4))


def _corners_to_box(corners: FloatArray, label: Any) -> dict[str, Any]:
    x1, y1, x2, y2 = (float(v) for v in corners)
    return {"x": x1, "y": y1, "w": x2 - x1, "h": y2 - y1, "label": label}


def fuse_boxes(
    answers: Sequence[Sequence[tuple[int, Sequence[Mapping[str, Any]]]]],
    *,
    weights: Any = None,
    iou_threshold: float = 0.5,
    min_support: float = 0.5,
) -> StructuredResult:
    """Aggregate box answers: ``answers[i]`` lists item ``i``'s answers as
    ``(contributor, boxes)`` pairs (``boxes`` as the boxes control stores them).

    ``weights`` (one per contributor code) weight contributors in the support and in the fusion.
    Returns per item the fused boxes (``{"x", "y", "w", "h", "label"}``, ordered by label of
    first appearance, then cluster), their confidence and support.
    """
    return fuse_by_label(
        answers,
        weights,
        to_objects=lambda boxes: list(to_corners(boxes)),
        similarity=_similarity,
        fuse=_fuse,
        to_answer=_corners_to_box,
        iou_threshold=iou_threshold,
        min_support=min_support,
    )
