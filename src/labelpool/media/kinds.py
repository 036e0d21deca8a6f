"""The kinds of media labelpool stores, and how items refer to a stored file (no dependencies,
so models can import it cheaply)."""

from __future__ import annotations

import re
from enum import StrEnum


class MediaKind(StrEnum):
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"


#: `media:<id>` as items hold it: a positive whole number, at most 18 digits (fits a bigint).
MEDIA_REFERENCE = re.compile(r"media:([1-9][0-9]{0,17})")
