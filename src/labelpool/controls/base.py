"""The interface every control kind implements, and the config fields all controls share.

A *control* is one question in a project's label schema. Its config is JSON like::

    {"name": "sentiment", "kind": "choice", "title": "What is the sentiment?",
     "target": "text", "required": true,
     "show_if": {"control": "is_english", "in": ["yes"]},
     "options": [{"value": "positive", "label": "Positive"}, ...], "multiple": false}

`name` is unique in the schema and is the key of the answer in a response; `target` names the
item data field the control looks at (text, image, audio, video, a pair of responses, ...).
Answers are plain JSON values whose shape depends on the kind (documented in each module).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

JSON = Any  # a plain JSON value: dict, list, str, int, float, bool or None


class AnswerError(ValueError):
    """An answer does not fit its control. The message names the control and the problem."""

    def __init__(self, control: str, problem: str) -> None:
        super().__init__(f"{control}: {problem}")
        self.control = control
        self.problem = problem


class Condition(BaseModel):
    """Show a control only when an earlier control's answer is one of `in` (or contains one)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    control: str
    in_: list[str | int | float | bool] = Field(alias="in", min_length=1)


class ControlConfig(BaseModel):
    """Fields common to every kind. Each kind subclasses this with its own fields."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Key of the answer; lower_snake_case, unique in the schema.")
    kind: str
    title: str = Field(min_length=1, max_length=500, description="The question as shown.")
    description: str | None = Field(default=None, max_length=5000, description="Help text.")
    target: str | None = Field(default=None, description="The item data field it looks at.")
    required: bool = True
    show_if: Condition | None = None
    guideline_section: str | None = Field(
        default=None, description="Guidelines section number this control follows, e.g. '2.1'."
    )

    @field_validator("name")
    @classmethod
    def _name_is_identifier(cls, value: str) -> str:
        if not NAME_PATTERN.match(value):
            raise ValueError(
                f"'{value}' is not a valid control name: use lower_snake_case, starting with a "
                "letter, at most 64 characters"
            )
        return value


C = TypeVar("C", bound=ControlConfig)


class ControlKind(Generic[C]):
    """One kind of control. Subclasses are stateless; every method is a pure function.

    `data` is the item's data (a mapping of field name to value) when the check needs it,
    e.g. span offsets must fall inside the target text; it may be None when not known.
    """

    kind: ClassVar[str]
    config_model: ClassVar[type[ControlConfig]]

    def parse_config(self, raw: Mapping[str, Any]) -> C:
        """Validate a config (pydantic errors name the field and the problem)."""
        return self.config_model.model_validate(raw)  # type: ignore[return-value]

    def validate_answer(
        self, config: C, answer: JSON, data: Mapping[str, Any] | None = None
    ) -> JSON:
        """Return the answer normalised, or raise AnswerError naming the control and problem."""
        raise NotImplementedError

    def score(self, config: C, answer: JSON, gold: JSON) -> float:
        """How well a (valid) answer matches the gold answer, in [0, 1]."""
        raise NotImplementedError

    def agreement(self, config: C, answers: Sequence[JSON]) -> float:
        """How much several (valid) answers to one item agree, in [0, 1]; 1.0 for < 2 answers."""
        raise NotImplementedError

    def export(self, config: C, answer: JSON) -> JSON:
        """The answer as plain JSON for export files."""
        raise NotImplementedError
