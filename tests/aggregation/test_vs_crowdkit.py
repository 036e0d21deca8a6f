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


@pytest.mark.parametrize("name", ["dog", "rte"])
def test_glad_vs_crowdkit(name):
    # GLAD is deterministic, but its M-step is a numerical optimisation whose path diverges from
    # Crowd-Kit's in the last digits after a few EM steps (pandas vs NumPy summation order), and the
    # stopping iteration can then differ by one or two. Measured: equal on d_possent (0.9480),
    # dog (0.8340), s_rel (0.5646), better on d_product (0.9286 vs 0.9282), one item worse on rte
    # (0.9250 vs 0.9263). Allow that one item (0.2 pp) here.
    acc, ck_acc, agree, _ = _compare(name, glad, ck.GLAD())
    assert acc >= ck_acc - 0.002
    assert agree >= 0.99


@pytest.mark.parametrize("name", ["d_possent", "d_product", "dog", "rte"])
def test_mace_vs_crowdkit(name):
    # Crowd-Kit re-seeds every restart with the same random_state, so its 10 restarts are 10 copies
    # of one run: n_restarts=1 gives the same answer ten times faster. s_rel is left out for time
    # (Crowd-Kit: 0.5009 in 15 s; ours: 0.6287).
    acc, ck_acc, _, ours = _compare(name, mace, ck.MACE(n_restarts=1), seed=0)
    assert acc >= ck_acc - 0.005  # stochastic method: within 0.5 percentage points
    assert np.all((ours.confidence >= 0) & (ours.confidence <= 1))
