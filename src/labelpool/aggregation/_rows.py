"""Row-wise reductions for tall, narrow matrices (items x classes), the shape EM works on.

NumPy reduces ``axis=1`` of an ``(n, k)`` array with a small inner loop per row, which for
k = 5 is 4-8x slower than k whole-column operations; these helpers take the fast route, and
stay off BLAS (see `total_product`).
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
    """``x.sum(axis=1)`` for a 2-D array with at least one column."""
    out = x[:, 0].copy()
    for column in range(1, x.shape[1]):
        out += x[:, column]
    return out


def total_product(x: FloatArray, y: FloatArray) -> float:
    """``(x * y).sum()`` without a temporary array. Not ``np.dot``: BLAS would wake its
    threads, which then spin and double the CPU time on a shared two-core machine."""
    return float(np.einsum("ij,ij->", x, y))


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
