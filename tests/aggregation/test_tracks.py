"""Track aggregation: cross-contributor matching and keyframe-wise fusion."""

from __future__ import annotations

import numpy as np
import pytest

from labelpool.aggregation import fuse_tracks


def track(frames, dx=0.0, label="car"):
    return {
        "label": label,
        "keyframes": [
            {"frame": f, "x": 10.0 * k + dx, "y": 5.0, "w": 20.0, "h": 10.0}
            for k, f in enumerate(frames)
        ],
    }


def check(r):
    assert np.all((r.confidence >= 0) & (r.confidence <= 1))
    for conf, tracks in zip(r.object_confidence, r.answers, strict=True):
        assert conf.shape == (len(tracks),)
        assert np.all((conf >= 0) & (conf <= 1))


def test_unanimous():
    same = [track([0, 10, 20])]
    r = fuse_tracks([[(0, same), (1, same), (2, same)]])
    check(r)
    assert r.answers[0] == same
    assert r.object_confidence[0][0] == pytest.approx(1.0)


def test_keyframe_union_and_weighted_fusion():
    a = track([0, 10, 20])
    b = track([0, 20], dx=2.0)  # keyframes 0 and 20 only; frame 10 is interpolated
    r = fuse_tracks([[(0, [a]), (1, [b])]], weights=[1.0, 1.0])
    check(r)
    (fused,) = r.answers[0]
    assert [k["frame"] for k in fused["keyframes"]] == [0, 10, 20]
    assert fused["keyframes"][0]["x"] == pytest.approx(1.0)
    # b at frame 10 is interpolated: x = (2 + 12) / 2 = 7; a has x = 10 → fused 8.5
    assert fused["keyframes"][1]["x"] == pytest.approx(8.5)


def test_minority_and_wrong_label_are_dropped():
    answers = [
        [
            (0, [track([0, 10])]),
            (1, [track([0, 10], dx=1.0)]),
            (2, [track([0, 10], label="bus"), track([50, 60], dx=300.0)]),
        ]
    ]
    r = fuse_tracks(answers)
    check(r)
    assert len(r.answers[0]) == 1 and r.answers[0][0]["label"] == "car"
    assert r.support[0][0] == pytest.approx(2 / 3)
    assert r.confidence[0] < 1


def test_frames_seen_by_a_minority_are_cut():
    long = track([0, 10, 20, 30])
    short = track([0, 10])
    r = fuse_tracks([[(0, [long]), (1, [short]), (2, [short])]])
    frames = [k["frame"] for k in r.answers[0][0]["keyframes"]]
    assert frames == [0, 10]


def test_single_empty_and_deterministic():
    one = [track([3, 4])]
    r = fuse_tracks([[(0, one)], [], [(0, []), (1, [])]])
    check(r)
    assert r.answers == [one, [], []]
    assert r.confidence.tolist() == [pytest.approx(1.0), 0.0, 1.0]
    answers = [[(0, [track([0, 5])]), (1, [track([0, 5], dx=3.0)])]]
    assert fuse_tracks(answers).answers == fuse_tracks(answers).answers
