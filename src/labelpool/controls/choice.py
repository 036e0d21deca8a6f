"""choice: pick one option, or several with `multiple: true`.

Config::

    {"name": "sentiment", "kind": "choice", "title": "Sentiment?", "target": "text",
     "options": [{"value": "positive", "label": "Positive", "hint": "happy, pleased"}, ...],
     "multiple": false}

Multi-choice adds optional `min_selected` / `max_selected`.

Answer: single → the option value (`"positive"`); multiple → a list of distinct option values
(`["cat", "dog"]`, normalised to the order of the options). A required multi-choice needs at
least one value; an optional one accepts `[]`.

Score: single 1 if equal else 0; multiple → Jaccard index of the two sets (both empty → 1).
Agreement: mean pairwise score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from labelpool.controls.base import JSON, AnswerError, ControlConfig
from labelpool.controls.common import SimpleKind, check_unique_values, listing, quoted, type_name


class Option(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: str = Field(min_length=1, max_length=200)
    label: str = Field(min_length=1, max_length=500)
    hint: str | None = Field(default=None, max_length=2000)


class ChoiceConfig(ControlConfig):
    kind: Literal["choice"] = "choice"
    options: list[Option] = Field(min_length=2, max_length=500)
    multiple: bool = False
    min_selected: int | None = Field(default=None, ge=0)
    max_selected: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _check(self) -> ChoiceConfig:
        check_unique_values([option.value for option in self.options], "option values")
        if not self.multiple and (self.min_selected is not None or self.max_selected is not None):
            raise ValueError("min_selected and max_selected only apply when multiple is true")
        n = len(self.options)
        if self.min_selected is not None and self.min_selected > n:
            raise ValueError(f"min_selected ({self.min_selected}) is more than the {n} options")
        if self.max_selected is not None and self.max_selected > n:
            raise ValueError(f"max_selected ({self.max_selected}) is more than the {n} options")
        if (
            self.min_selected is not None
            and self.max_selected is not None
            and self.min_selected > self.max_selected
        ):
            raise ValueError(
                f"min_selected ({self.min_selected}) is more than "
                f"max_selected ({self.max_selected})"
            )
        return self

    def values(self) -> list[str]:
        return [option.value for option in self.options]


class ChoiceKind(SimpleKind[ChoiceConfig]):
    kind = "choice"
    config_model = ChoiceConfig

    def _not_an_option(self, config: ChoiceConfig, value: Any) -> AnswerError:
        return AnswerError(
            config.name,
            f"{quoted(value)} is not one of the options {listing(config.values())}",
        )

    def check(self, config: ChoiceConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        values = config.values()
        if not config.multiple:
            if isinstance(answer, list):
                raise AnswerError(config.name, "choose one option, not a list")
            if not isinstance(answer, str):
                raise AnswerError(
                    config.name, f"expected one of the options, got {type_name(answer)}"
                )
            if answer == "" and not config.required:
                return None
            if answer == "":
                raise AnswerError(config.name, "an answer is required")
            if answer not in values:
                raise self._not_an_option(config, answer)
            return answer
        if not isinstance(answer, list):
            raise AnswerError(
                config.name, f"expected a list of selected options, got {type_name(answer)}"
            )
        chosen: set[str] = set()
        for value in answer:
            if not isinstance(value, str) or value not in values:
                raise self._not_an_option(config, value)
            if value in chosen:
                raise AnswerError(config.name, f"{quoted(value)} is selected more than once")
            chosen.add(value)
        if not chosen:
            if config.required:
                raise AnswerError(config.name, "select at least one option")
            return []
        if config.min_selected is not None and len(chosen) < config.min_selected:
            raise AnswerError(
                config.name,
                f"select at least {config.min_selected} options ({len(chosen)} selected)",
            )
        if config.max_selected is not None and len(chosen) > config.max_selected:
            raise AnswerError(
                config.name,
                f"select at most {config.max_selected} options ({len(chosen)} selected)",
            )
        return [value for value in values if value in chosen]

    def similarity(self, config: ChoiceConfig, answer: JSON, gold: JSON) -> float:
        if isinstance(answer, list) or isinstance(gold, list):
            a = set(answer) if isinstance(answer, list) else {answer}
            g = set(gold) if isinstance(gold, list) else {gold}
            union = a | g
            return len(a & g) / len(union) if union else 1.0
        return 1.0 if answer == gold else 0.0

    def possible_values(self, config: ChoiceConfig) -> list[Any]:
        return list(config.values())

    def answer_values(self, config: ChoiceConfig, answer: JSON) -> list[Any]:
        if answer is None:
            return []
        return list(answer) if isinstance(answer, list) else [answer]
