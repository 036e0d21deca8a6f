"""Demo video: short clips of moving shapes encoded with PyAV, with each object's track as
keyframes."""

from __future__ import annotations

import itertools
import os
import random
import tempfile
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from PIL import Image, ImageDraw

from labelpool.demo.images import SCENES, gradient

Box = dict[str, Any]


VideoFormat = Literal["webm", "mp4"]
VIDEO_LABELS = ("car", "ball", "bird")


@dataclass(frozen=True)
class DemoVideo:
    filename: str
    content_type: str
    data: bytes
    width: int
    height: int
    fps: int
    frame_count: int
    action: str  # the clip's main action, e.g. "car driving"
    tracks: list[dict[str, Any]]  # {"label", "keyframes": [{"frame", "x", "y", "w", "h"}]}
    events: list[dict[str, Any]] = field(default_factory=list)  # {"start","end","label"}, seconds

    def box_at(self, label: str, frame: int) -> dict[str, int] | None:
        """The ground-truth box of the first track with `label` at `frame` (linear in between)."""
        for track in self.tracks:
            if track["label"] == label:
                return _interpolate(track["keyframes"], frame)
        return None


def _interpolate(keyframes: list[dict[str, int]], frame: int) -> dict[str, int] | None:
    if not keyframes or frame < keyframes[0]["frame"] or frame > keyframes[-1]["frame"]:
        return None
    for a, b in itertools.pairwise(keyframes):
        if a["frame"] <= frame <= b["frame"]:
            span = b["frame"] - a["frame"]
            t = 0.0 if span == 0 else (frame - a["frame"]) / span
            return {k: round(a[k] + (b[k] - a[k]) * t) for k in ("x", "y", "w", "h")} | {
                "frame": frame
            }
    return dict(keyframes[-1])


def _track(label: str, waypoints: list[tuple[int, float, float]], w: int, h: int) -> dict[str, Any]:
    return {
        "label": label,
        "keyframes": [
            {"frame": f, "x": round(x), "y": round(y), "w": w, "h": h} for f, x, y in waypoints
        ],
    }


