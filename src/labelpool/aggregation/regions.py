"""Time regions: interval voting per label by a sweep over the endpoints.

Answers are in the regions control's format: a list of ``{"start", "end", "label", "text"?}``
(seconds) per contributor. Per label, every region endpoint of every answer cuts the time line
into elementary intervals; each interval's vote is the weight of the contributors whose regions
with that label cover it (a contributor counts once even if their regions overlap). Intervals
voted for by more than ``threshold`` (default half) of the weight of the item's contributors,
including those who marked nothing, are kept, and adjacent kept intervals are merged into the
aggregated regions.

When regions carry text, an aggregated region takes the text of the answer region (same label)
that overlaps it most (highest temporal IoU).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation._matching import StructuredBuilder, check_weights, labels_in_order
from labelpool.aggregation.results import StructuredResult
from labelpool.aggregation.spans import coverage, runs

FloatArray = npt.NDArray[np.float64]


def _time_iou(a_start: float, a_end: float, b_start: float, b_end: float) -> float:
    inter = max(0.0, min(a_end, b_end) - max(a_start, b_start))
    union = (a_end - a_start) + (b_end - b_start) - inter
    return inter / union if union > 0 else 0.0


def vote_regions(
    answers: Sequence[Sequence[tuple[int, Sequence[Mapping[str, Any]]]]],
    *,
    weights: Any = None,
    threshold: float = 0.5,
) -> StructuredResult:
    """Aggregate time-region answers: ``answers[i]`` lists item ``i``'s answers as
    ``(contributor, regions)`` pairs (``regions`` as the regions control stores them).

    Returns per item the voted regions (``{"start", "end", "label"}`` plus ``"text"`` when a
    matching answer region has one, in (start, end, label) order). A region's support and
    confidence are its duration-weighted mean vote share; the item's confidence is the
    duration-weighted mean, over the stretches anybody marked, of the vote share of the
    decision taken (share if kept, 1 - share if not).
    """
    cw = check_weights(weights, answers)
    out = StructuredBuilder(len(answers))
    for i, item_answers in enumerate(answers):
        if not item_answers:
            out.add_empty()
            continue
        w = np.array([float(cw[c]) for c, _ in item_answers])
        total = float(w.sum())
        labels = labels_in_order(item_answers)
        found: list[tuple[float, float, Any, float, str | None]] = []
        decided_sum = 0.0
        decided_len = 0.0
        for label in labels:
            own = [[r for r in regions if r["label"] == label] for _, regions in item_answers]
            points = np.unique(
                np.array([[r["start"], r["end"]] for rs in own for r in rs], np.float64)
            )
            lengths = np.diff(points)
            share = np.zeros(lengths.size)
            for a, rs in enumerate(own):
                if not rs:
                    continue
                first = np.searchsorted(points, [r["start"] for r in rs])
                stop = np.searchsorted(points, [r["end"] for r in rs])
                share += w[a] * coverage(first, stop, lengths.size)
            if total > 0:
                share /= total
            kept = share > threshold
            marked = share > 0
            decided = np.where(kept, share, 1.0 - share)
            decided_sum += float((decided * lengths)[marked].sum())
            decided_len += float(lengths[marked].sum())
            for first_k, stop_k in runs(kept):
                start, end = float(points[first_k]), float(points[stop_k])
                seg = lengths[first_k:stop_k]
                mean_share = float((share[first_k:stop_k] * seg).sum() / seg.sum())
                best_text: str | None = None
                best_iou = 0.0
                for rs in own:
                    for r in rs:
                        if r.get("text") is None:
                            continue
                        iou = _time_iou(start, end, r["start"], r["end"])
                        if iou > best_iou:
                            best_iou, best_text = iou, r["text"]
                found.append((start, end, label, mean_share, best_text))
        found.sort(key=lambda r: (r[0], r[1], str(r[2])))
        regions_out: list[dict[str, Any]] = []
        for start, end, label, _, text in found:
            fused: dict[str, Any] = {"start": start, "end": end, "label": label}
            if text is not None:
                fused["text"] = text
            regions_out.append(fused)
        share_arr = np.clip(np.array([f[3] for f in found]), 0.0, 1.0)
        out.add(regions_out, share_arr, share_arr.copy())
        if total <= 0:
            out.confidence[i] = 0.0
        elif decided_len > 0:
            out.confidence[i] = float(np.clip(decided_sum / decided_len, 0.0, 1.0))
        else:
            out.confidence[i] = 1.0
    return out.result()
