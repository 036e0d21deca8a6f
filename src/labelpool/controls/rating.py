"""rating: a scale of labelled points, each with optional rubric text.

Config::

    {"name": "relevance", "kind": "rating", "title": "How relevant is the result?",
     "scale": [{"value": 1, "label": "Irrelevant", "description": "Unrelated to the query"},
               {"value": 2, "label": "Somewhat"}, {"value": 3, "label": "Highly relevant"}],
     "na_option": true}

Scale values are integers in strictly ascending order (at least two points). With
`na_option: true` the labeler may answer null, meaning "not applicable" (even when required).

Answer: one of the scale values (an integer; "3" and 3.0 are accepted and normalised to 3),
or null for N/A when `na_option` is set.

Score: 1 - |answer - gold| / (max - min); N/A matches only N/A.
Agreement: mean pairwise score = 1 - mean absolute pairwise distance / range.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from labelpool.controls.base import JSON, AnswerError, ControlConfig
from labelpool.controls.common import SimpleKind, is_int, quoted

_INT_TEXT = re.compile(r"^\s*-?\d+\s*$")


class ScalePoint(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: StrictInt
    label: str = Field(min_length=1, max_length=500)
    description: str | None = Field(default=None, max_length=5000)


class RatingConfig(ControlConfig):
    kind: Literal["rating"] = "rating"
    scale: list[ScalePoint] = Field(min_length=2, max_length=101)
    na_option: bool = False
    na_label: str = Field(default="N/A", min_length=1, max_length=200)

    @model_validator(mode="after")
    def _ascending(self) -> RatingConfig:
        values = self.values()
        for low, high in itertools.pairwise(values):
            if high <= low:
                raise ValueError(
                    f"scale values must be in strictly ascending order ({high} comes after {low})"
                )
        return self

    def values(self) -> list[int]:
        return [point.value for point in self.scale]

    def describe_scale(self) -> str:
        return ", ".join(f"{point.value} ({point.label})" for point in self.scale)


class RatingKind(SimpleKind[RatingConfig]):
    kind = "rating"
    config_model = RatingConfig

    def missing(self, config: RatingConfig) -> JSON:
        if config.na_option:
            return None
        return super().missing(config)

    def check(self, config: RatingConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        value: int | None = None
        if is_int(answer):
            value = answer
        elif (isinstance(answer, float) and answer.is_integer()) or (
            isinstance(answer, str) and _INT_TEXT.match(answer)
        ):
            value = int(answer)
        elif isinstance(answer, str) and not answer.strip():
            return self.missing(config)
        if value is None:
            raise AnswerError(
                config.name,
                f"expected a point on the scale {config.describe_scale()}, got {quoted(answer)}",
            )
        if value not in config.values():
            raise AnswerError(
                config.name,
                f"{value} is not on the scale; choose one of {config.describe_scale()}",
            )
        return value

    def similarity(self, config: RatingConfig, answer: JSON, gold: JSON) -> float:
        values = config.values()
        span = values[-1] - values[0]
        return 1.0 - abs(float(answer) - float(gold)) / span

    def possible_values(self, config: RatingConfig) -> list[Any]:
        return list(config.values())

    def answer_values(self, config: RatingConfig, answer: JSON) -> list[Any]:
        return [] if answer is None else [answer]
