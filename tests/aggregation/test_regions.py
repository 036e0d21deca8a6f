"""Time-region aggregation by interval voting."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import vote_regions


def region(start, end, label="speech", text=None):
    out = {"start": start, "end": end, "label": label}
    if text is not None:
        out["text"] = text
    return out


def check(r):
    assert np.all((r.confidence >= 0) & (r.confidence <= 1))
    for conf, regions in zip(r.object_confidence, r.answers, strict=True):
        assert conf.shape == (len(regions),)
        assert np.all((conf > 0) & (conf <= 1))


def test_unanimous():
    same = [region(0.0, 1.5), region(2.0, 3.0, "music")]
    r = vote_regions([[(0, same), (1, same), (2, same)]])
    check(r)
    assert r.answers[0] == same
    assert r.confidence[0] == 1.0


def test_majority_boundaries_and_text():
    answers = [
        [
            (0, [region(0.0, 2.0, text="hello there")]),
            (1, [region(0.5, 2.5, text="hello")]),
            (2, [region(1.0, 3.0, text="hi there"), region(5.0, 6.0)]),  # plus a stray region
        ]
    ]
    r = vote_regions(answers)
    check(r)
    assert r.answers[0] == [region(0.5, 2.5, text="hello")]  # closest answer region: exact
    assert r.object_confidence[0][0] == pytest.approx((0.5 * 2 / 3 + 1.0 + 0.5 * 2 / 3) / 2)


def test_overlapping_regions_of_one_contributor_count_once():
    answers = [[(0, [region(0, 2), region(1, 3)]), (1, []), (2, [])]]
    assert vote_regions(answers).answers[0] == []


def test_adjacent_segments_merge_and_weights():
    answers = [[(0, [region(0, 1), region(1, 2)]), (1, [region(0, 2)])]]
    r = vote_regions(answers, threshold=0.4)
    assert r.answers[0] == [region(0, 2)]
    answers = [[(0, [region(0, 1)]), (1, [])]]
    assert vote_regions(answers).answers[0] == []
    assert vote_regions(answers, weights=[2.0, 1.0]).answers[0] == [region(0, 1)]


def test_single_empty_nothing():
    r = vote_regions([[(3, [region(1, 2)])], [], [(0, [])]])
    check(r)
    assert r.answers == [[region(1, 2)], [], []]
    assert r.confidence.tolist() == [1.0, 0.0, 1.0]
