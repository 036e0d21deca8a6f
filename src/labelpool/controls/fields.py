"""Data fields: what each item of a project carries (pure; no web or database imports).

A template declares its data fields, e.g. `text-sentiment` has one required `text` field;
`side-by-side-comparison` has `prompt`, `response_a` and `response_b`. Import checks every
row against them before anything is stored.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from labelpool.media.kinds import MEDIA_REFERENCE


class FieldKind(StrEnum):
    TEXT = "text"  # plain text (may be long); str
    MARKDOWN = "markdown"  # text rendered as Markdown; str
    NUMBER = "number"  # int or float
    URL = "url"  # an http(s) link shown as a link or page; str
    IMAGE = "image"  # media: http(s) URL, "media:<id>", or a file path inside an imported zip
    AUDIO = "audio"
    VIDEO = "video"
    CONVERSATION = "conversation"  # list of {"role": str, "content": str}
    RESPONSES = "responses"  # list of str (or {"id", "text"}) for ranking N answers
    JSON = "json"  # any JSON value, shown as formatted JSON


MEDIA_KINDS = frozenset({FieldKind.IMAGE, FieldKind.AUDIO, FieldKind.VIDEO})
FIELD_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class DataField(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=FIELD_NAME.pattern)
    kind: FieldKind
    required: bool = True
    description: str | None = None
    example: Any = None


def field_problem(field: DataField, value: Any) -> str | None:
    """Why `value` does not fit `field`, or None when it does. Missing values are checked apart."""
    kind = field.kind
    if kind in (FieldKind.TEXT, FieldKind.MARKDOWN):
        if not isinstance(value, str):
            return f"must be text, got {_type_name(value)}"
        if field.required and not value.strip():
            return "must not be empty"
        return None
    if kind == FieldKind.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return f"must be a number, got {_type_name(value)}"
        return None
    if kind == FieldKind.URL:
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            return "must be an http:// or https:// URL"
        return None
    if kind in MEDIA_KINDS:
        if not isinstance(value, str) or not value.strip():
            return f"must be a {kind.value} URL, a media:<id> reference or a file path"
        if value.startswith("media:") and not MEDIA_REFERENCE.fullmatch(value):
            return "a media reference is media:<id> with the file's number, e.g. media:12"
        return None
    if kind == FieldKind.CONVERSATION:
        if not isinstance(value, list) or not value:
            return "must be a non-empty list of {role, content} turns"
        for i, turn in enumerate(value):
            if not (
                isinstance(turn, dict)
                and isinstance(turn.get("role"), str)
                and isinstance(turn.get("content"), str)
            ):
                return f"turn {i + 1} must be an object with text 'role' and 'content'"
        return None
    if kind == FieldKind.RESPONSES:
        if not isinstance(value, list) or len(value) < 2:
            return "must be a list of at least 2 responses"
        for i, response in enumerate(value):
            if not (
                isinstance(response, str)
                or (isinstance(response, dict) and isinstance(response.get("text"), str))
            ):
                return f"response {i + 1} must be text or an object with 'text'"
        return None
    return None  # JSON: anything goes


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "text",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)
