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

from dataclasses import dataclass

from labelpool.demo.audio import (
    AUDIO_LABELS,
    SAMPLE_RATE,
    DemoAudio,
    demo_audio_clip,
    demo_audio_clips,
)
from labelpool.demo.images import IMAGE_LABELS, DemoImage, demo_image, demo_images
from labelpool.demo.video import VIDEO_LABELS, DemoVideo, VideoFormat, demo_video, demo_videos

__all__ = [
    "AUDIO_LABELS",
    "IMAGE_LABELS",
    "SAMPLE_RATE",
    "VIDEO_LABELS",
    "DemoAudio",
    "DemoImage",
    "DemoMedia",
    "DemoVideo",
    "VideoFormat",
    "demo_audio_clip",
    "demo_audio_clips",
    "demo_image",
    "demo_images",
    "demo_media",
    "demo_video",
    "demo_videos",
]


@dataclass(frozen=True)
class DemoMedia:
    images: list[DemoImage]
    audio: list[DemoAudio]
    videos: list[DemoVideo]


def demo_media(seed: int = 0) -> DemoMedia:
    """Everything the demo seeds: 8 images, 6 audio clips, 3 videos."""
    return DemoMedia(demo_images(8, seed), demo_audio_clips(6, seed), demo_videos(3, seed))