def _scenario(
    index: int, rng: random.Random, frames: int, width: int, height: int
) -> tuple[str, list[dict[str, Any]]]:
    last = frames - 1
    ground = int(height * 0.78)
    kind = index % 3
    tracks: list[dict[str, Any]] = []
    car_w, car_h = 70, 34
    if kind in (0, 2):
        y = ground - car_h + rng.randint(-4, 4)
        if rng.random() < 0.5 or kind == 2:
            start, end = rng.uniform(0, 20), rng.uniform(width - car_w - 20, width - car_w)
        else:
            start, end = rng.uniform(width - car_w - 20, width - car_w), rng.uniform(0, 20)
        tracks.append(_track("car", [(0, start, y), (last, end, y)], car_w, car_h))
    if kind in (0, 1):
        size = 26
        x0 = rng.uniform(30, width / 2)
        x1 = rng.uniform(width / 2, width - size - 10)
        floor = ground - size + 10
        top = rng.uniform(30, 80)
        bounces = [0, last // 3, 2 * last // 3, last]
        waypoints: list[tuple[int, float, float]] = []
        for i, f in enumerate(bounces):
            x = x0 + (x1 - x0) * f / last
            waypoints.append((f, x, top if i % 2 == 0 else floor))
        tracks.append(_track("ball", waypoints, size, size))
    if kind in (1, 2):
        bw, bh = 30, 16
        y0, y1 = rng.uniform(20, 50), rng.uniform(30, 70)
        mid = last // 2
        tracks.append(
            _track(
                "bird",
                [(0, width - bw - 5, y0), (mid, width / 2, y1 - 15), (last, 5, y1)],
                bw,
                bh,
            )
        )
    action = {0: "car driving", 1: "ball bouncing", 2: "bird flying"}[kind]
    return action, tracks


def _draw_frame(background: Image.Image, tracks: list[dict[str, Any]], frame: int) -> Image.Image:
    image = background.copy()
    d = ImageDraw.Draw(image)
    for track in tracks:
        box = _interpolate(track["keyframes"], frame)
        if box is None:
            continue
        x, y, w, h = box["x"], box["y"], box["w"], box["h"]
        if track["label"] == "car":
            d.rectangle((x, y, x + w - 1, y + h * 0.7), fill=(210, 30, 35))
            d.rectangle((x + w * 0.25, y - 0, x + w * 0.75, y + h * 0.3), fill=(170, 20, 30))
            for wx in (x + w * 0.22, x + w * 0.78):
                r = h * 0.3
                d.ellipse((wx - r, y + h - 2 * r, wx + r, y + h - 1), fill=(25, 25, 25))
        elif track["label"] == "ball":
            d.ellipse((x, y, x + w - 1, y + h - 1), fill=(40, 90, 220), outline=(20, 40, 120))
        else:
            d.line((x, y, x + w / 2, y + h - 1, x + w - 1, y), fill=(30, 30, 30), width=4)
    return image


def demo_video(
    index: int,
    seed: int = 0,
    *,
    fmt: VideoFormat = "webm",
    width: int = 320,
    height: int = 240,
    fps: int = 12,
    seconds: float = 3.0,
) -> DemoVideo:
    """One clip of moving shapes with tracks; WebM (VP9) or MP4 (H.264, `faststart`)."""
    import av

    rng = random.Random(seed * 7_919 + index)
    frames = round(fps * seconds)
    action, tracks = _scenario(index, rng, frames, width, height)
    palette = SCENES["sunny day"]
    background = gradient(width, height, palette["sky"], palette["horizon"])
    ImageDraw.Draw(background).rectangle(
        (0, int(height * 0.78), width, height), fill=(120, 120, 125)
    )

    codec, options, container_options = (
        ("libvpx-vp9", {"deadline": "realtime", "cpu-used": "8", "b": "400k", "threads": "1"}, {})
        if fmt == "webm"
        else (
            "libx264",
            {"preset": "veryfast", "crf": "23", "threads": "1"},
            {"movflags": "+faststart"},
        )
    )
    fd, path = tempfile.mkstemp(suffix=f".{fmt}")
    os.close(fd)
    try:
        with av.open(path, mode="w", format=fmt, options=container_options) as container:
            stream = container.add_stream(codec, rate=fps, options=options)
            assert isinstance(stream, av.VideoStream)
            stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
            for f in range(frames):
                picture = _draw_frame(background, tracks, f)
                for packet in stream.encode(
                    av.VideoFrame.from_ndarray(np.asarray(picture), format="rgb24")
                ):
                    container.mux(packet)
            for packet in stream.encode():
                container.mux(packet)
        with open(path, "rb") as handle:
            data = handle.read()
    finally:
        os.unlink(path)

    events = [
        {
            "start": round(t["keyframes"][0]["frame"] / fps, 3),
            "end": round((t["keyframes"][-1]["frame"] + 1) / fps, 3),
            "label": f"{t['label']} visible",
        }
        for t in tracks
    ]
    return DemoVideo(
        filename=f"clip-{index + 1:02d}-{action.replace(' ', '-')}.{fmt}",
        content_type=f"video/{fmt}",
        data=data,
        width=width,
        height=height,
        fps=fps,
        frame_count=frames,
        action=action,
        tracks=tracks,
        events=events,
    )


def demo_videos(
    n: int = 3, seed: int = 0, *, fmt: VideoFormat = "webm", fps: int = 12, seconds: float = 3.0
) -> list[DemoVideo]:
    """`n` short clips (car driving, ball bouncing, bird flying ...) with their tracks."""
    return [demo_video(i, seed, fmt=fmt, fps=fps, seconds=seconds) for i in range(n)]
