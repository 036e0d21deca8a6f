"""Seeded synthetic crowd data with a realistic mix of contributors (for tests and benchmarks).

Contributor types (shares of the pool): 55% good (accuracy 0.65-0.97, mistakes mostly go to a
neighbouring class), 20% mediocre (accuracy 0.35-0.65), 10% uniform-random spammers, 5% constant
spammers (always the same class), 10% biased (answer one favourite class half of the time, the
truth otherwise). Activity is heavy-tailed (log-normal): a few contributors do much of the work.
Every item gets ``answers_per_item`` answers from distinct contributors; rows are shuffled.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class SyntheticCategorical:
    contributors: IntArray
    items: IntArray
    answers: IntArray
    truth: IntArray
    kinds: npt.NDArray[np.str_]
    n_contributors: int
    n_items: int
    n_classes: int


def make_categorical(
    n_items: int = 100_000,
    n_contributors: int = 2_000,
    n_classes: int = 5,
    answers_per_item: int = 10,
    seed: int = 0,
) -> SyntheticCategorical:
    """Generate ``n_items * answers_per_item`` categorical answers with known truth."""
    if answers_per_item > n_contributors:
        raise ValueError("answers_per_item cannot exceed n_contributors")
    rng = np.random.default_rng(seed)
    k = n_classes
    prior = np.linspace(2.0, 1.0, k)
    prior /= prior.sum()
    truth = rng.choice(k, size=n_items, p=prior).astype(np.int64)

    kinds = rng.choice(
        np.array(["good", "mediocre", "random", "constant", "biased"]),
        size=n_contributors,
        p=[0.55, 0.20, 0.10, 0.05, 0.10],
    )
    # confusion[w, true, answer]
    confusion = np.empty((n_contributors, k, k))
    idx = np.arange(k)
    neighbour = np.zeros((k, k))
    for c in range(k):
        for d in (c - 1, c + 1):
            if 0 <= d < k:
                neighbour[c, d] = 1.0
    neighbour /= np.maximum(neighbour.sum(axis=1, keepdims=True), 1)
    uniform_wrong = (1.0 - np.eye(k)) / max(k - 1, 1)
    wrong = 0.6 * neighbour + 0.4 * uniform_wrong
    wrong /= wrong.sum(axis=1, keepdims=True)
    acc = np.where(
        kinds == "good",
        rng.uniform(0.65, 0.97, n_contributors),
        rng.uniform(0.35, 0.65, n_contributors),
    )
    confusion[:] = (1.0 - acc)[:, None, None] * wrong[None]
    confusion[:, idx, idx] = acc[:, None]
    random_w = kinds == "random"
    confusion[random_w] = 1.0 / k
    favourite = rng.integers(0, k, n_contributors)
    constant_w = np.flatnonzero(kinds == "constant")
    confusion[constant_w] = 0.0
    confusion[constant_w, :, favourite[constant_w]] = 1.0
    biased_w = np.flatnonzero(kinds == "biased")
    base = 0.8 * np.eye(k) + 0.2 * uniform_wrong
    confusion[biased_w] = 0.5 * base
    confusion[biased_w, :, favourite[biased_w]] += 0.5

    activity = rng.lognormal(0.0, 1.0, n_contributors)
    activity /= activity.sum()
    workers = rng.choice(n_contributors, size=(n_items, answers_per_item), p=activity)
    while True:  # redraw repeated contributors within an item
        srt = np.sort(workers, axis=1)
        dup_rows = np.flatnonzero((srt[:, 1:] == srt[:, :-1]).any(axis=1))
        if dup_rows.size == 0:
            break
        workers[dup_rows] = rng.choice(
            n_contributors, size=(dup_rows.size, answers_per_item), p=activity
        )
    contributors = workers.reshape(-1).astype(np.int64)
    items = np.repeat(np.arange(n_items, dtype=np.int64), answers_per_item)
    cum = np.cumsum(confusion[contributors, truth[items]], axis=1)
    u = rng.random(contributors.size)[:, None]
    answers = np.minimum((u > cum).sum(axis=1), k - 1).astype(np.int64)
    order = rng.permutation(contributors.size)
    return SyntheticCategorical(
        contributors=contributors[order],
        items=items[order],
        answers=answers[order],
        truth=truth,
        kinds=kinds,
        n_contributors=n_contributors,
        n_items=n_items,
        n_classes=k,
    )
