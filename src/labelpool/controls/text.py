"""text: free text (content generation, transcription, rewrite, evidence note).

Config::

    {"name": "transcript", "kind": "text", "title": "Type what you hear", "target": "audio",
     "min_length": 1, "max_length": 10000, "multiline": true, "placeholder": "..."}

With `editable_target` the widget offers to start from the target field's text (a correction:
"copy the text, then fix it"), which the labeler may not be able to select and copy.

Answer: a string, stripped of surrounding whitespace. A required control needs non-blank text;
`min_length` / `max_length` count characters of the stripped text (an optional control left
blank is returned as "" and skips `min_length`).

Score: 1 - word error rate against the gold text, clipped to [0, 1]. Words are compared
case-insensitively with punctuation removed; WER = word-level edit distance / gold word count.
Agreement: mean pairwise score (each pair scored both ways and averaged).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import Field, model_validator

from labelpool.controls.base import JSON, AnswerError, ControlConfig
from labelpool.controls.common import SimpleKind, clip01, type_name

_APOSTROPHE = "\u2019"  # typographic apostrophe, treated like '
_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


class TextConfig(ControlConfig):
    kind: Literal["text"] = "text"
    min_length: int = Field(default=0, ge=0)
    max_length: int = Field(default=10000, ge=1, le=1_000_000)
    multiline: bool = False
    placeholder: str | None = Field(default=None, max_length=500)
    editable_target: bool = Field(
        default=False, description="Offer to start from the target field's text, to correct it."
    )

    @model_validator(mode="after")
    def _lengths(self) -> TextConfig:
        if self.min_length > self.max_length:
            raise ValueError(
                f"min_length ({self.min_length}) is more than max_length ({self.max_length})"
            )
        return self


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation: "Don't stop!" → ["don't", "stop"]."""
    return [word.replace(_APOSTROPHE, "'") for word in _WORD.findall(text.casefold())]


def edit_distance(a: Sequence[str], b: Sequence[str]) -> int:
    """Levenshtein distance between two word lists (substitution, insertion, deletion = 1)."""
    previous = list(range(len(b) + 1))
    for i, word_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, word_b in enumerate(b, start=1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (0 if word_a == word_b else 1),
            )
        previous = current
    return previous[-1]


def word_error_rate(answer: str, gold: str) -> float:
    """Edit distance between the word lists divided by the number of gold words.

    No gold words: 0.0 if the answer has none either, else 1.0. May exceed 1 (insertions).
    """
    hyp, ref = words(answer), words(gold)
    if not ref:
        return 0.0 if not hyp else 1.0
    return edit_distance(hyp, ref) / len(ref)


class TextKind(SimpleKind[TextConfig]):
    kind = "text"
    config_model = TextConfig

    def check(self, config: TextConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        if not isinstance(answer, str):
            raise AnswerError(config.name, f"expected text, got {type_name(answer)}")
        text = answer.strip()
        if not text:
            if config.required:
                raise AnswerError(config.name, "an answer is required; the text is empty")
            return ""
        if len(text) < config.min_length:
            raise AnswerError(
                config.name,
                f"the text is {len(text)} characters long; write at least {config.min_length}",
            )
        if len(text) > config.max_length:
            raise AnswerError(
                config.name,
                f"the text is {len(text)} characters long; the limit is {config.max_length}",
            )
        if not config.multiline and ("\n" in text or "\r" in text):
            raise AnswerError(config.name, "the answer should be a single line")
        return text

    def similarity(self, config: TextConfig, answer: JSON, gold: JSON) -> float:
        return clip01(1.0 - word_error_rate(str(answer), str(gold)))
