"""Per-label Dawid-Skene for multi-choice answers."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import encode_multilabel, multilabel_dawid_skene


def check(r, n_items, n_labels, n_contributors):
    assert r.selected.shape == r.probas.shape == (n_items, n_labels)
    assert np.all((r.confidence >= 0) & (r.confidence <= 1))
    assert np.all((r.label_confidence >= 0) & (r.label_confidence <= 1))
    assert r.skills.shape == (n_contributors,)
    assert r.confusion.shape == (n_contributors, n_labels, 2, 2)


def test_encode_multilabel():
    sel, values = encode_multilabel([["b"], ["a", "b"], []])
    assert values.tolist() == ["b", "a"]
    assert sel.astype(int).tolist() == [[1, 0], [1, 1], [0, 0]]
    sel, values = encode_multilabel([["b"]], values=["a", "b", "c"])
    assert sel.astype(int).tolist() == [[0, 1, 0]]
    with pytest.raises(ValueError, match="not one of the options"):
        encode_multilabel([["x"]], values=["a"])


def test_unanimous_and_split():
    answers = [["cat"], ["cat"], ["cat"], ["cat", "dog"], ["cat", "dog"], [], []]
    sel, _ = encode_multilabel(answers, values=["cat", "dog", "bird"])
    contributors = [0, 1, 2, 0, 1, 2, 0]
    items = [0, 0, 0, 1, 1, 1, 2]
    r = multilabel_dawid_skene(contributors, items, sel, n_items=4)
    check(r, 4, 3, 3)
    assert r.selected[0].tolist() == [True, False, False]
    assert r.selected[1].tolist() == [True, True, False]  # 2 of 3 chose dog on item 1
    assert r.selected[2].tolist() == [False, False, False]  # single "nothing" answer
    assert r.confidence[3] == 0 and not r.selected[3].any()  # no answers
    assert r.confidence[0] > 0.5


def test_spammer_is_outvoted():
    rng = np.random.default_rng(1)
    truth = rng.random((40, 3)) < 0.4
    rows, items, sel = [], [], []
    for i in range(40):
        for w in range(4):
            rows.append(w)
            items.append(i)
            sel.append(rng.random(3) < 0.5 if w == 3 else truth[i])
    r = multilabel_dawid_skene(rows, items, np.array(sel))
    check(r, 40, 3, 4)
    assert (r.selected == truth).all()
    assert r.skills[3] < r.skills[:3].min()


def test_deterministic():
    sel = np.array([[1, 0], [0, 1], [1, 1]])
    a = multilabel_dawid_skene([0, 1, 2], [0, 0, 1], sel)
    b = multilabel_dawid_skene([0, 1, 2], [0, 0, 1], sel)
    np.testing.assert_array_equal(a.probas, b.probas)


def test_matches_crowdkit_binary_relevance_vs_crowdkit():
    pd = pytest.importorskip("pandas")
    ck = pytest.importorskip("crowdkit.aggregation")
    rng = np.random.default_rng(7)
    values = ["a", "b", "c", "d"]
    truth = rng.random((60, 4)) < 0.3
    skill = np.array([0.95, 0.9, 0.85, 0.8, 0.6, 0.5])
    rows = []
    for i in range(60):
        for w in rng.choice(6, 4, replace=False):
            flip = rng.random(4) > skill[w]
            chosen = [v for v, t in zip(values, truth[i] ^ flip, strict=True) if t]
            rows.append((int(w), i, chosen))
    sel, _ = encode_multilabel([r[2] for r in rows], values=values)
    r = multilabel_dawid_skene([x[0] for x in rows], [x[1] for x in rows], sel)
    df = pd.DataFrame({"worker": [x[0] for x in rows], "task": [x[1] for x in rows]})
    df["label"] = [x[2] for x in rows]
    theirs = ck.BinaryRelevance(ck.DawidSkene(n_iter=100)).fit_predict(df)
    theirs_sel = np.array([[v in set(theirs[i]) for v in values] for i in range(60)])
    assert (r.selected == theirs_sel).mean() >= 0.99
    assert (r.selected == truth).mean() >= (theirs_sel == truth).mean()
