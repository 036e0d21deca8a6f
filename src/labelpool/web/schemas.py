"""Pydantic base classes shared by every API body, and the bounds every id has."""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar, Self

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from labelpool.text import one_line_ending

MAX_ID = 2**63 - 1
MIN_INT = -(2**63)
ResourceId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="A positive whole number identifying the resource.")
]
# Ids and counters outside the path: the same 64-bit bound, so no value can overflow a column.
AfterId = Annotated[int, Query(ge=0, le=MAX_ID, description="Last id of the previous page.")]


def storable_problem(value: Any) -> str | None:
    """Why a decoded JSON value cannot be stored, or None: 64-bit integers, finite numbers,
    no NUL characters (PostgreSQL text cannot hold them), at any depth."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if not MIN_INT <= value <= MAX_ID:
            return "whole numbers must lie between -2^63 and 2^63-1"
    elif isinstance(value, float):
        if not math.isfinite(value):
            return "numbers must be finite"
    elif isinstance(value, str):
        if "\x00" in value:
            return "text must not contain the NUL character (\\u0000)"
    elif isinstance(value, dict):
        for key, item in value.items():
            problem = storable_problem(key) or storable_problem(item)
            if problem:
                return problem
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            problem = storable_problem(item)
            if problem:
                return problem
    return None


def with_one_line_ending(value: Any) -> Any:
    """`value` with every string's line endings made LF, at any depth (unchanged if none)."""
    if isinstance(value, str):
        return one_line_ending(value)
    if isinstance(value, dict):
        return {key: with_one_line_ending(item) for key, item in value.items()}
    if isinstance(value, list):
        return [with_one_line_ending(item) for item in value]
    return value


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, strings are trimmed, every value storable.

    PATCH bodies leave a field out to keep its value. `null` clears a field only where the
    model lists it in `clearable`; anywhere else `null` is refused (422), never stored.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    clearable: ClassVar[frozenset[str] | None] = None  # None: not a PATCH body

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        problem = storable_problem(value)
        if problem:
            raise ValueError(problem)
        return with_one_line_ending(value)

    @model_validator(mode="after")
    def _null_only_where_clearable(self) -> Self:
        if self.clearable is None:
            return self
        nulled = sorted(
            name
            for name in self.model_fields_set
            if getattr(self, name) is None and name not in self.clearable
        )
        if nulled:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError(
                            "null_not_allowed",
                            "cannot be null; leave the field out to keep its current value",
                        ),
                        loc=(name,),
                        input=None,
                    )
                    for name in nulled
                ],
            )
        return self


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)
