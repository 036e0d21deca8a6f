"""Dawid-Skene and one-coin Dawid-Skene (EM over per-contributor confusion matrices).

The implementation follows Crowd-Kit 1.4.2 step for step so that results agree with it:

* initialisation: posteriors are the majority-vote shares, priors their mean, then one M-step;
* M-step: ``errors[w, answer, true] = sum of posteriors``, clipped below at 1e-10 for the
  (contributor, answer) pairs that occur, normalised over answers;
* E-step: ``log posterior = log(max(prior, 1e-10)) + sum of log errors``, soft-maxed;
* stopping: after each iteration the evidence lower bound divided by the number of answers is
  computed (Crowd-Kit counts the prior term once per answer) and EM stops when it improves by
  less than ``tol`` (default 1e-5), or after ``n_iter`` (default 100) iterations;
* ties go to the lowest class code.

Both E- and M-step are one sparse matrix product each (see ``_design``), so a million answers take
a few milliseconds per iteration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation._design import Design
from labelpool.aggregation._rows import normalize_log_rows, row_sum, total_product
from labelpool.aggregation.categorical import finish
from labelpool.aggregation.encoding import CategoricalData, categorical_data
from labelpool.aggregation.results import CategoricalResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Progress = Callable[[int, int], None]

EPS = 1e-10


def compact_items(data: CategoricalData) -> tuple[CategoricalData, IntArray | None]:
    """Drop item codes that have no answers; returns the compacted data and the kept codes."""
    counts = np.bincount(data.items, minlength=data.n_items)
    if counts.all():
        return data, None
    kept = np.flatnonzero(counts)
    remap = np.full(data.n_items, -1, dtype=np.int64)
    remap[kept] = np.arange(kept.size)
    compact = CategoricalData(
        contributors=data.contributors,
        items=remap[data.items],
        answers=data.answers,
        n_contributors=data.n_contributors,
        n_items=int(kept.size),
        n_classes=data.n_classes,
    )
    return compact, kept


def expand_items(probas: FloatArray, kept: IntArray | None, n_items: int) -> FloatArray:
    """Inverse of :func:`compact_items` for a per-item matrix (unanswered rows are zero)."""
    if kept is None:
        return probas
    full = np.zeros((n_items, probas.shape[1]), dtype=np.float64)
    full[kept] = probas
    return full


@dataclass(frozen=True)
class Compacted:
    """Categorical data without its unanswered items (:func:`compact_items`), and what it takes to
    report on every item again."""

    data: CategoricalData
    answered: npt.NDArray[np.bool_]
    kept: IntArray | None
    n_items: int

    @classmethod
    def of(cls, data: CategoricalData) -> Compacted:
        answered = np.bincount(data.items, minlength=data.n_items) > 0
        compact, kept = compact_items(data)
        return cls(compact, answered, kept, data.n_items)

    def finish(self, probas: FloatArray, skills: FloatArray, **kwargs: Any) -> CategoricalResult:
        """:func:`finish` over every item (the compacted ``probas`` expanded back)."""
        return finish(
            expand_items(probas, self.kept, self.n_items), self.answered, skills, **kwargs
        )


class Convergence:
    """The EM stopping rule: stop when the objective improves by less than ``tol``. Records the
    objective of every iteration and reports ``progress(iteration, n_iter)``."""

    def __init__(self, n_iter: int, tol: float, progress: Progress | None) -> None:
        self.n_iter = n_iter
        self.tol = tol
        self.progress = progress
        self.history: list[float] = []
        self.converged = False
        self._last = -np.inf

    def done(self, value: float) -> bool:
        """Record one iteration's objective; true when EM should stop."""
        self.history.append(value)
        if self.progress is not None:
            self.progress(len(self.history), self.n_iter)
        if value - self._last < self.tol:
            self.converged = True
            return True
        self._last = value
        return False

    def outcome(self) -> dict[str, Any]:
        """The result fields ``n_iter``, ``converged`` and ``loss_history``."""
        return {
            "n_iter": len(self.history),
            "converged": self.converged,
            "loss_history": self.history,
        }


def _ds_errors(cells: FloatArray, observed: npt.NDArray[np.bool_], k: int) -> FloatArray:
    """Normalised ``(W, K_answer, K_true)`` error matrices from expected counts."""
    e = np.where(observed.reshape(-1)[:, None], np.maximum(cells, EPS), 0.0).reshape(-1, k, k)
    total = e.sum(axis=1, keepdims=True)
    out = np.zeros_like(e)
    np.divide(e, total, out=out, where=total > 0)
    return out


def _one_coin_errors(skills: FloatArray, observed: npt.NDArray[np.bool_], k: int) -> FloatArray:
    w = skills.size
    off = (1.0 - skills) / max(k - 1, 1)
    e = np.repeat(off[:, None, None], k, axis=1).repeat(k, axis=2)
    idx = np.arange(k)
    e[:, idx, idx] = skills[:, None]
    e = np.clip(e, EPS, 1 - EPS)
    e[~observed.reshape(w, k)] = 0.0
    return e


