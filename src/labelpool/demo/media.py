"""Demo media made locally, deterministically from a seed, with ground truth. Nothing is downloaded.

- `demo_images`: Pillow drawings of outdoor scenes (sky, ground, sun, clouds, houses, trees,
  cars, people) with a bounding box per object.
- `demo_audio_clips`: 16-bit mono WAV files synthesised with NumPy: chords, noise bursts,
  silence and speech-like segments (a pitched glottal buzz through vowel formant filters, in
  syllables) from two "speakers", with the time region of every event.
- `demo_videos`: short clips (320x240, 12 fps, 3 s) of moving shapes, encoded with PyAV
  (WebM/VP9 by default, or MP4/H.264), with each object's track as keyframes between which
  the motion is linear.

Pillow, NumPy and (for video) PyAV are needed; everything runs in well under a second or two.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import random
import tempfile
import wave
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw

Box = dict[str, Any]

# ----------------------------------------------------------------------------------------------
# Images
# ----------------------------------------------------------------------------------------------

IMAGE_LABELS = ("car", "tree", "house", "sun", "person", "cloud")


@dataclass(frozen=True)
class DemoImage:
    filename: str
    content_type: str
    data: bytes
    width: int
    height: int
    scene: str  # "sunny day", "sunset", "overcast", "winter"
    boxes: list[Box]  # {"x", "y", "w", "h", "label"}, pixels, top-left origin
    tags: list[str] = field(default_factory=list)  # the distinct labels present, sorted


_SCENES: dict[str, dict[str, tuple[int, int, int]]] = {
    "sunny day": {"sky": (135, 195, 240), "horizon": (200, 230, 250), "ground": (92, 160, 70)},
    "sunset": {"sky": (70, 60, 140), "horizon": (250, 150, 90), "ground": (70, 110, 60)},
    "overcast": {"sky": (150, 155, 165), "horizon": (195, 198, 205), "ground": (100, 130, 90)},
    "winter": {"sky": (170, 200, 230), "horizon": (225, 235, 245), "ground": (236, 240, 246)},
}


def _box(x0: float, y0: float, x1: float, y1: float, label: str, width: int, height: int) -> Box:
    """The box of an object drawn within (x0, y0)-(x1, y1), clipped to the image."""
    left, top = max(0, math.floor(x0)), max(0, math.floor(y0))
    right, bottom = min(width, math.ceil(x1)), min(height, math.ceil(y1))
    return {"x": left, "y": top, "w": right - left, "h": bottom - top, "label": label}


def _overlaps(a: Box, b: Box) -> bool:
    return bool(
        a["x"] < b["x"] + b["w"]
        and b["x"] < a["x"] + a["w"]
        and a["y"] < b["y"] + b["h"]
        and b["y"] < a["y"] + a["h"]
    )


def _gradient(
    width: int, height: int, top: tuple[int, ...], bottom: tuple[int, ...]
) -> Image.Image:
    t = np.linspace(0.0, 1.0, height)[:, None, None]
    colours = np.array(top, float) * (1 - t) + np.array(bottom, float) * t
    pixels = np.broadcast_to(colours, (height, width, 3)).astype(np.uint8)
    return Image.fromarray(np.ascontiguousarray(pixels), "RGB")


def _draw_sun(d: ImageDraw.ImageDraw, cx: float, cy: float, r: float, scene: str) -> None:
    colour = (255, 140, 60) if scene == "sunset" else (255, 220, 60)
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=colour)


def _draw_cloud(d: ImageDraw.ImageDraw, x: float, y: float, w: float, h: float) -> None:
    for i in range(3):
        px = x + i * w / 4
        d.ellipse((px, y + h * 0.25, px + w / 2, y + h), fill=(245, 245, 248))
    d.ellipse((x + w / 5, y, x + w * 0.7, y + h * 0.8), fill=(250, 250, 252))


def _draw_house(
    d: ImageDraw.ImageDraw, x: float, base: float, w: float, rng: random.Random
) -> float:
    """A house whose walls stand on `base`; returns the top of the roof."""
    wall_h = w * 0.7
    roof_h = w * 0.45
    wall = rng.choice([(225, 200, 160), (200, 120, 100), (240, 235, 220), (170, 190, 210)])
    d.rectangle((x, base - wall_h, x + w, base), fill=wall, outline=(90, 70, 60))
    d.polygon(
        [
            (x - w * 0.08, base - wall_h),
            (x + w / 2, base - wall_h - roof_h),
            (x + w * 1.08, base - wall_h),
        ],
        fill=(150, 50, 40),
    )
    d.rectangle((x + w * 0.4, base - wall_h * 0.55, x + w * 0.6, base), fill=(110, 70, 40))
    d.rectangle(
        (x + w * 0.12, base - wall_h * 0.8, x + w * 0.3, base - wall_h * 0.55), fill=(180, 220, 250)
    )
    d.rectangle(
        (x + w * 0.7, base - wall_h * 0.8, x + w * 0.88, base - wall_h * 0.55), fill=(180, 220, 250)
    )
    return base - wall_h - roof_h


def _draw_tree(d: ImageDraw.ImageDraw, cx: float, base: float, h: float, winter: bool) -> float:
    """A tree of height `h` whose trunk stands on `base`; returns its half width."""
    trunk_w, trunk_h = h * 0.12, h * 0.35
    d.rectangle((cx - trunk_w / 2, base - trunk_h, cx + trunk_w / 2, base), fill=(110, 75, 45))
    r = h * 0.34
    crown = (235, 240, 245) if winter else (40, 120, 50)
    d.ellipse((cx - r, base - h, cx + r, base - h + 2 * r), fill=crown, outline=(60, 90, 60))
    return r


def _draw_car(
    d: ImageDraw.ImageDraw, x: float, base: float, w: float, colour: tuple[int, int, int]
) -> float:
    """A car standing on `base` (wheels touch it); returns the top of the cabin."""
    body_h, cabin_h, wheel_r = w * 0.22, w * 0.2, w * 0.1
    body_top = base - wheel_r - body_h
    d.rounded_rectangle((x, body_top, x + w, base - wheel_r), radius=w * 0.05, fill=colour)
    cabin_top = body_top - cabin_h
    d.polygon(
        [
            (x + w * 0.22, body_top),
            (x + w * 0.32, cabin_top),
            (x + w * 0.68, cabin_top),
            (x + w * 0.8, body_top),
        ],
        fill=colour,
    )
    d.polygon(
        [
            (x + w * 0.3, body_top - 2),
            (x + w * 0.36, cabin_top + 4),
            (x + w * 0.64, cabin_top + 4),
            (x + w * 0.72, body_top - 2),
        ],
        fill=(190, 225, 245),
    )
    for wx in (x + w * 0.22, x + w * 0.78):
        d.ellipse((wx - wheel_r, base - 2 * wheel_r, wx + wheel_r, base), fill=(30, 30, 30))
        d.ellipse(
            (wx - wheel_r / 2, base - 1.5 * wheel_r, wx + wheel_r / 2, base - wheel_r / 2),
            fill=(160, 160, 160),
        )
    return cabin_top


def _draw_person(
    d: ImageDraw.ImageDraw, cx: float, base: float, h: float, rng: random.Random
) -> float:
    """A simple figure `h` tall standing on `base`; returns its half width."""
    head_r = h * 0.11
    shirt = rng.choice([(40, 90, 200), (200, 60, 60), (240, 180, 40), (60, 150, 90)])
    half = h * 0.2
    d.ellipse((cx - head_r, base - h, cx + head_r, base - h + 2 * head_r), fill=(225, 180, 140))
    body_top, hip = base - h + 2 * head_r, base - h * 0.4
    d.rectangle((cx - h * 0.1, body_top, cx + h * 0.1, hip), fill=shirt)
    d.line(
        (cx - h * 0.1, body_top + 3, cx - half, hip - h * 0.05),
        fill=shirt,
        width=max(2, int(h * 0.05)),
    )
    d.line(
        (cx + h * 0.1, body_top + 3, cx + half, hip - h * 0.05),
        fill=shirt,
        width=max(2, int(h * 0.05)),
    )
    d.line(
        (cx - h * 0.05, hip, cx - h * 0.12, base), fill=(50, 50, 70), width=max(2, int(h * 0.06))
    )
    d.line(
        (cx + h * 0.05, hip, cx + h * 0.12, base), fill=(50, 50, 70), width=max(2, int(h * 0.06))
    )
    return half


def demo_image(index: int, seed: int = 0, *, width: int = 320, height: int = 240) -> DemoImage:
    """One scene; the same (index, seed) always gives the same picture and boxes."""
    rng = random.Random(seed * 1_000_003 + index)
    scene = list(_SCENES)[index % len(_SCENES)]
    palette = _SCENES[scene]
    horizon = int(height * rng.uniform(0.5, 0.62))
    image = _gradient(width, height, palette["sky"], palette["horizon"])
    d = ImageDraw.Draw(image)
    d.rectangle((0, horizon, width, height), fill=palette["ground"])
    boxes: list[Box] = []

    if scene != "overcast":
        r = rng.uniform(14, 22)
        cx = rng.uniform(r + 4, width - r - 4)
        cy = rng.uniform(r + 4, horizon - r - 10) if scene != "sunset" else horizon - r * 0.2
        _draw_sun(d, cx, cy, r, scene)
        boxes.append(_box(cx - r, cy - r, cx + r, min(cy + r, horizon), "sun", width, height))
        if scene == "sunset":  # the ground hides the lower part of the setting sun
            d.rectangle((0, horizon, width, height), fill=palette["ground"])
    for _ in range(rng.randint(1, 2) if scene != "sunny day" else rng.randint(0, 1)):
        w, h = rng.uniform(50, 80), rng.uniform(22, 30)
        for _attempt in range(20):  # keep clouds clear of the sun and of each other
            x, y = rng.uniform(0, width - w), rng.uniform(4, max(6, horizon - h - 40))
            cloud = _box(x, y, x + w, y + h, "cloud", width, height)
            if not any(_overlaps(cloud, other) for other in boxes):
                break
        else:
            continue
        _draw_cloud(d, x, y, w, h)
        boxes.append(cloud)

    # Far row (houses and trees standing on the horizon band), then near row (cars, people).
    slots = sorted(rng.sample(range(6), rng.randint(2, 3)))
    for slot in slots:
        x0 = slot * width / 6 + rng.uniform(0, 8)
        base = horizon + rng.uniform(6, 14)
        if rng.random() < 0.5:
            w = rng.uniform(40, 52)
            top = _draw_house(d, x0, base, w, rng)
            boxes.append(_box(x0 - w * 0.08, top, x0 + w * 1.08, base, "house", width, height))
        else:
            h = rng.uniform(50, 75)
            cx = x0 + 20
            half = _draw_tree(d, cx, base, h, scene == "winter")
            boxes.append(_box(cx - half, base - h, cx + half, base, "tree", width, height))
    near_base = height - rng.uniform(12, 30)
    car_w = rng.uniform(80, 110)
    car_x = rng.uniform(4, width - car_w - 60)
    colour = rng.choice([(210, 30, 35), (200, 20, 60), (230, 40, 30)])
    top = _draw_car(d, car_x, near_base, car_w, colour)
    boxes.append(_box(car_x, top, car_x + car_w, near_base, "car", width, height))
    if rng.random() < 0.75:
        h = rng.uniform(45, 65)
        cx = rng.uniform(car_x + car_w + 22, width - 18) if car_x + car_w + 40 < width else 20
        person_base = near_base + rng.uniform(-4, 4)
        half = _draw_person(d, cx, person_base, h, rng) + 2  # + the arms' line width
        boxes.append(
            _box(cx - half, person_base - h, cx + half, person_base + 2, "person", width, height)
        )

    as_jpeg = index % 2 == 1
    buffer = io.BytesIO()
    if as_jpeg:
        image.save(buffer, "JPEG", quality=88)
    else:
        image.save(buffer, "PNG", optimize=False, compress_level=6)
    name = f"scene-{index + 1:02d}.{'jpg' if as_jpeg else 'png'}"
    return DemoImage(
        filename=name,
        content_type="image/jpeg" if as_jpeg else "image/png",
        data=buffer.getvalue(),
        width=width,
        height=height,
        scene=scene,
        boxes=boxes,
        tags=sorted({b["label"] for b in boxes}),
    )


def demo_images(
    n: int = 8, seed: int = 0, *, width: int = 320, height: int = 240
) -> list[DemoImage]:
    """`n` varied scenes (PNG and JPEG alternately) with their ground-truth boxes."""
    return [demo_image(i, seed, width=width, height=height) for i in range(n)]


# ----------------------------------------------------------------------------------------------
# Audio
# ----------------------------------------------------------------------------------------------

SAMPLE_RATE = 16_000
AUDIO_LABELS = ("speech", "music", "noise")

# (F1, F2, F3) in Hz for a few vowels.
_VOWELS = (
    (730, 1090, 2440),
    (270, 2290, 3010),
    (300, 870, 2240),
    (530, 1840, 2480),
    (570, 840, 2410),
)
_SPEAKERS = {"speaker_a": 115.0, "speaker_b": 210.0}


@dataclass(frozen=True)
class DemoAudio:
    filename: str
    content_type: str
    data: bytes
    sample_rate: int
    duration_seconds: float
    category: str  # the clip's main sound: "speech", "music", "noise" or "mixed"
    regions: list[dict[str, Any]]  # {"start", "end", "label"} (+ "speaker" for speech), seconds


Signal = NDArray[np.float64]


def _formant_filter(signal: Signal, formants: tuple[int, ...], rate: int) -> Signal:
    """Parallel two-pole resonators (one per formant), applied in the frequency domain.

    The resonators' impulse responses die out within a few milliseconds, so filtering the
    zero-padded syllable with one FFT gives the same result as the recursive filter.
    """
    pad = int(0.03 * rate)
    n = len(signal) + pad
    z = np.exp(-1j * np.pi * np.fft.rfftfreq(n, d=1.0) * 2)  # e^{-jw} per frequency bin
    response = np.zeros_like(z)
    for k, freq in enumerate(formants):
        r = math.exp(-math.pi * (80 + 40 * k) / rate)
        theta = 2 * math.pi * freq / rate
        response += (1 - r) / (1 - 2 * r * math.cos(theta) * z + r * r * z * z) / (k + 1)
    spectrum = np.fft.rfft(np.concatenate([signal, np.zeros(pad)])) * response
    return np.asarray(np.fft.irfft(spectrum, n)[: len(signal)], dtype=np.float64)


def _speech(duration: float, f0: float, rng: np.random.Generator, rate: int) -> Signal:
    """Speech-like babble: syllables of formant-filtered glottal buzz and fricative noise."""
    total = int(duration * rate)
    out = np.zeros(total)
    position = 0
    while position < total:
        syllable = int(rng.uniform(0.14, 0.26) * rate)
        syllable = min(syllable, total - position)
        if syllable < rate * 0.03:
            break
        t = np.arange(syllable) / rate
        pitch = f0 * (1 + 0.08 * np.sin(2 * np.pi * rng.uniform(2, 5) * t + rng.uniform(0, 6)))
        phase = np.cumsum(pitch) / rate
        buzz = 2 * (phase % 1.0) - 1  # sawtooth: a crude glottal pulse train
        vowel = _VOWELS[int(rng.integers(len(_VOWELS)))]
        voiced = _formant_filter(buzz, vowel, rate)
        envelope = np.sin(np.pi * np.arange(syllable) / syllable) ** 0.6
        segment = voiced * envelope
        if rng.random() < 0.4:  # a fricative consonant at the syllable's start
            hiss = int(min(syllable * 0.3, 0.06 * rate))
            noise = rng.normal(0, 1, hiss)
            segment[:hiss] += np.diff(noise, prepend=0.0) * 0.15 * np.linspace(1, 0, hiss)
        out[position : position + syllable] = segment
        position += syllable + int(rng.uniform(0.0, 0.05) * rate)
    rms = float(np.sqrt(np.mean(out**2))) or 1.0
    return np.asarray(np.clip(out * (0.15 / rms), -0.95, 0.95), dtype=np.float64)


def _chord(duration: float, rng: np.random.Generator, rate: int) -> Signal:
    t = np.arange(int(duration * rate)) / rate
    root = float(rng.choice([220.0, 261.63, 293.66, 329.63]))
    ratios = (1.0, 1.26, 1.5) if rng.random() < 0.5 else (1.0, 1.19, 1.5)  # major / minor
    tone = sum(np.sin(2 * np.pi * root * ratio * t) for ratio in ratios) / len(ratios)
    attack = np.minimum(1.0, t / 0.02)
    release = np.minimum(1.0, (t[-1] - t) / 0.05 + 1e-9)
    return np.asarray(tone * attack * release * 0.5, dtype=np.float64)


def _noise(duration: float, rng: np.random.Generator, rate: int) -> Signal:
    n = int(duration * rate)
    noise = rng.normal(0, 0.25, n)
    fade = np.minimum(1.0, np.minimum(np.arange(n), n - 1 - np.arange(n)) / (0.01 * rate))
    return np.asarray(np.clip(noise, -1, 1) * fade, dtype=np.float64)


# Clip plans: (label, seconds) segments; "silence" is a gap with a little room tone.
_PLANS: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = (
    (
        "speech",
        (
            ("silence", 0.4),
            ("speech_a", 1.8),
            ("silence", 0.5),
            ("speech_b", 1.5),
            ("silence", 0.3),
        ),
    ),
    (
        "music",
        (("silence", 0.3), ("music", 1.5), ("silence", 0.4), ("music", 1.2), ("silence", 0.4)),
    ),
    (
        "mixed",
        (("noise", 0.6), ("silence", 0.4), ("speech_a", 1.6), ("music", 1.0), ("silence", 0.4)),
    ),
    (
        "noise",
        (("silence", 0.5), ("noise", 1.0), ("silence", 0.8), ("noise", 0.7), ("silence", 0.5)),
    ),
    (
        "speech",
        (
            ("speech_b", 1.4),
            ("silence", 0.3),
            ("speech_a", 1.2),
            ("silence", 0.3),
            ("speech_b", 1.0),
        ),
    ),
    (
        "mixed",
        (("music", 1.2), ("speech_b", 1.5), ("silence", 0.5), ("noise", 0.5), ("silence", 0.3)),
    ),
)


def _wav_bytes(signal: Signal, rate: int) -> bytes:
    pcm = (np.clip(signal, -1.0, 1.0) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    return buffer.getvalue()


def demo_audio_clip(index: int, seed: int = 0, *, sample_rate: int = SAMPLE_RATE) -> DemoAudio:
    """One WAV clip with the time region of each sound; deterministic in (index, seed)."""
    rng = np.random.default_rng([seed, index])
    category, plan = _PLANS[index % len(_PLANS)]
    parts: list[Signal] = []
    regions: list[dict[str, Any]] = []
    cursor = 0
    for label, seconds in plan:
        n = round(seconds * sample_rate)
        if label == "silence":
            part = rng.normal(0, 0.002, n)
        elif label.startswith("speech"):
            speaker = "speaker_a" if label.endswith("a") else "speaker_b"
            f0 = _SPEAKERS[speaker] * float(rng.uniform(0.95, 1.05))
            part = _speech(n / sample_rate, f0, rng, sample_rate)
        elif label == "music":
            part = _chord(n / sample_rate, rng, sample_rate)
        else:
            part = _noise(n / sample_rate, rng, sample_rate)
        part = np.resize(part, n)
        if label != "silence":
            region: dict[str, Any] = {
                "start": round(cursor / sample_rate, 3),
                "end": round((cursor + n) / sample_rate, 3),
                "label": "speech" if label.startswith("speech") else label,
            }
            if label.startswith("speech"):
                region["speaker"] = "speaker_a" if label.endswith("a") else "speaker_b"
            regions.append(region)
        parts.append(part)
        cursor += n
    signal = np.concatenate(parts)
    return DemoAudio(
        filename=f"clip-{index + 1:02d}-{category}.wav",
        content_type="audio/wav",
        data=_wav_bytes(signal, sample_rate),
        sample_rate=sample_rate,
        duration_seconds=round(cursor / sample_rate, 6),
        category=category,
        regions=regions,
    )


def demo_audio_clips(
    n: int = 6, seed: int = 0, *, sample_rate: int = SAMPLE_RATE
) -> list[DemoAudio]:
    """`n` WAV clips (about 4-5 s each): speech from two speakers, chords, noise and silence."""
    return [demo_audio_clip(i, seed, sample_rate=sample_rate) for i in range(n)]


# ----------------------------------------------------------------------------------------------
# Video
# ----------------------------------------------------------------------------------------------

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
    palette = _SCENES["sunny day"]
    background = _gradient(width, height, palette["sky"], palette["horizon"])
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


@dataclass(frozen=True)
class DemoMedia:
    images: list[DemoImage]
    audio: list[DemoAudio]
    videos: list[DemoVideo]


def demo_media(seed: int = 0) -> DemoMedia:
    """Everything the demo seeds: 8 images, 6 audio clips, 3 videos."""
    return DemoMedia(demo_images(8, seed), demo_audio_clips(6, seed), demo_videos(3, seed))
