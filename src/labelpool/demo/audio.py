"""Demo audio: WAV clips synthesised with NumPy (speech-like syllables from two speakers, chords,
noise, silence) with the time region of every event."""

from __future__ import annotations

import io
import math
import wave
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

Box = dict[str, Any]


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
