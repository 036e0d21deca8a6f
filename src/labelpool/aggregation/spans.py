"""Text spans: weighted token voting per label.

Answers are in the spans control's format: a list of ``{"start", "end", "label"}`` (character
offsets, end exclusive) per contributor. The text is cut into units like the control's score
does: whitespace tokens when the item's text is given, characters otherwise. A unit carries a
label in an answer when one of the answer's spans with that label covers any of its characters.

Per label, a unit is kept when the contributors voting for it hold more than ``threshold``
(default half) of the weight of the item's contributors, including those who marked nothing.
Runs of consecutive kept units become the aggregated spans (token runs span from the first
token's start to the last token's end). Without ``allow_overlap``, a unit kept for several labels
keeps only the label with the most votes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation._matching import StructuredBuilder, check_weights, labels_in_order
from labelpool.aggregation.results import StructuredResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_TOKEN = re.compile(r"\S+")


def runs(selected: BoolArray) -> list[tuple[int, int]]:
    """``(first, stop)`` index pairs of the runs of true values."""
    padded = np.concatenate([[False], selected, [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(a), int(b)) for a, b in zip(edges[0::2], edges[1::2], strict=True)]


def coverage(first: IntArray, stop: IntArray, n_units: int) -> BoolArray:
    """Boolean ``(n_units,)``: covered by any of the index ranges ``[first, stop)``."""
    diff = np.zeros(n_units + 1, dtype=np.int64)
    np.add.at(diff, np.clip(first, 0, n_units), 1)
    np.add.at(diff, np.clip(stop, 0, n_units), -1)
    covered: BoolArray = np.cumsum(diff[:-1]) > 0
    return covered


def vote_spans(
    answers: Sequence[Sequence[tuple[int, Sequence[Mapping[str, Any]]]]],
    *,
    texts: Sequence[str | None] | None = None,
    weights: Any = None,
    threshold: float = 0.5,
    allow_overlap: bool = False,
) -> StructuredResult:
    """Aggregate span answers: ``answers[i]`` lists item ``i``'s answers as
    ``(contributor, spans)`` pairs; ``texts[i]`` (optional) is the item's text, which switches
    from character to whitespace-token voting.

    Returns per item the voted spans (``{"start", "end", "label"}`` in (start, end, label)
    order), each with the mean vote share of its units as support and confidence. The item's
    confidence is the mean, over the (unit, label) pairs anybody marked, of the vote share of the
    decision taken (share if kept, 1 - share if not).
    """
    cw = check_weights(weights, answers)
    if texts is not None and len(texts) != len(answers):
        raise ValueError(f"texts has {len(texts)} entries for {len(answers)} items")
    out = StructuredBuilder(len(answers))
    for i, item_answers in enumerate(answers):
        text = None if texts is None else texts[i]
        if not item_answers:
            out.add_empty()
            continue
        w = np.array([float(cw[c]) for c, _ in item_answers])
        total = float(w.sum())
        labels = labels_in_order(item_answers)
        if text is not None:
            tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
            tok_start = np.array([t[0] for t in tokens], dtype=np.int64)
            tok_end = np.array([t[1] for t in tokens], dtype=np.int64)
            n_units = len(tokens)
        else:
            ends = [s["end"] for _, spans in item_answers for s in spans]
            n_units = int(max(ends, default=0))
        shares = np.zeros((len(labels), n_units))
        for a, (_, spans) in enumerate(item_answers):
            for k, label in enumerate(labels):
                starts = np.array([s["start"] for s in spans if s["label"] == label], np.int64)
                stops = np.array([s["end"] for s in spans if s["label"] == label], np.int64)
                if starts.size == 0:
                    continue
                if text is not None:
                    first = np.searchsorted(tok_end, starts, side="right")
                    stop = np.searchsorted(tok_start, stops, side="left")
                    starts, stops = first, stop
                shares[k] += w[a] * coverage(starts, stops, n_units)
        if total > 0:
            shares /= total
        kept = shares > threshold
        if not allow_overlap and len(labels) > 1:
            best = np.argmax(np.where(kept, shares, -1.0), axis=0)
            kept &= np.arange(len(labels))[:, None] == best[None, :]
        found: list[tuple[int, int, Any, float]] = []
        for k, label in enumerate(labels):
            for first_u, stop_u in runs(kept[k]):
                share = float(shares[k, first_u:stop_u].mean())
                if text is not None:
                    start, end = int(tok_start[first_u]), int(tok_end[stop_u - 1])
                else:
                    start, end = first_u, stop_u
                found.append((start, end, label, share))
        found.sort(key=lambda s: (s[0], s[1], str(s[2])))
        spans_out = [{"start": s, "end": e, "label": lab} for s, e, lab, _ in found]
        share_arr = np.clip(np.array([f[3] for f in found]), 0.0, 1.0)
        out.add(spans_out, share_arr, share_arr.copy())
        marked = shares > 0
        if total <= 0:
            out.confidence[i] = 0.0
        elif marked.any():
            decided = np.where(kept, shares, 1.0 - shares)[marked]
            out.confidence[i] = float(np.clip(decided.mean(), 0.0, 1.0))
        else:
            out.confidence[i] = 1.0
    return out.result()
