"""Span aggregation by token / character voting."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import vote_spans

TEXT = "Ann met Bob in New York today"
#       0123456789012345678901234567


def span(start, end, label="PER"):
    return {"start": start, "end": end, "label": label}


def check(r):
    assert np.all((r.confidence >= 0) & (r.confidence <= 1))
    for conf, spans in zip(r.object_confidence, r.answers, strict=True):
        assert conf.shape == (len(spans),)
        assert np.all((conf > 0) & (conf <= 1))


def test_unanimous_tokens():
    same = [span(0, 3), span(8, 11), span(15, 23, "LOC")]
    r = vote_spans([[(0, same), (1, same), (2, same)]], texts=[TEXT])
    check(r)
    assert r.answers[0] == same
    assert r.confidence[0] == 1.0


def test_token_majority_snaps_to_tokens():
    answers = [
        [
            (0, [span(15, 23, "LOC")]),  # New York
            (1, [span(16, 23, "LOC")]),  # ew York: still covers the token "New"
            (2, [span(19, 23, "LOC"), span(0, 3)]),  # York only, plus a lone PER
        ]
    ]
    r = vote_spans(answers, texts=[TEXT])
    check(r)
    assert r.answers[0] == [span(15, 23, "LOC")]
    assert r.object_confidence[0][0] == pytest.approx((2 / 3 + 1) / 2)


def test_character_level_without_text():
    answers = [[(0, [span(0, 5)]), (1, [span(2, 7)]), (2, [span(3, 6)])]]
    r = vote_spans(answers)
    check(r)
    assert r.answers[0] == [span(2, 6)]


def test_split_drops_and_weights_decide():
    answers = [[(0, [span(0, 3)]), (1, [])]]
    assert vote_spans(answers, texts=[TEXT]).answers[0] == []  # 1 of 2 is no majority
    assert vote_spans(answers, texts=[TEXT], weights=[2.0, 1.0]).answers[0] == [span(0, 3)]


def test_conflicting_labels_keep_the_stronger():
    answers = [[(0, [span(0, 3)]), (1, [span(0, 3)]), (2, [span(0, 3, "LOC")])]]
    r = vote_spans(answers, threshold=0.3)
    assert r.answers[0] == [span(0, 3)]
    r = vote_spans(answers, threshold=0.3, allow_overlap=True)
    assert r.answers[0] == [span(0, 3, "LOC"), span(0, 3)]  # (start, end, label) order


def test_single_empty_nothing_and_determinism():
    r = vote_spans([[(0, [span(4, 7)])], [], [(0, []), (1, [])]], texts=[TEXT, None, TEXT])
    check(r)
    assert r.answers == [[span(4, 7)], [], []]
    assert r.confidence.tolist() == [1.0, 0.0, 1.0]
    assert vote_spans([[(0, [span(4, 7)])]]).answers == [[span(4, 7)]]
