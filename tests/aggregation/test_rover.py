"""ROVER: hand-checked cases and the CrowdWSA T1 set against Crowd-Kit's ROVER."""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pytest

from labelpool.aggregation import encode, rover
from labelpool.aggregation.rover import edit_distance, word_error_rate

from .conftest import DATASETS


def test_unanimous():
    r = rover([[(0, "a cat sat"), (1, "a cat sat"), (2, "a cat sat")]])
    assert r.texts == ["a cat sat"]
    assert r.confidence[0] == 1.0


def test_majority_per_slot():
    answers = [[(0, "the cat sat"), (1, "the dog sat"), (2, "the cat sat down"), (3, "a cat sat")]]
    r = rover(answers, select="network")
    assert r.texts == ["the cat sat"]
    assert 0 < r.confidence[0] < 1


def test_outlier_is_outvoted():
    answers = [[(0, "hello world"), (1, "hello world"), (2, "spam spam spam spam")]]
    for select in ("network", "closest"):
        assert rover(answers, select=select).texts == ["hello world"]


def test_single_answer_and_empty():
    r = rover([[(0, "just one")], [], [(1, "")]])
    assert r.texts == ["just one", None, ""]
    assert r.confidence.tolist() == [1.0, 0.0, 1.0]


def test_weights_decide():
    answers = [[(0, "red car"), (1, "blue car"), (2, "blue car")]]
    assert rover(answers, select="network").texts == ["blue car"]
    assert rover(answers, weights=[5.0, 1.0, 1.0], select="network").texts == ["red car"]


def test_deterministic_and_confidence_range():
    answers = [[(0, "a b c d"), (1, "a x c"), (2, "b c d e")], [(0, "z"), (2, "y z")]]
    a, b = rover(answers), rover(answers)
    assert a.texts == b.texts
    assert np.all((a.confidence >= 0) & (a.confidence <= 1))


def test_edit_distance():
    assert edit_distance(["a", "b", "c"], ["a", "c", "d"]) == 2
    assert word_error_rate([], ["a", "b"]) == 1.0


# --- CrowdWSA2019 T1 against Crowd-Kit -----------------------------------------------------------


def _tokenize(text: str) -> list[str]:
    """Lower-case words and punctuation marks (the gold is lower-cased and tokenised this way)."""
    return re.findall(r"\w+|[^\w\s]", text.lower())


def _detokenize(tokens: list[str]) -> str:
    return " ".join(tokens)


def test_crowdwsa_wer_vs_crowdkit():
    pd = pytest.importorskip("pandas")
    ck = pytest.importorskip("crowdkit.aggregation")
    folder = DATASETS / "crowdwsa_t1"
    if not folder.is_dir():
        pytest.skip("shared text dataset not available")
    df = pd.read_csv(folder / "labels.csv", keep_default_na=False)
    gold = pd.read_csv(folder / "gold.csv", keep_default_na=False).set_index("task")["text"]
    workers, _ = encode(df["worker"].to_numpy())
    tasks, task_names = encode(df["task"].to_numpy())
    answers: list[list[tuple[int, str]]] = [[] for _ in task_names]
    for w, t, text in zip(workers, tasks, df["text"], strict=True):
        answers[t].append((int(w), text))

    def wer(texts: dict[Any, str | None]) -> float:
        errors = 0
        for k in gold.index:
            text = texts[k]
            assert text is not None, f"task {k} has no text"
            errors += edit_distance(_tokenize(text), _tokenize(gold[k]))
        return errors / sum(len(_tokenize(gold[k])) for k in gold.index)

    theirs = ck.ROVER(_tokenize, _detokenize).fit_predict(df).to_dict()
    network = rover(answers, tokenizer=_tokenize, detokenizer=_detokenize, select="network")
    ours = rover(answers, tokenizer=_tokenize, detokenizer=_detokenize)
    ck_wer = wer(theirs)
    network_wer = wer(dict(zip(task_names.tolist(), network.texts, strict=True)))
    ours_wer = wer(dict(zip(task_names.tolist(), ours.texts, strict=True)))
    print(f"WER crowd-kit {ck_wer:.4f}, network {network_wer:.4f}, default {ours_wer:.4f}")
    # select="network" is Crowd-Kit's algorithm: the same text for every task
    assert all(network.texts[i] == theirs[k] for i, k in enumerate(task_names.tolist()))
    assert ours_wer <= ck_wer
