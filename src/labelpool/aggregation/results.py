"""Result containers shared by the aggregation methods.

All arrays are NumPy arrays indexed by the integer codes the caller passed in (item ``i`` is row
``i``, contributor ``w`` is row ``w``, class ``k`` is column ``k``). Every result carries a
``confidence`` in [0, 1] per aggregated item.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class CategoricalResult:
    """Outcome of a categorical (single-choice) aggregation.

    Attributes:
        labels: ``(n_items,)`` inferred class per item; ``-1`` for items that received no answer.
        probas: ``(n_items, n_classes)`` posterior (or vote-share) distribution per item; rows of
            items without answers are all zero.
        confidence: ``(n_items,)`` probability of the chosen label (``probas.max(1)``), 0 for items
            without answers.
        skills: ``(n_contributors,)`` estimated probability that the contributor answers correctly
            (method-specific, see each function); NaN for contributors with no answers.
        confusion: ``(n_contributors, n_classes, n_classes)`` with
            ``confusion[w, true, answer] = P(answer | true)`` for the confusion-matrix models
            (Dawid-Skene, one-coin), else ``None``.
        priors: ``(n_classes,)`` estimated class distribution.
        n_iter: EM iterations run (0 for one-shot methods).
        converged: whether the stopping rule was met before ``n_iter`` ran out.
        loss_history: the objective after each iteration (method-specific, higher is better).
        extra: method-specific arrays (e.g. GLAD's ``alpha``/``beta``, MACE's ``competence``).
    """

    labels: IntArray
    probas: FloatArray
    confidence: FloatArray
    skills: FloatArray
    confusion: FloatArray | None = None
    priors: FloatArray | None = None
    n_iter: int = 0
    converged: bool = True
    loss_history: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MultiLabelResult:
    """Outcome of a multi-choice (set-valued) aggregation.

    Attributes:
        selected: ``(n_items, n_labels)`` boolean: is the option part of the aggregated answer.
        probas: ``(n_items, n_labels)`` posterior probability that each option is selected.
        confidence: ``(n_items,)`` probability that the whole selected set is right, assuming the
            options are independent: ``prod_k max(p_k, 1 - p_k)``; 0 for items without answers.
        label_confidence: ``(n_items, n_labels)`` per-option ``max(p, 1 - p)``.
        skills: ``(n_contributors,)`` mean per-option accuracy of each contributor.
        confusion: ``(n_contributors, n_labels, 2, 2)`` per-option 2x2 confusion matrices
            ``[w, k, truth, answer]`` (index 1 = selected).
    """

    selected: BoolArray
    probas: FloatArray
    confidence: FloatArray
    label_confidence: FloatArray
    skills: FloatArray
    confusion: FloatArray


@dataclass(frozen=True)
class PairwiseResult:
    """Outcome of a pairwise-comparison aggregation.

    Attributes:
        scores: ``(n_items,)`` latent strength on the log scale (higher = preferred), centred so
            that the mean is 0.
        ranking: item codes from most to least preferred.
        confidence: ``(n_items,)`` reliability of each score: ``I / (I + 1)`` where ``I`` is the
            Fisher information of the item's log-strength (0 for items never compared).
        skills: ``(n_contributors,)`` probability a contributor answers by merit rather than at
            random (noisy Bradley-Terry), else ``None``.
        biases: ``(n_contributors,)`` probability a random answer picks the left item (noisy
            Bradley-Terry), else ``None``.
        n_iter: iterations run.
        converged: whether the stopping rule was met before ``n_iter`` ran out.
    """

    scores: FloatArray
    ranking: IntArray
    confidence: FloatArray
    skills: FloatArray | None = None
    biases: FloatArray | None = None
    n_iter: int = 0
    converged: bool = True


@dataclass(frozen=True)
class TextResult:
    """Outcome of a free-text aggregation (ROVER).

    Attributes:
        texts: one aggregated text per item (``None`` for items without answers).
        confidence: ``(n_items,)`` mean (weighted) vote share of the winning entry over the slots
            of the item's word transition network; 0 for items without answers.
    """

    texts: list[str | None]
    confidence: FloatArray


@dataclass(frozen=True)
class RatingResult:
    """Outcome of a numeric-rating aggregation.

    Attributes:
        values: ``(n_items,)`` consensus rating (bias-corrected robust mean); NaN for items without
            ratings.
        confidence: ``(n_items,)`` agreement of the bias-corrected ratings, shrunk for items with
            few ratings (see :func:`labelpool.aggregation.robust_rating`); 0 without ratings.
        biases: ``(n_contributors,)`` additive bias of each contributor (positive = rates high);
            NaN for contributors with no ratings.
        noise: ``(n_contributors,)`` mean absolute deviation of a contributor's bias-corrected
            ratings from the consensus; NaN for contributors with no ratings.
        n_iter: iterations run.
        converged: whether the values stopped moving before ``n_iter`` ran out.
    """

    values: FloatArray
    confidence: FloatArray
    biases: FloatArray
    noise: FloatArray
    n_iter: int = 0
    converged: bool = True


@dataclass(frozen=True)
class StructuredResult:
    """Outcome of a structured aggregation (boxes, spans, time regions, tracks).

    Attributes:
        answers: one aggregated answer per item, in the control's own answer format (a list of
            boxes, spans, regions or tracks); an empty list for items without answers.
        confidence: ``(n_items,)`` how sure the aggregate is as a whole: the mean, over every
            candidate object (kept or dropped), of the confidence of the keep/drop decision
            (kept: the object's confidence; dropped: one minus its support). 1 when every
            contributor answered "nothing", 0 for items without answers.
        object_confidence: per item, ``(len(answers[i]),)`` confidence of each aggregated object.
        support: per item, ``(len(answers[i]),)`` weighted share of the item's contributors whose
            answers back each aggregated object.
    """

    answers: list[list[dict[str, Any]]]
    confidence: FloatArray
    object_confidence: list[FloatArray]
    support: list[FloatArray]
