"""The kinds of media labelpool stores (no dependencies, so models can import it cheaply)."""

from __future__ import annotations

from enum import StrEnum


class MediaKind(StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
