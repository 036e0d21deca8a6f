"""Box fusion: IoU clustering + weighted box fusion."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import fuse_boxes


def box(x, y, w, h, label="car"):
    return {"x": x, "y": y, "w": w, "h": h, "label": label}


def check(r, n_items):
    assert len(r.answers) == n_items
    assert np.all((r.confidence >= 0) & (r.confidence <= 1))
    for conf, boxes in zip(r.object_confidence, r.answers, strict=True):
        assert conf.shape == (len(boxes),)
        assert np.all((conf >= 0) & (conf <= 1))


def test_unanimous():
    same = [box(10, 10, 20, 20), box(100, 50, 30, 10, "bus")]
    r = fuse_boxes([[(0, same), (1, same), (2, same)]])
    check(r, 1)
    assert r.answers[0] == same
    np.testing.assert_allclose(r.object_confidence[0], 1.0)
    assert r.confidence[0] == 1.0


def test_fusion_averages_and_drops_minority_and_spammer():
    answers = [
        [
            (0, [box(10, 10, 20, 20)]),
            (1, [box(12, 10, 20, 20)]),
            (2, [box(11, 10, 20, 20), box(300, 300, 5, 5)]),  # a stray box nobody else drew
            (3, [box(10, 10, 20, 20, "bus")]),  # same place, wrong label
        ]
    ]
    r = fuse_boxes(answers)
    check(r, 1)
    (fused,) = r.answers[0]
    assert fused["label"] == "car"
    assert fused["x"] == pytest.approx(11) and fused["w"] == pytest.approx(20)
    assert r.support[0][0] == pytest.approx(0.75)
    assert 0.7 < r.object_confidence[0][0] < 0.75
    assert r.confidence[0] < r.object_confidence[0][0] + 0.25


def test_split_keeps_at_half_and_weights_matter():
    answers = [[(0, [box(0, 0, 10, 10)]), (1, [])]]
    assert len(fuse_boxes(answers).answers[0]) == 1  # half the weight: kept by default
    assert fuse_boxes(answers, min_support=0.51).answers[0] == []
    assert fuse_boxes(answers, weights=[1.0, 3.0]).answers[0] == []
    fused = fuse_boxes(
        [[(0, [box(0, 0, 10, 10)]), (1, [box(2, 0, 10, 10)])]], weights=[3.0, 1.0]
    ).answers[0][0]
    assert fused["x"] == pytest.approx(0.5)


def test_one_box_per_contributor_per_cluster():
    # contributor 0 drew two overlapping boxes; they must not both join one cluster
    answers = [[(0, [box(0, 0, 10, 10), box(1, 0, 10, 10)]), (1, [box(0, 0, 10, 10)])]]
    r = fuse_boxes(answers)
    assert len(r.answers[0]) == 2
    assert sorted(r.support[0].tolist()) == [0.5, 1.0]


def test_single_empty_and_nothing():
    r = fuse_boxes([[(0, [box(1, 2, 3, 4)])], [], [(0, []), (1, [])]])
    check(r, 3)
    assert r.answers[0] == [box(1, 2, 3, 4)]
    assert r.answers[1] == [] and r.confidence[1] == 0
    assert r.answers[2] == [] and r.confidence[2] == 1


def test_deterministic():
    answers = [[(0, [box(0, 0, 10, 10)]), (1, [box(2, 1, 10, 9)]), (2, [box(50, 0, 3, 3)])]]
    assert fuse_boxes(answers).answers == fuse_boxes(answers).answers
