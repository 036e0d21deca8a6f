"""Hand-checked small cases for every categorical method."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import (
    dawid_skene,
    encode,
    glad,
    mace,
    majority_vote,
    one_coin_dawid_skene,
    wawa,
)

ALL = [majority_vote, wawa, dawid_skene, one_coin_dawid_skene, glad, mace]
IDS = [f.__name__ for f in ALL]


def check_result(r, n_items, n_classes, n_contributors):
    assert r.labels.shape == (n_items,)
    assert r.probas.shape == (n_items, n_classes)
    assert r.confidence.shape == (n_items,)
    assert np.all((r.confidence >= 0) & (r.confidence <= 1))
    answered = r.labels >= 0
    np.testing.assert_allclose(r.probas[answered].sum(axis=1), 1.0, atol=1e-9)
    np.testing.assert_allclose(r.confidence[answered], r.probas[answered].max(axis=1))
    assert r.skills.shape == (n_contributors,)


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_unanimous(method):
    # 3 contributors agree on every item
    items = np.repeat(np.arange(4), 3)
    contributors = np.tile(np.arange(3), 4)
    answers = np.repeat([0, 1, 2, 1], 3)
    r = method(contributors, items, answers)
    check_result(r, 4, 3, 3)
    assert r.labels.tolist() == [0, 1, 2, 1]
    assert np.all(r.confidence > 0.5)


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_clear_majority_beats_single_dissent(method):
    # 5 reliable contributors; each item has one dissenting answer from a rotating contributor
    truth = np.array([0, 1, 0, 1, 0, 1, 0, 1, 1, 0])
    rows = []
    for item, y in enumerate(truth):
        for w in range(5):
            rows.append((w, item, 1 - y if w == item % 5 else y))
    c, i, a = map(np.array, zip(*rows, strict=True))
    r = method(c, i, a)
    check_result(r, 10, 2, 5)
    assert r.labels.tolist() == truth.tolist()


def test_split_vote_is_tie_with_half_confidence():
    r = majority_vote([0, 1], [0, 0], [1, 0])
    assert r.labels.tolist() == [0]  # ties go to the lowest code
    assert r.confidence.tolist() == [0.5]
    r = majority_vote([0, 1, 2, 3], [0, 0, 0, 0], [2, 2, 1, 1], n_classes=3)
    np.testing.assert_allclose(r.probas[0], [0.0, 0.5, 0.5])
    assert r.labels.tolist() == [1]


def _spammer_data(seed=0, n_items=200):
    """4 good contributors (90% right) and one spammer who always answers 1; each item gets
    the spammer plus two good contributors, so the spammer can tip a split pair."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 2, n_items)
    rows = []
    for item, y in enumerate(truth):
        for w in rng.choice(4, size=2, replace=False):
            rows.append((int(w), item, int(y if rng.random() < 0.9 else 1 - y)))
        rows.append((4, item, 1))
    c, i, a = map(np.array, zip(*rows, strict=True))
    return c, i, a, truth


@pytest.mark.parametrize(
    "method", [dawid_skene, one_coin_dawid_skene, glad, mace, wawa], ids=lambda f: f.__name__
)
def test_spammer_gets_low_skill_and_is_outvoted(method):
    c, i, a, truth = _spammer_data()
    r = method(c, i, a)
    check_result(r, len(truth), 2, 5)
    good = np.nanmin(r.skills[:4])
    assert r.skills[4] < good
    mv = majority_vote(c, i, a)
    # when the two good answers split, nothing but priors can decide, so no method can be much
    # better than the majority vote; none may be much worse
    assert (r.labels == truth).mean() >= (mv.labels == truth).mean() - 0.05
    assert (r.labels == truth).mean() > 0.85


def test_dawid_skene_confusion_of_constant_spammer():
    c, i, a, _ = _spammer_data()
    r = dawid_skene(c, i, a)
    assert r.confusion is not None, "Dawid-Skene estimates a confusion matrix per contributor"
    cm = r.confusion[4]  # [true, answer]
    np.testing.assert_allclose(cm.sum(axis=1), 1.0)
    assert cm[0, 1] > 0.99 and cm[1, 1] > 0.99  # always answers 1 whatever the truth
    assert r.confusion[0, 0, 0] > 0.7 and r.confusion[0, 1, 1] > 0.7


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_single_answer_per_item(method):
    c = np.array([0, 1, 2, 0, 1])
    i = np.arange(5)
    a = np.array([2, 0, 1, 1, 2])
    r = method(c, i, a)
    check_result(r, 5, 3, 3)
    if method in (majority_vote, wawa):
        assert r.labels.tolist() == a.tolist()
        assert r.confidence.tolist() == [1.0] * 5
    assert set(r.labels.tolist()) <= {0, 1, 2}


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_class_nobody_chose_and_unanswered_item(method):
    # classes 0..3 declared, nobody answers 3; item 4 declared but never answered
    c = np.array([0, 1, 2, 0, 1, 2, 0, 1, 2])
    i = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    a = np.array([0, 0, 1, 1, 1, 1, 2, 2, 0])
    r = method(c, i, a, n_classes=4, n_items=5, n_contributors=4)
    check_result(r, 5, 4, 4)
    assert 3 not in r.labels.tolist()
    assert np.all(r.probas[:4, 3] < 0.01)
    assert r.labels[4] == -1 and r.labels[3] == -1
    assert r.confidence[4] == 0 and np.all(r.probas[4] == 0)
    assert np.isnan(r.skills[3])  # contributor 3 never answered
    assert r.labels[:3].tolist() == [0, 1, 2]


def test_mace_is_deterministic_given_seed_and_depends_on_it():
    c, i, a, _ = _spammer_data(seed=3)
    r1 = mace(c, i, a, seed=7)
    r2 = mace(c, i, a, seed=7)
    r3 = mace(c, i, a, seed=8)
    np.testing.assert_array_equal(r1.probas, r2.probas)
    np.testing.assert_array_equal(r1.skills, r2.skills)
    assert not np.array_equal(r1.extra["spam"], r3.extra["spam"])


@pytest.mark.parametrize("method", ALL, ids=IDS)
def test_deterministic(method):
    c, i, a, _ = _spammer_data(seed=5)
    r1, r2 = method(c, i, a), method(c, i, a)
    np.testing.assert_array_equal(r1.probas, r2.probas)


def test_bad_inputs():
    with pytest.raises(ValueError, match="differ in length"):
        majority_vote([0, 1], [0], [0, 1])
    with pytest.raises(ValueError, match="non-negative"):
        dawid_skene([0, -1], [0, 0], [0, 1])
    with pytest.raises(ValueError, match="no answers"):
        dawid_skene([], [], [])
    with pytest.raises(ValueError, match="integer codes"):
        majority_vote(["a"], [0], [0])
    with pytest.raises(ValueError, match="n_classes=1"):
        majority_vote([0, 1], [0, 0], [0, 1], n_classes=1)


def test_encode_orders():
    codes, uniques = encode(["b", "a", "b", "c"])
    assert codes.tolist() == [0, 1, 0, 2] and uniques.tolist() == ["b", "a", "c"]
    codes, uniques = encode(["b", "a", "b", "c"], order="sorted")
    assert codes.tolist() == [1, 0, 1, 2] and uniques.tolist() == ["a", "b", "c"]
