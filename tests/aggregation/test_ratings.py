"""Robust mean ratings with per-contributor bias correction."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import robust_rating
from labelpool.aggregation.ratings import group_median

TRUTH = np.array([1, 2, 3, 4, 5, 3, 2, 4], dtype=float)


def _three(third):
    c = np.repeat([0, 1, 2], TRUTH.size)
    items = np.tile(np.arange(TRUTH.size), 3)
    return c, items, np.concatenate([TRUTH, TRUTH, third])


def test_unanimous():
    c, items, x = _three(TRUTH)
    r = robust_rating(c, items, x, scale=(1, 5))
    np.testing.assert_allclose(r.values, TRUTH, atol=1e-6)
    np.testing.assert_allclose(r.biases, 0, atol=1e-9)
    np.testing.assert_allclose(r.confidence, 0.75, atol=1e-6)  # 3 ratings: n / (n + 1)


def test_plus_one_rater_is_corrected():
    c, items, x = _three(TRUTH + 1)
    r = robust_rating(c, items, x, scale=(1, 6))
    np.testing.assert_allclose(r.values, TRUTH, atol=1e-4)
    assert r.biases[2] == pytest.approx(8 / 9)  # median +1, shrunk by 1 pseudo-rating
    assert r.biases[0] == 0 and r.biases[1] == 0
    plain = robust_rating(c, items, x, correct_bias=False)
    assert np.all(plain.biases == 0)
    assert plain.confidence.mean() < r.confidence.mean()


def test_outlier_barely_moves_consensus():
    r = robust_rating([0, 1, 2, 3], [0, 0, 0, 0], [4, 4, 4, 1], scale=(1, 5))
    assert r.values[0] == pytest.approx(4, abs=1e-3)
    assert 0 < r.confidence[0] < 0.8


def test_split_single_and_empty():
    r = robust_rating([0, 1, 2], [0, 0, 1], [2, 4, 3], n_items=3, scale=(1, 5))
    assert r.values[0] == pytest.approx(3)
    assert r.values[1] == 3 and r.confidence[1] == pytest.approx(0.5)  # one rating: at most 0.5
    assert np.isnan(r.values[2]) and r.confidence[2] == 0
    assert np.all((r.confidence >= 0) & (r.confidence <= 1))


def test_weights():
    r = robust_rating([0, 1, 2], [0, 0, 0], [1, 5, 5], weights=[10, 1, 1], correct_bias=False)
    assert r.values[0] < 3


def test_group_median():
    out = group_median(np.array([0, 0, 1, 1, 1]), np.array([1.0, 3, 5, 1, 2]), np.ones(5), 3)
    assert out[0] == 2 and out[1] == 2 and np.isnan(out[2])


def test_deterministic_and_bad_input():
    c, items, x = _three(TRUTH + 1)
    first, second = robust_rating(c, items, x), robust_rating(c, items, x)
    np.testing.assert_array_equal(first.values, second.values)
    with pytest.raises(ValueError, match="finite"):
        robust_rating([0], [0], [np.nan])
    with pytest.raises(ValueError, match="no ratings"):
        robust_rating([], [], [])
