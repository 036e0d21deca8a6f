"""The shape of a project template (pure data; no web or database imports)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from labelpool.controls.fields import DataField


class TaskFamily(StrEnum):
    """The broad kind of work a template is for; used to group templates in lists."""

    IMAGE = "image"
    VIDEO = "video"
    AUDIO = "audio"
    TEXT = "text"
    RATING = "rating"  # search relevance, ad and AI response rating
    COMPARISON = "comparison"
    CONVERSATION = "conversation"
    GENERATION = "generation"


@dataclass(frozen=True)
class ProjectTemplate:
    """Everything a requester needs to create a working project in one step.

    `controls` are raw control configs (the `controls` list of a label schema), validated by
    `labelpool.controls.schema.parse_schema` against the names of `data_fields`.
    `guidelines` is Markdown with numbered sections (`## 1. Task`, `### 2.1 ...`); each
    control's `guideline_section` names one of them. `sample_items` are example item data
    valid for `data_fields`, and `sample_answer` is a valid response to `sample_items[0]`.
    """

    key: str
    title: str
    family: TaskFamily
    description: str
    instructions: str
    data_fields: tuple[DataField, ...]
    controls: tuple[dict[str, Any], ...]
    guidelines: str
    sample_items: tuple[dict[str, Any], ...]
    sample_answer: dict[str, Any] = field(default_factory=dict)

    @property
    def schema(self) -> dict[str, Any]:
        """The label schema as stored on a project: `{"controls": [...]}`."""
        return {"controls": [dict(control) for control in self.controls]}

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.data_fields]
