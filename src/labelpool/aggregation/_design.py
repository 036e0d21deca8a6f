"""Sparse design matrices shared by the EM methods (internal).

``A`` is the ``n_items x (n_contributors * n_classes)`` count matrix: ``A[i, w*K + k]`` is how many
times contributor ``w`` answered ``k`` on item ``i``. The E-step of Dawid-Skene-like models is then
``A @ log_errors`` and the M-step is ``A.T @ posteriors``: two sparse products per iteration.

The products run in SciPy's compiled CSR kernels (``scipy.sparse._sparsetools``, the routines
behind ``csr_matrix @ dense``). They are called directly because ``import scipy.sparse`` costs
about 0.15 s (its array-API layer imports most of NumPy's submodules), a sixth of the whole
million-label `labelpool aggregate` run, while the kernels load in under a millisecond.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from types import ModuleType

import numpy as np
import numpy.typing as npt

from labelpool.aggregation.encoding import CategoricalData

FloatArray = npt.NDArray[np.float64]
IndexArray = npt.NDArray[np.signedinteger]

_KERNELS = "scipy.sparse._sparsetools"


def sparse_kernels() -> ModuleType:
    """SciPy's CSR kernels: from their file when SciPy keeps them where it always has, else
    through the normal (slower) import of ``scipy.sparse``."""
    if _KERNELS in sys.modules:
        return sys.modules[_KERNELS]
    spec = importlib.util.find_spec("scipy")
    for directory in (spec.submodule_search_locations or []) if spec else []:
        for suffix in importlib.machinery.EXTENSION_SUFFIXES:
            path = os.path.join(directory, "sparse", "_sparsetools" + suffix)
            if not os.path.isfile(path):
                continue
            file_spec = importlib.util.spec_from_file_location(_KERNELS, path)
            if file_spec is None or file_spec.loader is None:
                continue
            module = importlib.util.module_from_spec(file_spec)
            file_spec.loader.exec_module(module)
            return module
    return importlib.import_module(_KERNELS)


class CsrMatrix:
    """A CSR matrix of float64 values, multiplied by dense matrices in SciPy's kernels."""

    def __init__(
        self, shape: tuple[int, int], indptr: IndexArray, indices: IndexArray, data: FloatArray
    ) -> None:
        self.shape = shape
        self.indptr = indptr
        self.indices = indices
        self.data = data

    @classmethod
    def from_coordinates(
        cls, shape: tuple[int, int], rows: IndexArray, cols: IndexArray, values: FloatArray
    ) -> CsrMatrix:
        """Like ``scipy.sparse.csr_matrix((values, (rows, cols)))``, duplicates summed."""
        kernels = sparse_kernels()
        n_row, n_col = shape
        nnz = len(values)
        small = max(n_row, n_col, nnz) < np.iinfo(np.int32).max
        index: type[np.signedinteger] = np.int32 if small else np.int64
        indptr: IndexArray = np.empty(n_row + 1, dtype=index)
        indices: IndexArray = np.empty(nnz, dtype=index)
        data = np.empty(nnz, dtype=np.float64)
        kernels.coo_tocsr(
            n_row,
            n_col,
            nnz,
            rows.astype(index, copy=False),
            cols.astype(index, copy=False),
            values.astype(np.float64, copy=False),
            indptr,
            indices,
            data,
        )
        kernels.csr_sort_indices(n_row, indptr, indices, data)
        kernels.csr_sum_duplicates(n_row, n_col, indptr, indices, data)
        nnz = int(indptr[-1])
        return cls(shape, indptr, indices[:nnz].copy(), data[:nnz].copy())

    def transpose(self) -> CsrMatrix:
        n_row, n_col = self.shape
        nnz = len(self.data)
        indptr = np.empty(n_col + 1, dtype=self.indptr.dtype)
        indices = np.empty(nnz, dtype=self.indptr.dtype)
        data = np.empty(nnz, dtype=np.float64)
        sparse_kernels().csr_tocsc(
            n_row, n_col, self.indptr, self.indices, self.data, indptr, indices, data
        )
        return CsrMatrix((n_col, n_row), indptr, indices, data)

    def __matmul__(self, dense: FloatArray) -> FloatArray:
        return self.matmul(dense)

    def matmul(self, dense: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """``self @ dense`` for a dense ``(n_col, m)`` matrix, into ``out`` if given (reusing a
        buffer across EM iterations saves the page faults of fresh memory)."""
        n_row, n_col = self.shape
        if dense.ndim != 2 or dense.shape[0] != n_col:
            raise ValueError(f"cannot multiply a {self.shape} matrix by {dense.shape}")
        x = np.ascontiguousarray(dense, dtype=np.float64)
        if out is None:
            out = np.zeros((n_row, x.shape[1]), dtype=np.float64)
        elif out.shape != (n_row, x.shape[1]) or not out.flags.c_contiguous:
            raise ValueError(f"out must be a C-contiguous {(n_row, x.shape[1])} array")
        else:
            out.fill(0.0)
        sparse_kernels().csr_matvecs(
            n_row,
            n_col,
            x.shape[1],
            self.indptr,
            self.indices,
            self.data,
            x.reshape(-1),
            out.reshape(-1),
        )
        return out


class Design:
    """Count matrices for one data set (``A`` and its transpose, both CSR)."""

    def __init__(self, data: CategoricalData) -> None:
        k = data.n_classes
        self.n_items = data.n_items
        self.n_contributors = data.n_contributors
        self.n_classes = k
        self.n_answers = data.n_answers
        cols = data.contributors * k + data.answers
        shape = (data.n_items, data.n_contributors * k)
        ones = np.ones(data.n_answers, dtype=np.float64)
        self.A = CsrMatrix.from_coordinates(shape, data.items, cols, ones)
        self.AT = self.A.transpose()
        # (contributor, answer) pairs that occur at least once
        self.observed = np.bincount(cols, minlength=shape[1]).reshape(-1, k) > 0
        self.item_counts = np.bincount(data.items, minlength=data.n_items).astype(np.float64)
        self.contributor_counts = np.bincount(data.contributors, minlength=data.n_contributors)

    def item_sums(self, per_cell: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """``(n_items, C)``: sum over each item's answers of ``per_cell[w*K + answer]``."""
        return self.A.matmul(per_cell, out)

    def cell_sums(self, per_item: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """``(n_contributors*K, C)``: sum over each (contributor, answer) cell of ``per_item``."""
        return self.AT.matmul(per_item, out)

    def vote_counts(self) -> FloatArray:
        """``(n_items, K)`` number of answers per class (duplicates counted)."""
        k = self.n_classes
        eye = np.tile(np.eye(k), (self.n_contributors, 1))
        return self.item_sums(eye)
