"""Pairwise comparisons: Bradley-Terry and noisy Bradley-Terry.

Input: four equally long integer arrays ``contributors[r]``, ``lefts[r]``, ``rights[r]`` and
``winners[r]`` for comparison ``r``. ``winners[r]`` is the item code of the preferred item (equal
to ``lefts[r]`` or ``rights[r]``), or ``-1`` for a tie, which counts as half a win for each side
(the pairwise control's ``{"winner": "a" | "b" | "tie"}`` maps to left / right / -1).

Both models put a latent strength ``p_i = exp(score_i)`` on every item with
``P(i beats j) = p_i / (p_i + p_j)``. A small prior (``prior`` virtual wins and losses of every item
against an item of strength 1, as suggested by Hunter 2004) keeps unbeaten and never-beaten items
finite and ties together items in separate components of the comparison graph.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation.encoding import as_codes
from labelpool.aggregation.results import PairwiseResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class _Rows:
    """Comparisons split into (winner, loser) outcomes with weights (a tie gives two halves)."""

    def __init__(
        self,
        contributors: Any,
        lefts: Any,
        rights: Any,
        winners: Any,
        n_items: int | None,
        n_contributors: int | None,
        weights: Any,
    ) -> None:
        c = as_codes(contributors, "contributors")
        left = as_codes(lefts, "lefts")
        right = as_codes(rights, "rights")
        win = np.asarray(winners).reshape(-1).astype(np.int64)
        if not (c.size == left.size == right.size == win.size):
            raise ValueError(
                "contributors, lefts, rights and winners differ in length "
                f"({c.size}, {left.size}, {right.size}, {win.size})"
            )
        bad = (win != left) & (win != right) & (win != -1)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise ValueError(f"row {row}: the winner must be the left item, the right item or -1")
        if np.any(left == right):
            raise ValueError("an item cannot be compared with itself")
        inferred_items = int(max(left.max(initial=-1), right.max(initial=-1))) + 1
        self.n_items = inferred_items if n_items is None else int(n_items)
        if self.n_items < inferred_items:
            raise ValueError(f"n_items={n_items} but codes go up to {inferred_items - 1}")
        inferred_c = int(c.max(initial=-1)) + 1
        self.n_contributors = inferred_c if n_contributors is None else int(n_contributors)
        if self.n_contributors < inferred_c:
            raise ValueError(f"n_contributors={n_contributors} but codes go up to {inferred_c - 1}")
        w = np.ones(self.n_contributors)
        if weights is not None:
            w = np.asarray(weights, dtype=np.float64)
            if w.shape != (self.n_contributors,):
                raise ValueError(
                    f"weights must have one value per contributor ({self.n_contributors})"
                )
            if np.any(w < 0):
                raise ValueError("weights must be non-negative")
        share_left = np.where(win == left, 1.0, np.where(win == right, 0.0, 0.5))
        # outcome rows: first every "left won" share, then every "right won" share
        self.contributor = np.concatenate([c, c])
        self.winner = np.concatenate([left, right])
        self.loser = np.concatenate([right, left])
        self.picked_left = np.concatenate([np.ones(c.size, bool), np.zeros(c.size, bool)])
        self.weight = np.concatenate([share_left, 1.0 - share_left]) * w[self.contributor]
        keep = self.weight > 0
        for name in ("contributor", "winner", "loser", "picked_left", "weight"):
            setattr(self, name, getattr(self, name)[keep])
        self.compared = np.bincount(np.concatenate([left, right]), minlength=self.n_items).astype(
            bool
        )


def _mm_bt(
    winner: IntArray,
    loser: IntArray,
    weight: FloatArray,
    n_items: int,
    prior: float,
    p: FloatArray,
    n_iter: int,
    tol: float,
) -> tuple[FloatArray, int, bool]:
    """Hunter's MM iterations for weighted Bradley-Terry with a virtual opponent of strength 1."""
    wins = np.bincount(winner, weights=weight, minlength=n_items) + prior
    for it in range(1, n_iter + 1):
        inv = weight / (p[winner] + p[loser])
        denom: FloatArray = np.bincount(winner, weights=inv, minlength=n_items).astype(float)
        denom += np.bincount(loser, weights=inv, minlength=n_items)
        denom += 2.0 * prior / (p + 1.0)
        new = wins / denom
        change = float(np.max(np.abs(np.log(new) - np.log(p)))) if n_items else 0.0
        p = new
        if change < tol:
            return p, it, True
    return p, n_iter, False


def _information(
    winner: IntArray, loser: IntArray, weight: FloatArray, p: FloatArray, n_items: int
) -> FloatArray:
    """Fisher information of each item's log-strength (comparisons only, no prior)."""
    pw, pl = p[winner], p[loser]
    info = weight * pw * pl / (pw + pl) ** 2
    out: FloatArray = np.bincount(winner, weights=info, minlength=n_items).astype(float)
    out += np.bincount(loser, weights=info, minlength=n_items)
    return out


