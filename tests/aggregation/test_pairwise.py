"""Bradley-Terry and noisy Bradley-Terry: hand-checked cases and the music set vs Crowd-Kit."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import bradley_terry, encode, noisy_bradley_terry

from .conftest import DATASETS

METHODS = [bradley_terry, noisy_bradley_terry]
IDS = ["bt", "nbt"]


def check(r, n_items):
    assert r.scores.shape == (n_items,)
    assert sorted(r.ranking.tolist()) == list(range(n_items))
    assert np.all((r.confidence >= 0) & (r.confidence <= 1))
    assert np.all(np.isfinite(r.scores))


@pytest.mark.parametrize("method", METHODS, ids=IDS)
def test_unanimous_chain(method):
    # 0 > 1 > 2 > 3, every pair compared by three contributors who agree
    pairs = [(a, b) for a in range(4) for b in range(a + 1, 4)]
    c, left, right, win = [], [], [], []
    for w in range(3):
        for a, b in pairs:
            c.append(w)
            left.append(b if w % 2 else a)  # alternate sides
            right.append(a if w % 2 else b)
            win.append(a)
    r = method(c, left, right, win)
    check(r, 4)
    assert r.ranking.tolist() == [0, 1, 2, 3]
    assert abs(r.scores.mean()) < 1e-9


@pytest.mark.parametrize("method", METHODS, ids=IDS)
def test_split_is_even(method):
    r = method([0, 1], [0, 0], [1, 1], [0, 1])
    check(r, 2)
    assert r.scores[0] == pytest.approx(r.scores[1], abs=1e-6)


def test_tie_counts_half():
    r = bradley_terry([0, 1], [0, 0], [1, 1], [-1, -1])
    assert r.scores[0] == pytest.approx(r.scores[1], abs=1e-9)


def test_unbeaten_item_stays_finite_and_single_answer():
    r = bradley_terry([0], [0], [1], [1])
    check(r, 2)
    assert r.ranking.tolist() == [1, 0]
    assert 0 < r.confidence[0] < 1


def test_never_compared_item_has_zero_confidence():
    r = bradley_terry([0, 0], [0, 1], [1, 0], [0, 0], n_items=3)
    check(r, 3)
    assert r.confidence[2] == 0
    assert r.scores[0] > r.scores[2] > r.scores[1]


def test_noisy_bt_spots_a_left_clicker():
    rng = np.random.default_rng(0)
    strength = np.linspace(2, -2, 8)
    c, left, right, win = [], [], [], []
    for w in range(6):
        for _ in range(60):
            a, b = rng.choice(8, 2, replace=False)
            c.append(w)
            left.append(a)
            right.append(b)
            if w == 5:  # spammer: always picks the left item
                win.append(a)
            else:
                p = 1 / (1 + np.exp(strength[b] - strength[a]))
                win.append(a if rng.random() < p else b)
    r = noisy_bradley_terry(c, left, right, win)
    check(r, 8)
    assert r.skills is not None and r.biases is not None
    assert r.skills[5] < r.skills[:5].min()
    assert r.biases[5] > 0.8
    from scipy.stats import spearmanr

    assert spearmanr(r.scores, strength).statistic > 0.9


def test_weights_silence_a_contributor():
    # contributor 1 disagrees; with weight 0 only contributor 0 counts
    r = bradley_terry([0, 1, 1], [0, 0, 0], [1, 1, 1], [0, 1, 1], weights=[1.0, 0.0])
    assert r.ranking.tolist() == [0, 1]


def test_deterministic():
    args = ([0, 1, 2, 0], [0, 1, 2, 2], [1, 2, 0, 1], [0, 1, 2, 1])
    a, b = noisy_bradley_terry(*args), noisy_bradley_terry(*args)
    np.testing.assert_array_equal(a.scores, b.scores)


def test_bad_input():
    with pytest.raises(ValueError, match="winner"):
        bradley_terry([0], [0], [1], [2])
    with pytest.raises(ValueError, match="length"):
        bradley_terry([0, 1], [0], [1], [0])
    r = bradley_terry([], [], [], [])
    assert r.scores.size == 0


# --- the music-similarity set against Crowd-Kit --------------------------------------------------


def _music():
    pd = pytest.importorskip("pandas")
    folder = DATASETS / "music_sim_pairwise"
    if not folder.is_dir():
        pytest.skip("shared pairwise dataset not available")
    df = pd.read_csv(folder / "labels.csv")
    gold = pd.read_csv(folder / "gold.csv").set_index("item")["score"]
    items = np.unique(np.concatenate([df["left"], df["right"]]))
    code = {k: i for i, k in enumerate(items)}
    coded = [df[col].map(code).to_numpy() for col in ("left", "right", "label")]
    workers, _ = encode(df["worker"].to_numpy())
    return df, gold, items, workers, coded


def _per_query(scores, items, gold):
    """Mean per-query Spearman and Kendall with the gold order (comparisons are per query)."""
    from scipy import stats

    query = np.array([i.split("|")[0] for i in items])
    g = gold.reindex(items).to_numpy()
    rho, tau = [], []
    for q in np.unique(query):
        m = query == q
        if np.unique(g[m]).size < 2:
            continue
        rho.append(stats.spearmanr(scores[m], g[m]).statistic)
        tau.append(stats.kendalltau(scores[m], g[m]).statistic)
    return float(np.mean(rho)), float(np.mean(tau))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [(bradley_terry, "BradleyTerry"), (noisy_bradley_terry, "NoisyBradleyTerry")],
    ids=IDS,
)
def test_music_rank_correlation_vs_crowdkit(ours, theirs):
    ck = pytest.importorskip("crowdkit.aggregation")
    df, gold, items, workers, (left, right, win) = _music()
    r = ours(workers, left, right, win)
    model = ck.BradleyTerry(n_iter=100) if theirs == "BradleyTerry" else ck.NoisyBradleyTerry()
    ck_scores = model.fit_predict(df).reindex(items).to_numpy()
    rho, tau = _per_query(r.scores, items, gold)
    ck_rho, ck_tau = _per_query(ck_scores, items, gold)
    print(f"{theirs}: ours rho={rho:.4f} tau={tau:.4f}; crowd-kit {ck_rho:.4f} {ck_tau:.4f}")
    assert rho >= ck_rho
    assert tau >= ck_tau
