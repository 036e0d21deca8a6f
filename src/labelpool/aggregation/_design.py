"""Sparse design matrices shared by the EM methods (internal).

``A`` is the ``n_items x (n_contributors * n_classes)`` count matrix: ``A[i, w*K + k]`` is how many
times contributor ``w`` answered ``k`` on item ``i``. The E-step of Dawid-Skene-like models is then
``A @ log_errors`` and the M-step is ``A.T @ posteriors``: two sparse products per iteration.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation.encoding import CategoricalData

FloatArray = npt.NDArray[np.float64]


class Design:
    """Count matrices for one data set (``A`` and its transpose, both CSR)."""

    def __init__(self, data: CategoricalData) -> None:
        from scipy import sparse

        k = data.n_classes
        self.n_items = data.n_items
        self.n_contributors = data.n_contributors
        self.n_classes = k
        self.n_answers = data.n_answers
        cols = data.contributors * k + data.answers
        ones = np.ones(data.n_answers, dtype=np.float64)
        shape = (data.n_items, data.n_contributors * k)
        a: Any = sparse.csr_matrix((ones, (data.items, cols)), shape=shape)
        a.sum_duplicates()
        self.A = a
        self.AT: Any = a.T.tocsr()
        # (contributor, answer) pairs that occur at least once
        self.observed = np.bincount(cols, minlength=shape[1]).reshape(-1, k) > 0
        self.item_counts = np.bincount(data.items, minlength=data.n_items).astype(np.float64)
        self.contributor_counts = np.bincount(data.contributors, minlength=data.n_contributors)

    def item_sums(self, per_cell: FloatArray) -> FloatArray:
        """``(n_items, C)``: sum over each item's answers of ``per_cell[w*K + answer]``."""
        return np.asarray(self.A @ per_cell)

    def cell_sums(self, per_item: FloatArray) -> FloatArray:
        """``(n_contributors*K, C)``: sum over each (contributor, answer) cell of ``per_item``."""
        return np.asarray(self.AT @ per_item)

    def vote_counts(self) -> FloatArray:
        """``(n_items, K)`` number of answers per class (duplicates counted)."""
        k = self.n_classes
        eye = np.tile(np.eye(k), (self.n_contributors, 1))
        return self.item_sums(eye)
