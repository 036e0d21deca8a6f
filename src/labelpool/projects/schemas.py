"""API bodies for projects, items, imports and predictions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import AwareDatetime, Field, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from labelpool.projects.models import ImportStage, ImportStatus, ProjectStatus
from labelpool.web.schemas import InputModel, OutputModel

MOVED_FIELDS = {
    "guidelines": (
        "a project's guidelines are versioned now: write them with POST /api/v1/guidelines "
        "(project_ids links them to the project) and publish changes with "
        "POST /api/v1/guidelines/<id>/versions"
    ),
}


def _refuse_moved_fields(model: str, data: Any) -> Any:
    """A 422 that says where a field that left the project body went."""
    if isinstance(data, dict) and (moved := sorted(MOVED_FIELDS.keys() & data.keys())):
        raise ValidationError.from_exception_data(
            model,
            [
                InitErrorDetails(
                    type=PydanticCustomError("field_moved", MOVED_FIELDS[name]),
                    loc=(name,),
                    input=data[name],
                )
                for name in moved
            ],
        )
    return data


class ProjectCreate(InputModel):
    name: str = Field(min_length=1, max_length=200, examples=["Product review sentiment"])
    template: str | None = Field(
        default=None,
        description="Template key (see GET /api/v1/templates).",
        examples=["text-sentiment"],
    )
    organization_id: int | None = Field(
        default=None, description="Defaults to your organization when you have exactly one."
    )
    description: str | None = Field(default=None, max_length=20_000)
    instructions: str | None = Field(default=None, max_length=20_000)
    data_fields: list[dict[str, Any]] | None = Field(
        default=None, description="Overrides the template's data fields."
    )
    label_schema: dict[str, Any] | None = Field(
        default=None, description='Overrides the template\'s schema: {"controls": [...]}.'
    )
    overlap: int = Field(default=3, ge=1, le=100, description="Answers wanted per item.")
    lease_seconds: int = Field(default=600, ge=30, le=86_400)

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        return _refuse_moved_fields(cls.__name__, data)


class ProjectUpdate(InputModel):
    """A PATCH: fields left out keep their value; none of them can be null."""

    clearable: ClassVar[frozenset[str]] = frozenset({"deadline", "max_responses_per_day"})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    instructions: str | None = Field(default=None, max_length=20_000)
    data_fields: list[dict[str, Any]] | None = None
    label_schema: dict[str, Any] | None = None
    overlap: int | None = Field(default=None, ge=1, le=100)
    lease_seconds: int | None = Field(default=None, ge=30, le=86_400)
    deadline: AwareDatetime | None = Field(
        default=None, description="When the work should be done (null clears it)."
    )
    max_lease_seconds: int | None = Field(
        default=None, ge=30, le=7 * 86_400, description="The longest a lease may be extended to."
    )
    gold_rate: int | None = Field(
        default=None, ge=0, le=100, description="Percent of claims that draw a gold item."
    )
    max_live_per_contributor: int | None = Field(
        default=None, ge=1, le=100, description="Tasks one contributor may hold at once."
    )
    max_responses_per_day: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Answers per contributor a day (null: any)."
    )
    report_threshold: int | None = Field(
        default=None, ge=1, le=1000, description="Distinct reports that take an item out."
    )
    fair_share_factor: int | None = Field(
        default=None,
        ge=0,
        le=1000,
        description="Hold back the busiest when open items fall below this many per active "
        "contributor (0: never).",
    )

    @model_validator(mode="before")
    @classmethod
    def _moved(cls, data: Any) -> Any:
        return _refuse_moved_fields(cls.__name__, data)


class StatusChange(InputModel):
    status: ProjectStatus
    reason: str | None = Field(default=None, max_length=1000)


class ProjectOut(OutputModel):
    id: int
    organization_id: int
    name: str
    description: str
    template_key: str | None
    task_family: str
    status: ProjectStatus
    overlap: int
    lease_seconds: int
    deadline: datetime | None
    max_lease_seconds: int
    gold_rate: int
    max_live_per_contributor: int
    max_responses_per_day: int | None
    report_threshold: int
    fair_share_factor: int
    item_count: int
    gold_count: int
    instructions: str
    data_fields: list[dict[str, Any]]
    label_schema: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class StatusEventOut(OutputModel):
    at: datetime
    action: str
    actor_id: int | None
    from_status: str | None
    to_status: str | None
    reason: str | None


class ImportRunOut(OutputModel):
    """An import: queued, running (with its progress), succeeded or failed (with its errors)."""

    id: int
    project_id: int
    source_name: str
    format: str
    status: ImportStatus
    stage: ImportStage | None = Field(
        description="While running: checking every row (nothing stored yet), then writing."
    )
    progress: float = Field(description="0 to 1: checking is the first half, writing the second.")
    bytes_read: int = Field(description="How far into the file the current stage is.")
    bytes_total: int | None
    skip_invalid: bool
    rows_read: int
    rows_imported: int
    rows_invalid: int
    errors: list[dict[str, Any]]
    message: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class ItemOut(OutputModel):
    id: int
    project_id: int
    external_id: str | None
    data: dict[str, Any]
    is_gold: bool
    gold: dict[str, Any] | None
    created_at: datetime


class ItemPage(OutputModel):
    items: list[ItemOut]
    next_after: int | None = Field(
        description="Pass as `after` for the next page; null at the end."
    )


class PredictionIn(InputModel):
    answers: dict[str, Any] = Field(description="Answers by control name.")
    model_version: str = Field(default="", max_length=100)
    score: float | None = None


class PredictionOut(OutputModel):
    id: int
    item_id: int
    model_version: str
    answers: dict[str, Any]
    score: float | None
    created_at: datetime
