"""Multi-choice (set-valued) answers: per-label Dawid-Skene (binary relevance).

Every option is treated as its own yes/no question: "did the contributor select option k?". A
binary Dawid-Skene (the categorical :func:`~labelpool.aggregation.dawid_skene`, with class 1 =
selected) runs per option, and an item's aggregated answer is the set of options whose posterior
is at least 0.5. This is Crowd-Kit's ``BinaryRelevance(DawidSkene)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation.dawid_skene import dawid_skene
from labelpool.aggregation.encoding import as_codes, encode
from labelpool.aggregation.results import MultiLabelResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def encode_multilabel(
    answers: Sequence[Iterable[Any]], *, values: Sequence[Any] | None = None
) -> tuple[BoolArray, npt.NDArray[Any]]:
    """Turn one list of selected option values per answer row into an indicator matrix.

    Returns ``(selections, values)`` with ``selections[r, k]`` true when row ``r`` selected
    ``values[k]``. ``values`` (e.g. the control's options) fixes the columns; by default they are
    the selected values in order of first appearance.

    >>> sel, values = encode_multilabel([["cat"], ["cat", "dog"], []])
    >>> sel.astype(int).tolist(), values.tolist()
    ([[1, 0], [1, 1], [0, 0]], ['cat', 'dog'])
    """
    rows = [list(a) for a in answers]
    if values is None:
        flat = [v for row in rows for v in row]
        uniques = encode(flat)[1] if flat else np.array([], dtype=object)
    else:
        uniques = np.asarray(values)
    column = {v: k for k, v in enumerate(uniques.tolist())}
    out = np.zeros((len(rows), len(column)), dtype=bool)
    for r, row in enumerate(rows):
        for v in row:
            if v not in column:
                raise ValueError(f"row {r}: {v!r} is not one of the options")
            out[r, column[v]] = True
    return out, uniques


def multilabel_dawid_skene(
    contributors: Any,
    items: Any,
    selections: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    n_iter: int = 100,
    tol: float = 1e-5,
    progress: Callable[[int, int], None] | None = None,
) -> MultiLabelResult:
    """Per-label Dawid-Skene for multi-choice answers.

    ``selections`` is the ``(n_answers, n_labels)`` 0/1 indicator matrix of answer row ``r``
    (see :func:`encode_multilabel`); a row with no option selected is a valid answer ("none of
    these"). ``progress(label, n_labels)`` is called after each label.
    """
    c = as_codes(contributors, "contributors")
    i = as_codes(items, "items")
    sel = np.asarray(selections)
    if sel.ndim != 2:
        raise ValueError(f"selections must be a 2-D indicator matrix, got shape {sel.shape}")
    if not (c.size == i.size == sel.shape[0]):
        raise ValueError(
            f"contributors, items and selections differ in length ({c.size}, {i.size}, "
            f"{sel.shape[0]})"
        )
    if c.size == 0:
        raise ValueError("no answers to aggregate")
    if sel.size and not np.isin(sel, (0, 1)).all():
        raise ValueError("selections must hold 0/1 (or booleans)")
    sel = sel.astype(np.int64)
    n_i = int(i.max()) + 1 if n_items is None else int(n_items)
    n_c = int(c.max()) + 1 if n_contributors is None else int(n_contributors)
    n_labels = sel.shape[1]
    probas = np.zeros((n_i, n_labels))
    confusion = np.full((n_c, n_labels, 2, 2), np.nan)
    skills = np.full((n_c, n_labels), np.nan)
    for k in range(n_labels):
        r = dawid_skene(
            c, i, sel[:, k], n_contributors=n_c, n_items=n_i, n_classes=2, n_iter=n_iter, tol=tol
        )
        probas[:, k] = r.probas[:, 1]
        if r.confusion is not None:
            confusion[:, k] = r.confusion
        skills[:, k] = r.skills
        if progress is not None:
            progress(k + 1, n_labels)
    answered = np.bincount(i, minlength=n_i) > 0
    selected = (probas >= 0.5) & answered[:, None]
    label_confidence = np.where(answered[:, None], np.maximum(probas, 1.0 - probas), 0.0)
    confidence = np.where(answered, np.prod(label_confidence, axis=1), 0.0)
    known = ~np.isnan(skills)
    counts = known.sum(axis=1)
    contributor_skill = np.full(n_c, np.nan)
    np.divide(
        np.where(known, skills, 0.0).sum(axis=1), counts, out=contributor_skill, where=counts > 0
    )
    return MultiLabelResult(
        selected=selected,
        probas=probas,
        confidence=np.clip(confidence, 0.0, 1.0),
        label_confidence=np.clip(label_confidence, 0.0, 1.0),
        skills=contributor_skill,
        confusion=confusion,
    )
