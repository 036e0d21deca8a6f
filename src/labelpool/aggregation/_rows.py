"""Row-wise reductions for tall, narrow matrices (items x classes), the shape EM works on.

NumPy reduces ``axis=1`` of an ``(n, k)`` array with a small inner loop per row, which for
k = 5 is 5-10x slower than k whole-column operations; these helpers take the fast route.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]


def row_max(x: FloatArray) -> FloatArray:
    """``x.max(axis=1)`` for a 2-D array with at least one column."""
    out = x[:, 0].copy()
    for column in range(1, x.shape[1]):
        np.maximum(out, x[:, column], out=out)
    return out


def row_sum(x: FloatArray) -> FloatArray:
    """``x.sum(axis=1)`` (a matrix-vector product, which NumPy hands to BLAS)."""
    return np.asarray(x @ np.ones(x.shape[1], dtype=x.dtype), dtype=np.float64)


def softmax_rows(log_lik: FloatArray) -> FloatArray:
    """Row-wise softmax of log-likelihoods (a new array)."""
    return normalize_log_rows(log_lik)[0]


def normalize_log_rows(
    log_lik: FloatArray, out: FloatArray | None = None
) -> tuple[FloatArray, FloatArray]:
    """Row-wise softmax (into ``out`` if given) and the log of each row's normaliser."""
    top = row_max(log_lik)
    z: FloatArray = np.subtract(log_lik, top[:, None], out=out)
    np.exp(z, out=z)
    total = row_sum(z)
    z /= total[:, None]
    return z, top + np.log(total)
