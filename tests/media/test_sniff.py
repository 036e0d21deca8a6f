"""File types are judged by content, not by name; sizes are limited per kind."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from labelpool.errors import InvalidInput
from labelpool.media.kinds import MediaKind
from labelpool.media.sniff import DEFAULT_MAX_BYTES, check_size, detect, sniff

from .helpers import gif_bytes, jpeg_bytes, png_bytes, wav_bytes, webp_bytes


@pytest.mark.parametrize(
    ("make", "content_type"),
    [
        (png_bytes, "image/png"),
        (jpeg_bytes, "image/jpeg"),
        (gif_bytes, "image/gif"),
        (webp_bytes, "image/webp"),
        (wav_bytes, "audio/wav"),
    ],
)
def test_allowed_types_are_recognised(make: Callable[[], bytes], content_type: str) -> None:
    found = sniff(make(), "file")
    assert found.content_type == content_type


def test_a_png_named_mp3_is_a_png() -> None:
    found = sniff(png_bytes(), "song.mp3")
    assert (found.kind, found.content_type, found.extension) == (
        MediaKind.IMAGE,
        "image/png",
        "png",
    )


def test_an_exe_named_jpg_is_refused_naming_file_and_type() -> None:
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
    with pytest.raises(InvalidInput) as caught:
        sniff(exe, "holiday.jpg")
    assert "holiday.jpg" in caught.value.message
    assert "x-msdownload" in caught.value.message
    assert caught.value.code == "unsupported_media_type"


def test_text_named_jpg_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"notes\.jpg: .*content is text"):
        sniff(b"hello, I am not a picture\n", "notes.jpg")


def test_empty_file_is_refused() -> None:
    with pytest.raises(InvalidInput, match="empty file"):
        sniff(b"", "empty.png")


def test_pdf_is_refused() -> None:
    with pytest.raises(InvalidInput, match="application/pdf"):
        sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 100, "paper.png")


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body


def _hdlr(handler: bytes) -> bytes:
    return b"\x00\x00\x00\x21hdlr" + b"\x00" * 8 + handler + b"\x00" * 13


def _type(head: bytes) -> str | None:
    found, _ = detect(head)
    return found.content_type if found else None


def test_mp4_family() -> None:
    assert _type(_ftyp(b"M4A ", b"M4A ", b"mp42", b"isom")) == "audio/mp4"
    assert _type(_ftyp(b"qt  ", b"qt  ")) == "video/quicktime"
    video = (
        _ftyp(b"isom", b"isom", b"mp41") + b"\x00\x00\x01\x00moov" + _hdlr(b"vide") + _hdlr(b"soun")
    )
    assert _type(video) == "video/mp4"
    audio_only = _ftyp(b"isom", b"isom") + b"\x00\x00\x01\x00moov" + _hdlr(b"soun")
    assert _type(audio_only) == "audio/mp4"
    assert detect(_ftyp(b"3gp5", b"3gp5"))[0] is None


def test_webm_and_ogg_audio_or_video() -> None:
    header = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm"
    assert _type(header + b"...A_OPUS...") == "audio/webm"
    assert _type(header + b"...V_VP9...A_OPUS") == "video/webm"
    assert _type(b"OggS\x00\x02" + b"\x00" * 20 + b"\x01vorbis") == "audio/ogg"
    assert _type(b"OggS\x00\x02" + b"\x00" * 20 + b"\x80theora") == "video/ogg"


def test_mp3_with_and_without_id3() -> None:
    assert _type(b"ID3\x04\x00\x00" + b"\x00" * 50) == "audio/mpeg"
    assert _type(b"\xff\xfb\x90\x64" + b"\x00" * 50) == "audio/mpeg"


def test_size_limits_per_kind() -> None:
    limits = DEFAULT_MAX_BYTES
    assert limits[MediaKind.IMAGE] == 25 * 1024 * 1024
    check_size("a.png", MediaKind.IMAGE, limits[MediaKind.IMAGE], limits)
    with pytest.raises(InvalidInput, match=r"a\.png: this image file is larger than .*25 MB"):
        check_size("a.png", MediaKind.IMAGE, limits[MediaKind.IMAGE] + 1, limits)
    check_size("a.wav", MediaKind.AUDIO, 100 * 1024 * 1024, limits)
