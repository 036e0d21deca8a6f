"""Greedy one-to-one clustering of objects across contributors (internal; boxes and tracks).

Contributors are taken one at a time. Each one's objects are matched one-to-one (Hungarian
algorithm, maximising the total similarity) to the current clusters' fused objects; a match needs
a similarity of at least ``threshold``. Matched objects join their cluster, which is fused again;
the others start new clusters. A cluster therefore holds at most one object per answer.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import numpy as np
import numpy.typing as npt

from labelpool.aggregation.results import StructuredResult

FloatArray = npt.NDArray[np.float64]
T = TypeVar("T")
F = TypeVar("F")


@dataclass
class Cluster(Generic[T, F]):
    members: list[tuple[int, T]] = field(default_factory=list)  # (answer index, object)
    fused: F | None = None


def cluster_objects(
    answers: Sequence[Sequence[T]],
    weights: Sequence[float],
    similarity: Callable[[Sequence[T], Sequence[F]], FloatArray],
    fuse: Callable[[Sequence[T], Sequence[float]], F],
    threshold: float,
) -> list[Cluster[T, F]]:
    """Cluster the objects of several answers (``answers[a]`` is answer ``a``'s list)."""
    from scipy.optimize import linear_sum_assignment

    clusters: list[Cluster[T, F]] = []

    def refuse(cluster: Cluster[T, F]) -> None:
        objs = [obj for _, obj in cluster.members]
        cluster.fused = fuse(objs, [weights[a] for a, _ in cluster.members])

    for a, objects in enumerate(answers):
        if not objects:
            continue
        unmatched = set(range(len(objects)))
        if clusters:
            fused = [cl.fused for cl in clusters if cl.fused is not None]
            sim = similarity(objects, fused)
            eligible = sim >= threshold
            if eligible.any():
                rows, cols = linear_sum_assignment(np.where(eligible, sim, 0.0), maximize=True)
                for r, col in zip(rows.tolist(), cols.tolist(), strict=True):
                    if eligible[r, col]:
                        clusters[col].members.append((a, objects[r]))
                        refuse(clusters[col])
                        unmatched.discard(r)
        for r in sorted(unmatched):
            cluster: Cluster[T, F] = Cluster(members=[(a, objects[r])])
            refuse(cluster)
            clusters.append(cluster)
    return clusters


def item_confidence(kept: Sequence[float], dropped_support: Sequence[float]) -> float:
    """Mean confidence of the keep/drop decisions (1 when there was nothing to decide)."""
    decisions = [*kept, *(1.0 - s for s in dropped_support)]
    if not decisions:
        return 1.0
    return float(min(max(sum(decisions) / len(decisions), 0.0), 1.0))


class StructuredBuilder:
    """Collects a structured aggregation's outcome item by item (``confidence[i]`` is set by the
    caller and stays 0 for items without answers)."""

    def __init__(self, n_items: int) -> None:
        self.answers: list[list[dict[str, Any]]] = []
        self.object_confidence: list[FloatArray] = []
        self.support: list[FloatArray] = []
        self.confidence = np.zeros(n_items)

    def add(
        self, answers: list[dict[str, Any]], object_confidence: FloatArray, support: FloatArray
    ) -> None:
        self.answers.append(answers)
        self.object_confidence.append(object_confidence)
        self.support.append(support)

    def add_empty(self) -> None:
        self.add([], np.zeros(0), np.zeros(0))

    def result(self) -> StructuredResult:
        return StructuredResult(
            answers=self.answers,
            confidence=self.confidence,
            object_confidence=self.object_confidence,
            support=self.support,
        )


def labels_in_order(item_answers: Sequence[tuple[int, Sequence[Mapping[str, Any]]]]) -> list[Any]:
    """The labels of an item's answer objects, in order of first appearance."""
    labels: list[Any] = []
    for _, objects in item_answers:
        for obj in objects:
            if obj["label"] not in labels:
                labels.append(obj["label"])
    return labels


def check_weights(weights: Any, answers: Sequence[Sequence[tuple[int, Any]]]) -> FloatArray:
    """Per-contributor weights (ones by default), checked against the contributor codes used."""
    codes = [c for item in answers for c, _ in item]
    if any((not isinstance(c, int | np.integer)) or c < 0 for c in codes):
        raise ValueError("contributors must be non-negative integer codes")
    n = max(codes, default=-1) + 1
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=np.float64).reshape(-1)
    if w.size < n:
        raise ValueError(f"weights has {w.size} values but contributor codes go up to {n - 1}")
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    return w


def fuse_by_label(
    answers: Sequence[Sequence[tuple[int, Sequence[Mapping[str, Any]]]]],
    weights: Any,
    *,
    to_objects: Callable[[list[Mapping[str, Any]]], list[T]],
    similarity: Callable[[Sequence[T], Sequence[F]], FloatArray],
    fuse: Callable[[Sequence[T], Sequence[float]], F],
    to_answer: Callable[[F, Any], dict[str, Any]],
    iou_threshold: float,
    min_support: float,
) -> StructuredResult:
    """The shared driver of box and track fusion.

    Per item and per label (in order of first appearance): cluster the contributors' objects
    (`cluster_objects`), drop clusters backed by less than `min_support` of the item's weight,
    and keep the others with confidence = support x weighted mean similarity of the members to
    the fused object.
    """
    cw = check_weights(weights, answers)
    out = StructuredBuilder(len(answers))
    for i, item_answers in enumerate(answers):
        if not item_answers:
            out.add_empty()
            continue
        w = [float(cw[c]) for c, _ in item_answers]
        total = sum(w)
        labels = labels_in_order(item_answers)
        fused_objects: list[dict[str, Any]] = []
        kept_conf: list[float] = []
        kept_support: list[float] = []
        dropped: list[float] = []
        for label in labels:
            per_answer = [
                to_objects([o for o in objs if o["label"] == label]) for _, objs in item_answers
            ]
            for cluster in cluster_objects(per_answer, w, similarity, fuse, iou_threshold):
                assert cluster.fused is not None
                member_w = np.array([w[a] for a, _ in cluster.members])
                support = float(member_w.sum() / total) if total > 0 else 0.0
                if support < min_support or support <= 0:
                    dropped.append(support)
                    continue
                ious = similarity([obj for _, obj in cluster.members], [cluster.fused])[:, 0]
                mean_iou = float((ious * member_w).sum() / member_w.sum())
                fused_objects.append(to_answer(cluster.fused, label))
                kept_conf.append(min(max(support * mean_iou, 0.0), 1.0))
                kept_support.append(min(support, 1.0))
        out.add(fused_objects, np.array(kept_conf), np.array(kept_support))
        out.confidence[i] = item_confidence(kept_conf, dropped) if total > 0 else 0.0
    return out.result()
