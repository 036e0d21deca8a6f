"""Video tracks: match tracks across contributors, then fuse them keyframe by keyframe.

Answers are in the tracks control's format: a list of ``{"label", "keyframes": [{"frame", "x",
"y", "w", "h"}, ...], "id"?}`` per contributor. Two tracks are compared by the control's own
measure (``labelpool.controls.tracks.track_iou``: mean IoU of the linearly interpolated boxes
over the union of both tracks' keyframe frames). Per item and label, tracks are clustered like
boxes (one-to-one per contributor, mean IoU ≥ ``iou_threshold`` with the cluster's fused track).

A cluster is fused on the union of its members' keyframe frames: at each such frame where
members holding at least half of the cluster's weight have the object in view, the fused
keyframe is the weighted mean of their interpolated boxes (weighted box fusion). Support,
dropping and confidence are as for boxes, with the tracks' mean IoU in place of the box IoU.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation._matching import fuse_by_label
from labelpool.aggregation.results import StructuredResult

FloatArray = npt.NDArray[np.float64]
Track = Mapping[str, Any]

_BOX = ("x", "y", "w", "h")


def _fuse(tracks: Sequence[Track], weights: Sequence[float]) -> dict[str, Any]:
    from labelpool.controls.tracks import interpolate

    w = np.asarray(weights, dtype=np.float64)
    if w.sum() <= 0:
        w = np.ones_like(w)
    frames = sorted({k["frame"] for t in tracks for k in t["keyframes"]})
    keyframes: list[dict[str, Any]] = []
    fallback: list[dict[str, Any]] = []
    for frame in frames:
        boxes = [interpolate(t, frame) for t in tracks]
        seen = [b is not None for b in boxes]
        in_view = w[seen]
        corners = np.array(
            [[b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]] for b in boxes if b is not None]
        )
        fused = (corners * in_view[:, None]).sum(axis=0) / max(in_view.sum(), 1e-300)
        if in_view.sum() <= 0:
            fused = corners.mean(axis=0)
        x1, y1, x2, y2 = (float(v) for v in fused)
        keyframe = {"frame": frame, "x": x1, "y": y1, "w": x2 - x1, "h": y2 - y1}
        fallback.append(keyframe)
        if in_view.sum() >= 0.5 * w.sum():
            keyframes.append(keyframe)
    return {"label": tracks[0]["label"], "keyframes": keyframes or fallback}


def _similarity(objects: Sequence[Track], fused: Sequence[Track]) -> FloatArray:
    from labelpool.controls.tracks import track_iou

    return np.array([[track_iou(a, b) for b in fused] for a in objects]).reshape(
        len(objects), len(fused)
    )


def fuse_tracks(
    answers: Sequence[Sequence[tuple[int, Sequence[Track]]]],
    *,
    weights: Any = None,
    iou_threshold: float = 0.5,
    min_support: float = 0.5,
) -> StructuredResult:
    """Aggregate track answers: ``answers[i]`` lists item ``i``'s answers as
    ``(contributor, tracks)`` pairs (``tracks`` as the tracks control stores them).

    Returns per item the fused tracks (``{"label", "keyframes"}``, ordered by label of first
    appearance, then cluster), their confidence (support * weighted mean track IoU of the members
    with the fused track) and support.
    """
    return fuse_by_label(
        answers,
        weights,
        to_objects=list,
        similarity=_similarity,
        fuse=_fuse,
        to_answer=lambda track, _label: track,
        iou_threshold=iou_threshold,
        min_support=min_support,
    )
