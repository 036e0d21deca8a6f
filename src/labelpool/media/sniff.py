"""What a file really is, from its first bytes (never from its name), and how big it may be.

`filetype` recognises the magic numbers; the containers that carry either sound or pictures
(MP4/ISO-BMFF, WebM, Ogg) are then looked into so that an `.m4a` is audio and a WebM with a
VP9 track is video. Pure: no web or database imports.
"""

from __future__ import annotations

from dataclasses import dataclass

import filetype  # type: ignore[import-untyped]

from labelpool.errors import InvalidInput
from labelpool.media.kinds import MediaKind

#: How many leading bytes `sniff` looks at. Enough for every header we inspect.
SNIFF_BYTES = 64 * 1024

MB = 1024 * 1024


#: Default largest file per kind (overridable through `MediaSettings`).
DEFAULT_MAX_BYTES: dict[MediaKind, int] = {
    MediaKind.IMAGE: 25 * MB,
    MediaKind.AUDIO: 200 * MB,
    MediaKind.VIDEO: 1024 * MB,
}


@dataclass(frozen=True)
class Sniffed:
    """The verdict on a file's content."""

    kind: MediaKind
    content_type: str
    extension: str


# Allowed types by the MIME type `filetype` reports -> (kind, served content type, extension).
_ALLOWED: dict[str, tuple[MediaKind, str, str]] = {
    "image/jpeg": (MediaKind.IMAGE, "image/jpeg", "jpg"),
    "image/png": (MediaKind.IMAGE, "image/png", "png"),
    "image/apng": (MediaKind.IMAGE, "image/png", "png"),
    "image/gif": (MediaKind.IMAGE, "image/gif", "gif"),
    "image/webp": (MediaKind.IMAGE, "image/webp", "webp"),
    "audio/x-wav": (MediaKind.AUDIO, "audio/wav", "wav"),
    "audio/mpeg": (MediaKind.AUDIO, "audio/mpeg", "mp3"),
    "audio/x-flac": (MediaKind.AUDIO, "audio/flac", "flac"),
    "audio/mp4": (MediaKind.AUDIO, "audio/mp4", "m4a"),
    "audio/ogg": (MediaKind.AUDIO, "audio/ogg", "ogg"),
    "video/mp4": (MediaKind.VIDEO, "video/mp4", "mp4"),
    "video/x-m4v": (MediaKind.VIDEO, "video/mp4", "mp4"),
    "video/quicktime": (MediaKind.VIDEO, "video/quicktime", "mov"),
    "video/webm": (MediaKind.VIDEO, "video/webm", "webm"),
}

ALLOWED_DESCRIPTION = (
    "images (JPEG, PNG, GIF, WebP), audio (WAV, MP3, Ogg, FLAC, M4A, WebM audio) "
    "and video (MP4, WebM, Ogg, MOV)"
)

_EBML_MAGIC = b"\x1a\x45\xdf\xa3"
_WEBM_DOCTYPE = b"\x42\x82\x84webm"
_WEBM_VIDEO_CODECS = (b"V_VP8", b"V_VP9", b"V_AV1", b"V_MPEG4", b"V_MPEGH")
_WEBM_AUDIO_CODECS = (b"A_OPUS", b"A_VORBIS")
_MP4_AUDIO_BRANDS = (b"M4A ", b"M4B ", b"F4A ", b"F4B ")


def _iso_bmff(head: bytes) -> Sniffed | None:
    """MP4 family: audio-only brands and files whose track handlers are all `soun` are audio."""
    if len(head) < 12 or head[4:8] != b"ftyp":
        return None
    major = head[8:12]
    if major == b"qt  ":
        return Sniffed(MediaKind.VIDEO, "video/quicktime", "mov")
    if major in _MP4_AUDIO_BRANDS:
        return Sniffed(MediaKind.AUDIO, "audio/mp4", "m4a")
    if major.startswith(b"3g"):  # 3GPP: not a format we accept
        return None
    handlers = set()
    start = 0
    while (i := head.find(b"hdlr", start)) != -1:
        handlers.add(head[i + 12 : i + 16])
        start = i + 4
    if b"soun" in handlers and b"vide" not in handlers:
        return Sniffed(MediaKind.AUDIO, "audio/mp4", "m4a")
    # A video track, or the `moov` box sits after the part we read: treat it as video.
    return Sniffed(MediaKind.VIDEO, "video/mp4", "mp4")


def _webm(head: bytes) -> Sniffed | None:
    if not head.startswith(_EBML_MAGIC) or _WEBM_DOCTYPE not in head[:64]:
        return None
    has_video = any(codec in head for codec in _WEBM_VIDEO_CODECS)
    has_audio = any(codec in head for codec in _WEBM_AUDIO_CODECS)
    if has_audio and not has_video:
        return Sniffed(MediaKind.AUDIO, "audio/webm", "webm")
    return Sniffed(MediaKind.VIDEO, "video/webm", "webm")


def _ogg(head: bytes) -> Sniffed | None:
    if not head.startswith(b"OggS"):
        return None
    if b"\x80theora" in head or b"\x80kate" in head:
        return Sniffed(MediaKind.VIDEO, "video/ogg", "ogv")
    return Sniffed(MediaKind.AUDIO, "audio/ogg", "ogg")


def _mp3_frame(head: bytes) -> Sniffed | None:
    """A bare MPEG audio layer III frame (no ID3 tag): sync word and layer bits."""
    if len(head) >= 4 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06 == 0x02:
        bitrate_index = head[2] >> 4
        if bitrate_index not in (0, 15) and (head[2] >> 2) & 0x03 != 3:
            return Sniffed(MediaKind.AUDIO, "audio/mpeg", "mp3")
    return None


def detect(head: bytes) -> tuple[Sniffed | None, str]:
    """(the verdict or None, a description of what was found) for the first bytes of a file."""
    for refine in (_iso_bmff, _webm, _ogg):
        found = refine(head)
        if found is not None:
            return found, found.content_type
    guess = filetype.guess(head) if head else None
    if guess is not None:
        mime = str(guess.mime)
        allowed = _ALLOWED.get(mime)
        if allowed is not None:
            return Sniffed(*allowed), mime
        return None, f"{mime} (.{guess.extension})"
    found = _mp3_frame(head)
    if found is not None:
        return found, found.content_type
    if not head:
        return None, "an empty file"
    if _looks_like_text(head):
        return None, "text"
    return None, "unrecognised binary data"


def _looks_like_text(head: bytes) -> bool:
    sample = head[:4096]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start >= len(sample) - 4  # cut in the middle of a multi-byte character
    return True


def sniff(head: bytes, name: str) -> Sniffed:
    """Classify a file by its first bytes; raise `InvalidInput` naming `name` when not allowed."""
    found, description = detect(head)
    if found is None:
        raise InvalidInput(
            f"{name}: not a supported media file (the content is {description}). "
            f"Allowed: {ALLOWED_DESCRIPTION}. The type is judged from the content, not the name.",
            code="unsupported_media_type",
            details={"file": name, "detected": description},
        )
    return found


def check_size(name: str, kind: MediaKind, size: int, limits: dict[MediaKind, int]) -> None:
    """Raise `InvalidInput` when `size` exceeds the limit for `kind`."""
    limit = limits[kind]
    if size > limit:
        raise InvalidInput(
            f"{name}: this {kind.value} file is larger than the limit of "
            f"{format_bytes(limit)} for {kind.value} files.",
            code="media_too_large",
            details={"file": name, "kind": kind.value, "limit_bytes": limit},
        )


def format_bytes(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.4g} {unit}"
        value /= 1024
    raise AssertionError("unreachable")
