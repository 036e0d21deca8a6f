"""Numeric ratings (the rating control's scale points): robust mean with bias correction.

Some contributors rate everything a point too high or too low. The model is
``rating = consensus[item] + bias[contributor] + noise``; it alternates

* consensus: a Huber mean (weighted by contributor weight) of the bias-corrected ratings of each
  item, so a single wild rating moves it little;
* bias: the median of ``rating - consensus`` over each contributor's ratings, shrunk towards 0
  by ``bias_prior`` pseudo-ratings (one or two ratings say little about a bias), then centred so
  that the median contributor has bias 0 (a shared offset cannot be told from the consensus).

Ratings marked "not applicable" (``None`` in the control) are simply left out of the arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation.encoding import as_codes
from labelpool.aggregation.results import RatingResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def group_median(
    groups: IntArray, values: FloatArray, weights: FloatArray, n_groups: int
) -> FloatArray:
    """Weighted median of ``values`` per group (midpoint of the two middle values on a tie);
    NaN for groups with no (positive-weight) values."""
    out = np.full(n_groups, np.nan)
    keep = weights > 0
    g, v, w = groups[keep], values[keep], weights[keep]
    if g.size == 0:
        return out
    order = np.lexsort((v, g))
    g, v, w = g[order], v[order], w[order]
    total = np.bincount(g, weights=w, minlength=n_groups)
    cum = np.cumsum(w)
    before = np.concatenate([[0.0], np.cumsum(total)[:-1]])
    within = cum - before[g]
    half = total[g] / 2.0
    tol = 1e-12 * np.maximum(total[g], 1.0)
    low_idx = np.flatnonzero(within >= half - tol)
    high_idx = np.flatnonzero(within > half + tol)
    low_groups, first_low = np.unique(g[low_idx], return_index=True)
    high_groups, first_high = np.unique(g[high_idx], return_index=True)
    low = np.full(n_groups, np.nan)
    high = np.full(n_groups, np.nan)
    low[low_groups] = v[low_idx[first_low]]
    high[high_groups] = v[high_idx[first_high]]
    result: FloatArray = (low + high) / 2.0
    return result


def robust_rating(
    contributors: Any,
    items: Any,
    ratings: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    weights: Any = None,
    correct_bias: bool = True,
    bias_prior: float = 1.0,
    huber: float = 1.345,
    scale: tuple[float, float] | None = None,
    n_iter: int = 100,
    tol: float = 1e-7,
) -> RatingResult:
    """Bias-corrected robust mean rating per item.

    ``ratings[r]`` is the number contributor ``contributors[r]`` gave item ``items[r]``.
    ``weights`` (one per contributor) weight the ratings. ``huber`` is the Huber threshold in
    robust standard deviations of the residuals (smaller = closer to a median). ``scale`` =
    ``(lowest, highest)`` point of the rating scale (default: the range of the data); it sets the
    confidence: ``agreement * n / (n + 1)`` with ``agreement = 1 - (weighted mean absolute
    deviation of the item's bias-corrected ratings) / (half the scale)`` and ``n`` the effective
    number of ratings (``(sum w)^2 / sum w^2``), so one rating alone gives at most 0.5.
    """
    c = as_codes(contributors, "contributors")
    i = as_codes(items, "items")
    x = np.asarray(ratings, dtype=np.float64).reshape(-1)
    if not (c.size == i.size == x.size):
        raise ValueError(
            f"contributors, items and ratings differ in length ({c.size}, {i.size}, {x.size})"
        )
    if c.size == 0:
        raise ValueError("no ratings to aggregate")
    if not np.all(np.isfinite(x)):
        raise ValueError("ratings must be finite numbers (leave 'not applicable' out)")
    n_i = int(i.max()) + 1 if n_items is None else int(n_items)
    n_c = int(c.max()) + 1 if n_contributors is None else int(n_contributors)
    cw = np.ones(n_c) if weights is None else np.asarray(weights, dtype=np.float64)
    if cw.shape != (n_c,):
        raise ValueError(f"weights must have one value per contributor ({n_c})")
    if np.any(cw < 0):
        raise ValueError("weights must be non-negative")
    w = cw[c]
    lo, hi = (float(x.min()), float(x.max())) if scale is None else scale
    half_range = (hi - lo) / 2.0 if hi > lo else 1.0

    item_w = np.bincount(i, weights=w, minlength=n_i)
    rated = item_w > 0
    contributor_w = np.bincount(c, weights=w, minlength=n_c)
    counts = np.bincount(c, minlength=n_c).astype(np.float64)
    active = contributor_w > 0

    bias = np.zeros(n_c)
    values = group_median(i, x, w, n_i)
    converged = False
    it = 0
    for _ in range(n_iter):
        it += 1
        y = x - bias[c]
        resid = y - values[i]
        sigma = 1.4826 * float(np.median(np.abs(resid)))
        delta = max(huber * sigma, 1e-6 * half_range)
        new = values.copy()
        for _ in range(20):  # Huber IRLS for every item at once
            dev = np.abs(y - new[i])
            hw = w * np.minimum(1.0, delta / np.maximum(dev, 1e-300))
            num = np.bincount(i, weights=hw * y, minlength=n_i)
            den = np.bincount(i, weights=hw, minlength=n_i)
            step = np.where(den > 0, num / np.where(den > 0, den, 1.0), new)
            moved = float(np.nanmax(np.abs(step - new), initial=0.0))
            new = step
            if moved < tol * half_range:
                break
        new_bias = bias
        if correct_bias:
            raw = group_median(c, x - new[i], w, n_c)
            raw = np.where(active, raw, 0.0) * counts / (counts + bias_prior)
            centre = float(np.median(raw[active])) if active.any() else 0.0
            new_bias = np.where(active, raw - centre, 0.0)
        change = max(
            float(np.nanmax(np.abs(new - values), initial=0.0)),
            float(np.max(np.abs(new_bias - bias), initial=0.0)),
        )
        values, bias = new, new_bias
        if change < tol * half_range:
            converged = True
            break

    resid = np.abs(x - bias[c] - values[i])
    spread = np.bincount(i, weights=w * resid, minlength=n_i)
    spread = np.divide(spread, item_w, out=np.zeros(n_i), where=rated)
    sq = np.bincount(i, weights=w * w, minlength=n_i)
    n_eff = np.divide(item_w**2, sq, out=np.zeros(n_i), where=sq > 0)
    agreement = np.clip(1.0 - spread / half_range, 0.0, 1.0)
    confidence = np.where(rated, agreement * n_eff / (n_eff + 1.0), 0.0)
    noise = np.bincount(c, weights=w * resid, minlength=n_c)
    noise = np.divide(noise, contributor_w, out=np.full(n_c, np.nan), where=active)
    return RatingResult(
        values=np.where(rated, values, np.nan),
        confidence=np.clip(confidence, 0.0, 1.0),
        biases=np.where(active, bias, np.nan),
        noise=noise,
        n_iter=it,
        converged=converged,
    )
