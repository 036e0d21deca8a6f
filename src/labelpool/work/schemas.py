"""API bodies for claiming, answering, skipping and reporting work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from labelpool.web.schemas import InputModel, OutputModel
from labelpool.work.models import AssignmentStatus, ReportReason


class WorkItemOut(OutputModel):
    """The item as a contributor sees it: never whether it is gold, nor its known answers."""

    id: int
    data: dict[str, Any]
    media: dict[str, str] = Field(
        default_factory=dict, description="Signed URLs of the item's media fields, by field."
    )


class AssignmentOut(OutputModel):
    id: int
    project_id: int
    item: WorkItemOut
    expires_at: datetime


class ExtendIn(InputModel):
    seconds: int | None = Field(
        default=None, ge=1, le=7 * 24 * 3600, description="Default: the project's lease."
    )


class ExtendOut(OutputModel):
    id: int
    expires_at: datetime


class ResponseIn(InputModel):
    answers: dict[str, Any]
    active_seconds: int = Field(default=0, ge=0, le=7 * 24 * 3600)


class ResponseOut(OutputModel):
    id: int
    assignment_id: int
    item_id: int
    late: bool
    counted: bool
    created_at: datetime


class SkipIn(InputModel):
    reason: str = Field(default="", max_length=500)


class ReportIn(InputModel):
    reason: ReportReason
    comment: str = Field(default="", max_length=5000)


class ReportOut(OutputModel):
    id: int
    item_id: int
    reason: ReportReason
    item_withdrawn: bool


class MyAssignmentOut(OutputModel):
    id: int
    project_id: int
    item_id: int
    status: AssignmentStatus
    created_at: datetime
    expires_at: datetime
    closed_at: datetime | None
    response_id: int | None = None


class MyAssignmentPage(OutputModel):
    assignments: list[MyAssignmentOut]
    next_after_id: int | None
