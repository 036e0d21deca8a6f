"""How wide and how large one item may be: checked at import, shortened for display (pure).

Import refuses, naming the row and the limit, a file with more than `MAX_COLUMNS` columns
(CSV, TSV, Parquet) and a row with more than `MAX_KEYS_PER_ITEM` keys (JSON, JSON Lines) or
more than `MAX_ITEM_BYTES` once serialized as JSON. Items stored before these limits, or large
within them, are shortened by `preview` on the items page and in the items list of the API.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import Any

import orjson

from labelpool.media.sniff import format_bytes

MAX_COLUMNS = 1_000
MAX_KEYS_PER_ITEM = 1_000
MAX_ITEM_BYTES = 1024 * 1024
MAX_JSON_ARRAY_BYTES = 200 * 1024 * 1024
#: Rows shorter than this are not measured: more than `MAX_KEYS_PER_ITEM` keys, or JSON nested
#: deeper than can be stored (254 levels), cannot fit in so few bytes.
MEASURE_ABOVE_BYTES = 500

#: Items whose data is larger than this (as JSON) are shortened for display; smaller ones are
#: shown whole.
PREVIEW_ABOVE_BYTES = 64 * 1024
PREVIEW_MAX_CHARS = 10_000  # of one string
PREVIEW_MAX_ENTRIES = 100  # keys of one object, elements of one list
PREVIEW_MAX_DEPTH = 20
PREVIEW_BUDGET = 50_000  # characters in all (each value and key costs at least 8)
MORE = "\u2026"  # the ellipsis, and the key that says how many keys were left out


def _key_count(record: Any) -> int:
    if not isinstance(record, dict):
        return 0
    nested = record.get("data")
    return len(record) + (len(nested) if isinstance(nested, dict) else 0)


def too_many_columns(count: int) -> str | None:
    """The problem with a file of `count` columns, or None."""
    if count <= MAX_COLUMNS:
        return None
    return f"has {count:,} columns, more than the limit of {MAX_COLUMNS:,}"


def too_large(size: int) -> str | None:
    """The problem with a row of `size` bytes, or None."""
    if size <= MAX_ITEM_BYTES:
        return None
    return (
        f"is {format_bytes(size)} as JSON, more than the limit of "
        f"{format_bytes(MAX_ITEM_BYTES)} per item"
    )


def record_problem(record: Any) -> str | None:
    """Why a row is too wide or too large to be an item, or None when it fits."""
    keys = _key_count(record)
    if keys > MAX_KEYS_PER_ITEM:
        return f"has {keys:,} keys, more than the limit of {MAX_KEYS_PER_ITEM:,} per item"
    try:
        size = len(orjson.dumps(record))
    except TypeError as exc:  # a value JSON cannot hold, or nesting deeper than 254 levels
        return f"cannot be stored as JSON ({exc})"
    return too_large(size)


class _Shortener:
    """Copies a value within the preview limits, noting whether anything was left out."""

    def __init__(self) -> None:
        self.budget = PREVIEW_BUDGET
        self.cut = False

    def text(self, value: str) -> str:
        room = max(0, min(PREVIEW_MAX_CHARS, self.budget))
        self.budget -= min(len(value), room) + 8
        if len(value) <= room:
            return value
        self.cut = True
        return f"{value[:room]}{MORE} ({len(value) - room:,} more characters)"

    def value(self, value: Any, depth: int) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if not isinstance(value, dict | list):
            self.budget -= 8
            return value
        if depth >= PREVIEW_MAX_DEPTH or self.budget <= 0:
            self.cut = True
            return MORE
        if isinstance(value, dict):
            return self._object(value, depth)
        return self._list(value, depth)

    def _object(self, value: dict[str, Any], depth: int) -> dict[str, Any]:
        shown: dict[str, Any] = {}
        for key, item in islice(value.items(), PREVIEW_MAX_ENTRIES):
            if self.budget <= 0:
                break
            shown[self.text(key)] = self.value(item, depth + 1)
        if len(shown) < len(value):
            self.cut = True
            shown[MORE] = f"and {len(value) - len(shown):,} more"
        return shown

    def _list(self, value: list[Any], depth: int) -> list[Any]:
        shown = []
        for item in islice(value, PREVIEW_MAX_ENTRIES):
            if self.budget <= 0:
                break
            shown.append(self.value(item, depth + 1))
        if len(shown) < len(value):
            self.cut = True
            shown.append(f"{MORE} and {len(value) - len(shown):,} more")
        return shown


def _small(value: Any) -> bool:
    try:
        return len(orjson.dumps(value)) <= PREVIEW_ABOVE_BYTES
    except TypeError:  # too deep for orjson: certainly worth shortening
        return False


def preview(value: Any, first: Iterable[str] = ()) -> tuple[Any, bool]:
    """`value` as shown: whole when small, else shortened (long strings cut with an ellipsis
    and the count left out, objects and lists cut to their first entries with "and N more");
    and whether anything was left out. An object's keys named in `first` (the project's data
    fields) come first, so they are kept whatever order the database returns keys in."""
    if _small(value):
        return value, False
    if isinstance(value, dict):
        ahead = {key: value[key] for key in first if key in value}
        value = {**ahead, **{k: v for k, v in value.items() if k not in ahead}}
    shortener = _Shortener()
    shown = shortener.value(value, 0)
    return shown, shortener.cut
