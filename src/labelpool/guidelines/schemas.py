"""API bodies for guidelines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from labelpool.web.schemas import InputModel, OutputModel


class GuidelinesCreate(InputModel):
    organization_id: int | None = Field(
        default=None, description="Needed only when you manage several organizations."
    )
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(description="Markdown with numbered sections: '## 1. Task', '### 2.1 ...'.")
    project_ids: list[int] = Field(default_factory=list, description="Projects that follow them.")


class VersionCreate(InputModel):
    body: str
    material: bool = Field(
        default=False,
        description="Contributors must pass the questions on the changed sections again.",
    )
    note: str = Field(default="", max_length=5000)


class ProjectLink(InputModel):
    project_id: int = Field(ge=1)


class ExampleCreate(InputModel):
    section: str = Field(description="Section number, e.g. '2.1'.")
    data: dict[str, Any] = Field(description="The example item's data.")
    answer: Any = Field(default=None, description="The correct answer.")
    explanation: str


class ExampleOut(OutputModel):
    id: int
    section: str
    data: dict[str, Any]
    answer: Any
    explanation: str


class QuestionCreate(InputModel):
    section: str
    question: str = Field(min_length=1, max_length=5000)


class QuestionAnswer(InputModel):
    answer: str = Field(min_length=1, max_length=5000)


class QuestionOut(OutputModel):
    id: int
    section: str
    version_number: int
    question: str
    answer: str | None
    answered_at: datetime | None
    created_at: datetime


class OutlineEntry(OutputModel):
    number: str
    title: str
    level: int


class VersionOut(OutputModel):
    number: int
    material: bool
    note: str
    changes: dict[str, list[str]]
    sections: list[OutlineEntry]
    created_at: datetime


class VersionDetail(VersionOut):
    body: str


class SectionOut(OutputModel):
    number: str
    title: str
    level: int
    body: str
    examples: list[ExampleOut]
    faq: list[QuestionOut]


class GuidelinesOut(OutputModel):
    id: int
    organization_id: int
    title: str
    current_version: int
    created_at: datetime
    updated_at: datetime


class GuidelinesDetail(GuidelinesOut):
    project_ids: list[int]
    version: VersionDetail
    preamble: str
    sections: list[SectionOut]


class DiffOut(OutputModel):
    from_version: int
    to_version: int
    added: list[str]
    removed: list[str]
    changed: list[str]
    text_diff: str


class PublishedOut(OutputModel):
    version: VersionOut
    diff: DiffOut
    notified: int
    refreshers_required: int
