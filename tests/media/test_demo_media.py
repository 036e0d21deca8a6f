"""Demo media are made locally, deterministically, fast, and their ground truth is right."""

from __future__ import annotations

import io
import time
import wave

import pytest
from PIL import Image

from labelpool.demo.media import (
    AUDIO_LABELS,
    IMAGE_LABELS,
    VIDEO_LABELS,
    VideoFormat,
    demo_audio_clips,
    demo_images,
    demo_media,
    demo_video,
    demo_videos,
)
from labelpool.media.sniff import sniff


def test_images_decode_and_boxes_lie_inside() -> None:
    images = demo_images(8, seed=1)
    assert len(images) == 8
    assert len({image.data for image in images}) == 8
    assert len({image.scene for image in images}) >= 4
    assert {"car", "tree", "house", "sun"} <= {b["label"] for i in images for b in i.boxes}
    for image in images:
        assert sniff(image.data, image.filename).content_type == image.content_type
        with Image.open(io.BytesIO(image.data)) as decoded:
            decoded.load()
            assert decoded.size == (image.width, image.height)
        assert image.boxes
        for box in image.boxes:
            assert box["label"] in IMAGE_LABELS
            assert box["w"] > 4 and box["h"] > 4
            assert box["x"] >= 0 and box["x"] + box["w"] <= image.width
            assert box["y"] >= 0 and box["y"] + box["h"] <= image.height
        assert image.tags == sorted({b["label"] for b in image.boxes})


def test_car_box_covers_red_pixels() -> None:
    image = demo_images(1)[0]
    car = next(b for b in image.boxes if b["label"] == "car")
    with Image.open(io.BytesIO(image.data)) as decoded:
        rgb = decoded.convert("RGB")
        inside = rgb.getpixel((car["x"] + car["w"] // 2, car["y"] + car["h"] // 2))
    assert isinstance(inside, tuple)
    red, green, blue = inside[:3]
    assert red > 150 and green < 80 and blue < 90


def test_generation_is_deterministic() -> None:
    assert demo_images(3, seed=7) == demo_images(3, seed=7)
    assert demo_images(3, seed=7) != demo_images(3, seed=8)
    assert demo_audio_clips(2, seed=3) == demo_audio_clips(2, seed=3)
    assert demo_video(0, seed=2).tracks == demo_video(0, seed=2).tracks


def test_wav_clips_parse_and_have_the_expected_duration() -> None:
    clips = demo_audio_clips(6)
    assert {clip.category for clip in clips} >= {"speech", "music", "noise", "mixed"}
    for clip in clips:
        assert sniff(clip.data, clip.filename).content_type == "audio/wav"
        with wave.open(io.BytesIO(clip.data)) as wav:
            assert wav.getnchannels() == 1
            assert wav.getsampwidth() == 2
            assert wav.getframerate() == clip.sample_rate
            duration = wav.getnframes() / wav.getframerate()
        assert duration == pytest.approx(clip.duration_seconds, abs=1e-3)
        assert 3.0 <= duration <= 6.0
        previous_end = 0.0
        for region in clip.regions:
            assert region["label"] in AUDIO_LABELS
            assert previous_end <= region["start"] < region["end"] <= duration
            previous_end = region["end"]
            if region["label"] == "speech":
                assert region["speaker"] in ("speaker_a", "speaker_b")


def test_regions_are_loud_and_gaps_are_quiet() -> None:
    import numpy as np

    clip = demo_audio_clips(1)[0]
    with wave.open(io.BytesIO(clip.data)) as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2") / 32768

    def rms(start: float, end: float) -> float:
        part = samples[int(start * clip.sample_rate) : int(end * clip.sample_rate)]
        return float(np.sqrt(np.mean(part**2)))

    first, second = clip.regions[0], clip.regions[1]
    assert rms(first["start"], first["end"]) > 0.03
    assert rms(first["end"] + 0.05, second["start"] - 0.05) < 0.01


@pytest.mark.parametrize("fmt", ["webm", "mp4"])
def test_video_decodes_with_the_expected_frames(fmt: VideoFormat) -> None:
    av = pytest.importorskip("av")
    video = demo_video(0, fmt=fmt)
    found = sniff(video.data, video.filename)
    assert found.kind == "video" and found.content_type == f"video/{fmt}"
    assert 2.0 <= video.frame_count / video.fps <= 4.0
    with av.open(io.BytesIO(video.data)) as container:
        stream = container.streams.video[0]
        assert stream.codec_context.name in ("vp9", "h264")
        frames = list(container.decode(video=0))
    assert len(frames) == video.frame_count
    assert (frames[0].width, frames[0].height) == (320, 240)
    # The car is where its track says, in the middle frame.
    middle = video.frame_count // 2
    car = video.box_at("car", middle)
    assert car is not None
    picture = frames[middle].to_ndarray(format="rgb24")
    red, green, _ = picture[car["y"] + car["h"] // 3, car["x"] + car["w"] // 2]
    assert red > 150 and green < 90


def test_videos_tracks_stay_in_frame() -> None:
    videos = demo_videos(3)
    assert {v.action for v in videos} == {"car driving", "ball bouncing", "bird flying"}
    for video in videos:
        assert video.content_type == "video/webm"
        for track in video.tracks:
            assert track["label"] in VIDEO_LABELS
            frames = [k["frame"] for k in track["keyframes"]]
            assert frames == sorted(frames) and frames[0] == 0
            assert frames[-1] == video.frame_count - 1
            for key in track["keyframes"]:
                assert key["x"] >= 0 and key["x"] + key["w"] <= video.width
                assert key["y"] >= 0 and key["y"] + key["h"] <= video.height


def test_all_demo_media_in_under_five_seconds() -> None:
    start = time.perf_counter()
    media = demo_media(seed=0)
    elapsed = time.perf_counter() - start
    assert (len(media.images), len(media.audio), len(media.videos)) == (8, 6, 3)
    assert elapsed < 5.0
