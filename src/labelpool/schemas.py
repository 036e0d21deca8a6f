"""Pydantic base classes shared by every API body."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict


class InputModel(BaseModel):
    """Request bodies: unknown fields are an error, strings are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OutputModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


MAX_ID = 2**63 - 1
ResourceId = Annotated[
    int, Path(ge=1, le=MAX_ID, description="A positive whole number identifying the resource.")
]
