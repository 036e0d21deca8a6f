"""pairwise: which of two responses is better (side-by-side comparison).

Config::

    {"name": "preference", "kind": "pairwise", "title": "Which response is better?",
     "target": "prompt", "targets": ["response_a", "response_b"],
     "allow_tie": true, "strength": ["slightly", "much"]}

`targets` names the two data fields shown side by side as "a" and "b" (required, distinct);
`target` is optional and may name the shared context (e.g. the prompt).

Answer: ``{"winner": "a" | "b" | "tie", "strength": "much"}``. "tie" only when `allow_tie`;
`strength` is optional, must be one of the configured `strength` values, and is only allowed
when a side wins.

Score: 1 if the winners match, 0.5 if exactly one of the two says tie, else 0 (strength is not
scored). Agreement: mean pairwise score.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field, model_validator

from labelpool.controls.base import JSON, AnswerError, ControlConfig
from labelpool.controls.common import (
    SimpleKind,
    check_object,
    check_unique_values,
    listing,
    quoted,
)


class PairwiseConfig(ControlConfig):
    kind: Literal["pairwise"] = "pairwise"
    targets: list[str] = Field(min_length=2, max_length=2, description="Fields shown as a, b.")
    allow_tie: bool = True
    strength: list[str] | None = Field(default=None, min_length=1, max_length=10)

    @model_validator(mode="after")
    def _check(self) -> PairwiseConfig:
        if self.targets[0] == self.targets[1]:
            raise ValueError("targets must name two different data fields")
        if self.strength is not None:
            check_unique_values(self.strength, "strength values")
            if any(not value for value in self.strength):
                raise ValueError("strength values must not be empty")
        return self

    def winners(self) -> list[str]:
        return ["a", "b", "tie"] if self.allow_tie else ["a", "b"]


class PairwiseKind(SimpleKind[PairwiseConfig]):
    kind = "pairwise"
    config_model = PairwiseConfig

    def check(self, config: PairwiseConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        name = config.name
        value = check_object(name, "the answer", answer, ["winner"], ["strength"])
        winner = value["winner"]
        if winner == "tie" and not config.allow_tie:
            raise AnswerError(name, "a tie is not allowed here; choose a or b")
        if winner not in config.winners():
            raise AnswerError(
                name, f"winner {quoted(winner)} should be one of {listing(config.winners())}"
            )
        out: dict[str, Any] = {"winner": winner}
        strength = value.get("strength")
        if strength is not None:
            if config.strength is None:
                raise AnswerError(name, "this comparison does not ask how much better")
            if winner == "tie":
                raise AnswerError(name, "a tie has no strength; leave it out")
            if strength not in config.strength:
                raise AnswerError(
                    name,
                    f"strength {quoted(strength)} should be one of {listing(config.strength)}",
                )
            out["strength"] = strength
        return out

    def similarity(self, config: PairwiseConfig, answer: JSON, gold: JSON) -> float:
        a, g = answer["winner"], gold["winner"]
        if a == g:
            return 1.0
        if "tie" in (a, g):
            return 0.5
        return 0.0

    def possible_values(self, config: PairwiseConfig) -> list[Any]:
        return config.winners()

    def answer_values(self, config: PairwiseConfig, answer: JSON) -> list[Any]:
        return [answer["winner"]] if isinstance(answer, Mapping) else []
