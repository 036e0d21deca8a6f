"""Accuracy against Crowd-Kit 1.4.2 on the shared real datasets (Crowd-Kit is run live).

Labels are coded in first-appearance order, which is also Crowd-Kit's column order, so ties are
broken identically. Crowd-Kit's GLAD, MACE and one-coin DS are slow (GLAD: 11-160 s per dataset,
one-coin DS on s_rel: 80 s), so those comparisons run on the smaller sets only; the numbers for
the others were measured once and are recorded in docs/aggregation.md.
"""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import (
    dawid_skene,
    glad,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    wawa,
)

from .conftest import CATEGORICAL, load

ck = pytest.importorskip("crowdkit.aggregation")

pytestmark = pytest.mark.usefixtures("datasets_dir")


def _compare(name, ours_fn, ck_model, **kwargs):
    d = load(name)
    ours = ours_fn(d.workers, d.tasks, d.labels, **kwargs)
    theirs = ck_model.fit_predict(d.df)
    ours_series_values = d.classes[ours.labels]
    theirs_values = theirs.reindex(d.task_names).to_numpy()
    agree = float((ours_series_values == theirs_values).mean())
    return d.accuracy(ours.labels), d.accuracy_of_series(theirs), agree, ours


@pytest.mark.parametrize("name", CATEGORICAL)
def test_majority_vote_matches_crowdkit(name):
    acc, ck_acc, agree, _ = _compare(name, majority_vote, ck.MajorityVote())
    assert acc >= ck_acc
    assert agree == 1.0


@pytest.mark.parametrize("name", CATEGORICAL)
def test_wawa_matches_crowdkit(name):
    acc, ck_acc, agree, _ = _compare(name, wawa, ck.Wawa())
    assert acc >= ck_acc
    assert agree >= 0.9999  # weighted sums: one exact float tie on s_rel may differ


@pytest.mark.parametrize("name", CATEGORICAL)
def test_dawid_skene_matches_crowdkit(name):
    acc, ck_acc, agree, _ = _compare(name, dawid_skene, ck.DawidSkene(n_iter=100))
    assert acc >= ck_acc
    assert agree >= 0.995
    assert acc > load(name).accuracy(majority_vote(*_codes(name)).labels) - 0.01


def _codes(name):
    d = load(name)
    return d.workers, d.tasks, d.labels


@pytest.mark.parametrize("name", ["d_possent", "d_product", "dog", "rte"])
def test_one_coin_matches_crowdkit(name):
    acc, ck_acc, agree, _ = _compare(name, one_coin_dawid_skene, ck.OneCoinDawidSkene(n_iter=100))
    assert acc >= ck_acc
    assert agree >= 0.995


def test_glad_matches_crowdkit_on_dog():
    acc, ck_acc, agree, _ = _compare("dog", glad, ck.GLAD())
    assert acc >= ck_acc
    assert agree >= 0.99


def _accuracy_in_row_order(name: str, seed: int) -> tuple[float, float]:
    """GLAD's accuracy (ours, Crowd-Kit's) with the rows of ``name`` shuffled by ``seed``."""
    pd = pytest.importorskip("pandas")
    d = load(name)
    df = d.df.sample(frac=1.0, random_state=seed) if seed else d.df
    theirs = ck.GLAD().fit_predict(df)
    workers, _ = pd.factorize(df["worker"])
    tasks, task_names = pd.factorize(df["task"])
    labels = pd.Categorical(df["label"], categories=d.classes).codes
    ours = glad(workers, tasks, labels)
    ours_series = pd.Series(d.classes[ours.labels], index=task_names)
    return d.accuracy_of_series(ours_series), d.accuracy_of_series(theirs)


def test_glad_vs_crowdkit_over_row_orders():
    # GLAD is deterministic for a given input, but its M-step (25 conjugate-gradient steps with a
    # loose tolerance) amplifies rounding, so the result depends on the order of the input rows,
    # in Crowd-Kit as here. On rte a near-tie item flips: over 8 row orders Crowd-Kit scored
    # 0.92625 four times and 0.925 four times, labelpool 0.92625 five times and 0.925 three times
    # (docs/aggregation.md). So compare as for a stochastic method: the mean over the same row
    # orders, within 0.5 percentage points, and never more than one item apart.
    results = [_accuracy_in_row_order("rte", seed) for seed in (0, 1, 2)]
    ours = [r[0] for r in results]
    theirs = [r[1] for r in results]
    assert np.mean(ours) >= np.mean(theirs) - 0.005
    assert max(abs(a - b) for a, b in results) <= 1 / 800 + 1e-12
    assert len(set(theirs)) > 1  # Crowd-Kit's own result changes with the row order


@pytest.mark.parametrize("name", ["d_possent", "d_product", "dog", "rte"])
def test_mace_vs_crowdkit(name):
    # Crowd-Kit re-seeds every restart with the same random_state, so its 10 restarts are 10 copies
    # of one run: n_restarts=1 gives the same answer ten times faster. s_rel is left out for time
    # (Crowd-Kit: 0.5009 in 15 s; ours: 0.6287).
    acc, ck_acc, _, ours = _compare(name, mace, ck.MACE(n_restarts=1), seed=0)
    assert acc >= ck_acc - 0.005  # stochastic method: within 0.5 percentage points
    assert np.all((ours.confidence >= 0) & (ours.confidence <= 1))
