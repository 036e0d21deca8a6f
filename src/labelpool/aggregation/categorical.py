"""Majority vote and weighted majority vote (Wawa) for single-choice answers.

Ties are broken towards the lowest class code, as in Crowd-Kit (whose classes are sorted).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from labelpool.aggregation._rows import row_max
from labelpool.aggregation.encoding import CategoricalData, categorical_data
from labelpool.aggregation.results import CategoricalResult

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _labels_from_probas(probas: FloatArray, answered: npt.NDArray[np.bool_]) -> IntArray:
    labels: IntArray = np.argmax(probas, axis=1).astype(np.int64)
    labels[~answered] = -1
    return labels


def finish(
    probas: FloatArray,
    answered: npt.NDArray[np.bool_],
    skills: FloatArray,
    **kwargs: Any,
) -> CategoricalResult:
    """Build a :class:`CategoricalResult` (zeroing rows of unanswered items)."""
    probas = np.where(answered[:, None], probas, 0.0)
    labels = _labels_from_probas(probas, answered)
    confidence = np.clip(row_max(probas) if probas.shape[1] else np.zeros(len(probas)), 0, 1)
    return CategoricalResult(
        labels=labels,
        probas=probas,
        confidence=confidence,
        skills=skills,
        **kwargs,
    )


def vote_matrix(data: CategoricalData, weights: FloatArray | None = None) -> FloatArray:
    """``(n_items, n_classes)`` sum of (weighted) votes per class."""
    k = data.n_classes
    flat = data.items * k + data.answers
    w = None if weights is None else weights[data.contributors]
    votes = np.bincount(flat, weights=w, minlength=data.n_items * k)
    return votes.astype(np.float64).reshape(data.n_items, k)


def agreement(data: CategoricalData, labels: IntArray) -> FloatArray:
    """Share of each contributor's answers that equal ``labels`` (Crowd-Kit's ``get_accuracy``).

    Repeated identical (item, contributor, answer) rows count once; NaN for contributors with no
    answers.
    """
    key = (data.items * data.n_contributors + data.contributors) * data.n_classes + data.answers
    _, first = np.unique(key, return_index=True)
    c = data.contributors[first]
    hit = (labels[data.items[first]] == data.answers[first]).astype(np.float64)
    num = np.bincount(c, weights=hit, minlength=data.n_contributors)
    den = np.bincount(c, minlength=data.n_contributors).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.maximum(den, 1), np.nan)


def _normalise(votes: FloatArray) -> FloatArray:
    total = votes.sum(axis=1, keepdims=True)
    k = votes.shape[1]
    out: FloatArray = np.full_like(votes, 1.0 / max(k, 1))
    np.divide(votes, total, out=out, where=total > 0)
    return out


def majority_vote(
    contributors: Any,
    items: Any,
    answers: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    n_classes: int | None = None,
    weights: Any = None,
) -> CategoricalResult:
    """Majority vote: each item gets its most frequent answer.

    ``probas`` are vote shares; ``skills`` are each contributor's agreement with the majority.
    ``weights`` (one per contributor) turns it into a weighted vote.
    """
    data = categorical_data(
        contributors,
        items,
        answers,
        n_contributors=n_contributors,
        n_items=n_items,
        n_classes=n_classes,
    )
    w = None if weights is None else np.asarray(weights, dtype=np.float64)
    if w is not None and w.shape != (data.n_contributors,):
        raise ValueError(f"weights must have one value per contributor ({data.n_contributors})")
    votes = vote_matrix(data, w)
    answered = np.bincount(data.items, minlength=data.n_items) > 0
    probas = _normalise(votes)
    labels = _labels_from_probas(probas, answered)
    skills = agreement(data, labels)
    priors = probas[answered].mean(axis=0) if answered.any() else None
    return finish(probas, answered, skills, priors=priors)


def wawa(
    contributors: Any,
    items: Any,
    answers: Any,
    *,
    n_contributors: int | None = None,
    n_items: int | None = None,
    n_classes: int | None = None,
) -> CategoricalResult:
    """Worker agreement with aggregate (Wawa): a majority vote weighted by each contributor's
    agreement with the plain majority vote. ``skills`` are those agreement weights."""
    data = categorical_data(
        contributors,
        items,
        answers,
        n_contributors=n_contributors,
        n_items=n_items,
        n_classes=n_classes,
    )
    answered = np.bincount(data.items, minlength=data.n_items) > 0
    mv = _labels_from_probas(_normalise(vote_matrix(data)), answered)
    skills = agreement(data, mv)
    votes = vote_matrix(data, np.nan_to_num(skills))
    total = votes.sum(axis=1)
    # items whose contributors all have zero agreement fall back to the plain majority
    fallback = answered & (total <= 0)
    if fallback.any():
        votes[fallback] = vote_matrix(data)[fallback]
    probas = _normalise(votes)
    priors = probas[answered].mean(axis=0) if answered.any() else None
    return finish(probas, answered, skills, priors=priors)
