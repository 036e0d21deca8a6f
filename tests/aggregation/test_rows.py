"""Row-wise helpers give exactly what NumPy's axis=1 reductions give."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation._rows import normalize_log_rows, row_max, row_sum, softmax_rows


@pytest.mark.parametrize("k", [1, 2, 5, 17])
def test_match_numpy_reductions(k):
    rng = np.random.default_rng(k)
    x = rng.normal(size=(1000, k)) * 30
    np.testing.assert_array_equal(row_max(x), x.max(axis=1))
    np.testing.assert_allclose(row_sum(x), x.sum(axis=1), rtol=1e-12, atol=1e-9)
    expected = np.exp(x - x.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(softmax_rows(x), expected, rtol=1e-12)
    probas, log_norm = normalize_log_rows(x)
    top = x.max(axis=1)
    np.testing.assert_allclose(log_norm, top + np.log(np.exp(x - top[:, None]).sum(axis=1)))
    np.testing.assert_allclose(probas.sum(axis=1), 1.0)


def test_impossible_classes_get_zero_probability():
    x = np.array([[0.0, -np.inf, 1.0], [-np.inf, 2.0, 2.0]])
    probas = softmax_rows(x)
    assert probas[0, 1] == 0 and probas[1, 0] == 0
    np.testing.assert_allclose(probas[1], [0.0, 0.5, 0.5])
    assert not np.shares_memory(probas, x)
