"""spans: label stretches of a text (named entities, keywords, grammar issues).

Config::

    {"name": "entities", "kind": "spans", "title": "Mark the entities", "target": "text",
     "labels": [{"value": "PER", "label": "Person", "color": "#e15759"}, ...],
     "allow_overlap": false}

`target` (required) is the text field. With `allow_overlap: false` (the default) no two spans
may share a character.

Answer: a list of ``{"start": int, "end": int, "label": str}``: character offsets into the text,
`end` exclusive, ``0 <= start < end`` (and ``end <= len(text)`` when the item data is given);
no two spans identical. Normalised to (start, end, label) order. A required control needs at
least one span (make it optional when "no spans" is a valid answer).

Score: label F1 over units, against gold (both empty → 1). With the item text at hand
(`score_in` / `schema.score_response(..., data=...)`) the units are whitespace tokens: a token
carries a label when a span with that label covers any of its characters. Without the text the
units are characters. Agreement: mean pairwise F1.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any, Literal

from labelpool.controls.base import JSON, AnswerError
from labelpool.controls.common import (
    LabelledConfig,
    SimpleKind,
    check_label,
    check_list,
    check_object,
    is_int,
    quoted,
)

_TOKEN = re.compile(r"\S+")


class SpansConfig(LabelledConfig):
    kind: Literal["spans"] = "spans"
    allow_overlap: bool = False


def _units(spans: list[Mapping[str, Any]], text: str | None) -> set[tuple[int, str]]:
    """(unit index, label) pairs covered by the spans; units are tokens when text is given."""
    units: set[tuple[int, str]] = set()
    if text is None:
        for span in spans:
            units.update((offset, span["label"]) for offset in range(span["start"], span["end"]))
        return units
    tokens = [(match.start(), match.end()) for match in _TOKEN.finditer(text)]
    for span in spans:
        for index, (start, end) in enumerate(tokens):
            if start < span["end"] and span["start"] < end:
                units.add((index, span["label"]))
    return units


def span_f1(
    answer: list[Mapping[str, Any]], gold: list[Mapping[str, Any]], text: str | None = None
) -> float:
    """Label F1 of the covered units (tokens of `text`, or characters without it)."""
    a, g = _units(answer, text), _units(gold, text)
    if not a and not g:
        return 1.0
    return 2 * len(a & g) / (len(a) + len(g))


class SpansKind(SimpleKind[SpansConfig]):
    kind = "spans"
    config_model = SpansConfig

    def text_of(self, config: SpansConfig, data: Mapping[str, Any] | None) -> str | None:
        if data is None:
            return None
        value = data.get(config.target)
        return value if isinstance(value, str) else None

    def check(self, config: SpansConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        name = config.name
        spans = check_list(name, answer, "spans")
        if not spans:
            if config.required:
                raise AnswerError(name, "mark at least one span")
            return []
        text = self.text_of(config, data)
        labels = config.label_values()
        out: list[dict[str, Any]] = []
        for number, raw in enumerate(spans, start=1):
            what = f"span {number}"
            span = check_object(name, what, raw, ["start", "end", "label"])
            start, end, label = span["start"], span["end"], span["label"]
            for key, value in (("start", start), ("end", end)):
                if not is_int(value):
                    raise AnswerError(
                        name, f"{what}: {key} should be a character position, got {quoted(value)}"
                    )
            if start < 0:
                raise AnswerError(name, f"{what}: start ({start}) cannot be negative")
            if end <= start:
                raise AnswerError(name, f"{what}: end ({end}) must be after start ({start})")
            if text is not None and end > len(text):
                raise AnswerError(
                    name,
                    f"{what} (characters {start}-{end}) goes past the end of the text, "
                    f"which is {len(text)} characters long",
                )
            check_label(name, what, label, labels)
            out.append({"start": start, "end": end, "label": label})
        out.sort(key=lambda s: (s["start"], s["end"], s["label"]))
        for previous, current in itertools.pairwise(out):
            if previous == current:
                raise AnswerError(
                    name,
                    f"the span {current['start']}-{current['end']} ({current['label']}) "
                    "is marked twice",
                )
        if not config.allow_overlap:
            for i, first in enumerate(out):
                for second in out[i + 1 :]:
                    if second["start"] >= first["end"]:
                        break
                    raise AnswerError(
                        name,
                        f"spans must not overlap: {first['start']}-{first['end']} "
                        f"({first['label']}) and {second['start']}-{second['end']} "
                        f"({second['label']})",
                    )
        return out

    def similarity(self, config: SpansConfig, answer: JSON, gold: JSON) -> float:
        return span_f1(answer, gold)

    def similarity_in(
        self, config: SpansConfig, answer: JSON, gold: JSON, data: Mapping[str, Any] | None
    ) -> float:
        return span_f1(answer, gold, self.text_of(config, data))
