"""Integer coding of raw answers and validation of the (contributor, item, answer) arrays.

Every categorical method takes three equally long integer arrays: ``contributors[r]``,
``items[r]`` and ``answers[r]`` describe answer row ``r``. Codes start at 0. Use :func:`encode`
to turn arbitrary hashable values (ids, strings) into codes and back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def encode(
    values: Sequence[Any] | npt.NDArray[Any], *, order: str = "appearance"
) -> tuple[IntArray, npt.NDArray[Any]]:
    """Return ``(codes, uniques)`` with ``uniques[codes] == values``.

    ``order="appearance"`` (default) numbers values in order of first appearance, like
    ``pandas.factorize`` and Crowd-Kit; ``order="sorted"`` numbers them in sorted order. The
    categorical methods break ties towards the lowest code, so the order decides ties.

    >>> codes, uniques = encode(["b", "a", "b"])
    >>> codes.tolist(), uniques.tolist()
    ([0, 1, 0], ['b', 'a'])
    """
    arr = np.asarray(values).reshape(-1)
    uniques, first, codes = np.unique(arr, return_index=True, return_inverse=True)
    codes = codes.reshape(-1).astype(np.int64)
    if order == "sorted":
        return codes, uniques
    if order != "appearance":
        raise ValueError(f"order must be 'appearance' or 'sorted', not {order!r}")
    perm = np.argsort(first, kind="stable")
    rank = np.empty_like(perm)
    rank[perm] = np.arange(perm.size)
    return rank[codes].astype(np.int64), uniques[perm]


def as_codes(values: Any, name: str) -> IntArray:
    """Validate a one-dimensional array of non-negative integer codes."""
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size and not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and np.all(np.mod(arr, 1) == 0):
            arr = arr.astype(np.int64)
        else:
            raise ValueError(f"{name} must hold integer codes (use encode() first)")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and int(arr.min()) < 0:
        raise ValueError(f"{name} must be non-negative codes")
    return arr


def _size(given: int | None, codes: IntArray, name: str) -> int:
    inferred = int(codes.max()) + 1 if codes.size else 0
    if given is None:
        return inferred
    if given < inferred:
        raise ValueError(f"{name}={given} but codes go up to {inferred - 1}")
    return int(given)


@dataclass(frozen=True)
class CategoricalData:
    """Validated categorical answers. Build it with :func:`categorical_data`."""

    contributors: IntArray
    items: IntArray
    answers: IntArray
    n_contributors: int
    n_items: int
    n_classes: int

    @property
    def n_answers(self) -> int:
        return int(self.items.size)


def categorical_data(
    contributors: Any,
    items: Any,
    answers: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    n_classes: int | None = None,
) -> CategoricalData:
    """Check and bundle the three code arrays (sizes are inferred as ``max + 1`` when omitted)."""
    if isinstance(contributors, CategoricalData):
        return contributors
    c = as_codes(contributors, "contributors")
    i = as_codes(items, "items")
    a = as_codes(answers, "answers")
    if not (c.size == i.size == a.size):
        raise ValueError(
            f"contributors, items and answers differ in length ({c.size}, {i.size}, {a.size})"
        )
    if c.size == 0:
        raise ValueError("no answers to aggregate")
    return CategoricalData(
        contributors=c,
        items=i,
        answers=a,
        n_contributors=_size(n_contributors, c, "n_contributors"),
        n_items=_size(n_items, i, "n_items"),
        n_classes=max(_size(n_classes, a, "n_classes"), 1),
    )