def _log_cells(errors: FloatArray) -> FloatArray:
    """``log(errors)`` as ``(W*K, K)``, with 0 where the pair never occurs (never read)."""
    flat = errors.reshape(-1, errors.shape[2])
    out = np.zeros_like(flat)
    np.log(flat, out=out, where=flat > 0)
    return out


def _fit(
    data: CategoricalData,
    *,
    one_coin: bool,
    n_iter: int,
    tol: float,
    progress: Progress | None,
) -> CategoricalResult:
    compacted = Compacted.of(data)
    data = compacted.data
    k = data.n_classes
    design = Design(data)
    n = float(data.n_answers)
    w_counts = design.contributor_counts.astype(np.float64)

    # buffers reused by every iteration (fresh memory costs page faults at this size)
    cells_buffer = np.empty((design.n_contributors * k, k))
    log_lik = np.empty((design.n_items, k))
    probas_buffer = np.empty_like(log_lik)

    def m_step(probas: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        # (W*K, K): expected counts [w, answer, true]
        cells = design.cell_sums(probas, out=cells_buffer)
        if one_coin:
            diag = cells.reshape(-1, k, k)[:, np.arange(k), np.arange(k)].sum(axis=1)
            skills = np.divide(diag, w_counts, out=np.full_like(diag, np.nan), where=w_counts > 0)
            errors = _one_coin_errors(np.nan_to_num(skills), design.observed, k)
        else:
            errors = _ds_errors(cells, design.observed, k)
            skills = np.empty(0)
        return cells, errors, skills

    probas = design.vote_counts()
    probas /= row_sum(probas)[:, None]
    priors = probas.mean(axis=0)
    cells, errors, skills = m_step(probas)
    log_errors = _log_cells(errors)
    em = Convergence(n_iter, tol, progress)
    for _ in range(n_iter):
        log_prior = np.log(np.maximum(priors, EPS))
        design.item_sums(log_errors, out=log_lik)
        log_lik += log_prior
        probas, log_norm = normalize_log_rows(log_lik, out=probas_buffer)
        # entropy of the posteriors: -sum p log p, with log p = log_lik - log_norm
        entropy = float(log_norm.sum()) - total_product(probas, log_lik)
        priors = probas.mean(axis=0)
        cells, errors, skills = m_step(probas)
        log_errors = _log_cells(errors)
        log_prior = np.log(np.maximum(priors, EPS))
        joint = float((cells * log_errors).sum() + (cells.sum(axis=0) * log_prior).sum())
        if em.done((joint + entropy) / n):
            break

    confusion = np.transpose(errors, (0, 2, 1)).copy()  # [w, true, answer]
    if one_coin:
        s = np.nan_to_num(skills)
        off = (1.0 - s) / max(k - 1, 1)
        confusion = np.repeat(off[:, None, None], k, axis=1).repeat(k, axis=2)
        confusion[:, np.arange(k), np.arange(k)] = s[:, None]
        confusion[w_counts == 0] = np.nan
        out_skills = skills
    else:
        diag = confusion[:, np.arange(k), np.arange(k)]
        out_skills = np.where(w_counts > 0, diag @ priors, np.nan)
        confusion[w_counts == 0] = np.nan
    return compacted.finish(probas, out_skills, confusion=confusion, priors=priors, **em.outcome())


def dawid_skene(
    contributors: Any,
    items: Any,
    answers: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    n_classes: int | None = None,
    n_iter: int = 100,
    tol: float = 1e-5,
    progress: Progress | None = None,
) -> CategoricalResult:
    """Dawid-Skene: every contributor has a full confusion matrix, estimated by EM.

    Returns posteriors per item, ``confusion[w, true, answer]`` per contributor and
    ``skills[w] = sum_k prior_k * confusion[w, k, k]`` (expected accuracy).
    ``progress(iteration, n_iter)`` is called after every iteration.
    """
    data = categorical_data(
        contributors,
        items,
        answers,
        n_contributors=n_contributors,
        n_items=n_items,
        n_classes=n_classes,
    )
    return _fit(data, one_coin=False, n_iter=n_iter, tol=tol, progress=progress)


def one_coin_dawid_skene(
    contributors: Any,
    items: Any,
    answers: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    n_classes: int | None = None,
    n_iter: int = 100,
    tol: float = 1e-5,
    progress: Progress | None = None,
) -> CategoricalResult:
    """One-coin Dawid-Skene: a contributor is right with probability ``skills[w]`` whatever the
    true class, and otherwise picks one of the other classes uniformly."""
    data = categorical_data(
        contributors,
        items,
        answers,
        n_contributors=n_contributors,
        n_items=n_items,
        n_classes=n_classes,
    )
    return _fit(data, one_coin=True, n_iter=n_iter, tol=tol, progress=progress)