def _finish(
    p: FloatArray,
    info: FloatArray,
    compared: npt.NDArray[np.bool_],
    **kwargs: Any,
) -> PairwiseResult:
    scores = np.log(p)
    if scores.size:
        scores = scores - scores.mean()
    ranking = np.argsort(-scores, kind="stable").astype(np.int64)
    confidence = np.where(compared, info / (info + 1.0), 0.0)
    return PairwiseResult(
        scores=scores, ranking=ranking, confidence=np.clip(confidence, 0.0, 1.0), **kwargs
    )


def bradley_terry(
    contributors: Any,
    lefts: Any,
    rights: Any,
    winners: Any,
    *,
    n_items: int | None = None,
    n_contributors: int | None = None,
    weights: Any = None,
    prior: float = 0.1,
    n_iter: int = 2000,
    tol: float = 1e-8,
) -> PairwiseResult:
    """Bradley-Terry by Hunter's MM algorithm.

    ``prior`` (> 0) virtual wins and losses of every item against a strength-1 item regularise the
    fit (towards 0 it approaches the maximum-likelihood estimate, infinite for unbeaten items).
    ``weights`` (one per contributor) weight each contributor's comparisons. Confidence is
    ``I / (I + 1)`` with ``I`` the Fisher information of the item's log-strength.
    """
    if prior <= 0:
        raise ValueError("prior must be positive")
    rows = _Rows(contributors, lefts, rights, winners, n_items, n_contributors, weights)
    n = rows.n_items
    p, it, converged = _mm_bt(
        rows.winner, rows.loser, rows.weight, n, prior, np.ones(n), n_iter, tol
    )
    info = _information(rows.winner, rows.loser, rows.weight, p, n)
    return _finish(p, info, rows.compared, n_iter=it, converged=converged)


def _sigmoid(x: FloatArray) -> FloatArray:
    out: FloatArray = 0.5 * (1.0 + np.tanh(0.5 * x))
    return out


def noisy_bradley_terry(
    contributors: Any,
    lefts: Any,
    rights: Any,
    winners: Any,
    *,
    n_items: int | None = None,
    n_contributors: int | None = None,
    weights: Any = None,
    prior: float = 0.1,
    skill_prior: tuple[float, float] = (8.0, 2.0),
    n_iter: int = 500,
    tol: float = 1e-6,
) -> PairwiseResult:
    """Noisy Bradley-Terry: each contributor answers by merit with probability ``skills[w]``
    (then Bradley-Terry decides) and otherwise at random, picking the left item with probability
    ``biases[w]`` (the model of Crowd-Kit's ``NoisyBradleyTerry``).

    Fitted by EM, started from plain Bradley-Terry (so it is deterministic): the E-step gives
    each comparison's probability of being a merit answer, the M-step re-estimates skills and
    biases and the strengths by weighted MM. Skills get a Beta ``skill_prior`` (default (8, 2):
    80 % merit until about ten answers say otherwise, which keeps contributors with one or two
    comparisons from being written off), biases a Beta(1, 1). Confidence as in
    :func:`bradley_terry`, counting each comparison by its merit probability.
    """
    if prior <= 0:
        raise ValueError("prior must be positive")
    rows = _Rows(contributors, lefts, rights, winners, n_items, n_contributors, weights)
    n, nc = rows.n_items, rows.n_contributors
    c, win, lose, w = rows.contributor, rows.winner, rows.loser, rows.weight
    p, _, _ = _mm_bt(win, lose, w, n, prior, np.ones(n), 2000, 1e-8)
    skills = np.full(nc, 0.9)
    biases = np.full(nc, 0.5)
    total = np.bincount(c, weights=w, minlength=nc)
    merit = w
    converged = False
    it = 0
    for _ in range(n_iter):
        it += 1
        scores = np.log(p)
        m = skills[c] * _sigmoid(scores[win] - scores[lose])
        rnd = (1.0 - skills[c]) * np.where(rows.picked_left, biases[c], 1.0 - biases[c])
        resp = m / np.maximum(m + rnd, 1e-300)
        merit = w * resp
        new_skills = (np.bincount(c, weights=merit, minlength=nc) + skill_prior[0]) / (
            total + skill_prior[0] + skill_prior[1]
        )
        random_w = w - merit
        random_left = np.bincount(c, weights=random_w * rows.picked_left, minlength=nc)
        new_biases = (random_left + 1.0) / (np.bincount(c, weights=random_w, minlength=nc) + 2.0)
        new_p, _, _ = _mm_bt(win, lose, merit, n, prior, p, 50, 1e-10)
        change = max(
            float(np.max(np.abs(new_skills - skills), initial=0.0)),
            float(np.max(np.abs(new_biases - biases), initial=0.0)),
            float(np.max(np.abs(np.log(new_p) - np.log(p)), initial=0.0)),
        )
        skills, biases, p = new_skills, new_biases, new_p
        if change < tol:
            converged = True
            break
    answered = total > 0
    info = _information(win, lose, merit, p, n)
    return _finish(
        p,
        info,
        rows.compared,
        skills=np.where(answered, skills, np.nan),
        biases=np.where(answered, biases, np.nan),
        n_iter=it,
        converged=converged,
    )
