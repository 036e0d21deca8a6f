"""JSON API for a project's reported items: list them, fix and release one, remove one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import Field

from labelpool.projects.importing.limits import preview
from labelpool.web.deps import CurrentUser, DbSession
from labelpool.web.schemas import AfterId, InputModel, OutputModel, ResourceId
from labelpool.work import reported
from labelpool.work.models import ReportReason

router = APIRouter(tags=["work"])


class ReportCommentOut(OutputModel):
    reason: ReportReason
    comment: str
    created_at: datetime


class ReportedItemOut(OutputModel):
    """A reported item. Who reported is not said: the count, reasons and comments are."""

    id: int
    external_id: str | None
    is_gold: bool
    data: dict[str, Any] = Field(description="The item's data (large values shortened).")
    withdrawn: bool = Field(description="True: enough reports took it out of the pool.")
    reports: int = Field(description="Open reports (since the item's latest release).")
    by_reason: dict[str, int]
    comments: list[ReportCommentOut]
    first_reported_at: datetime | None
    last_reported_at: datetime | None


class ReportedPage(OutputModel):
    items: list[ReportedItemOut]
    withdrawn_total: int = Field(description="Items reports withdrew, waiting for you.")
    next_after_id: int | None = Field(description="Pass as `after_id` for the next page.")


class ReleaseIn(InputModel):
    data: dict[str, Any] | None = Field(
        default=None,
        description="The item's new data, checked like an import row; leave out to release "
        "it as it is.",
    )
    note: str = Field(default="", max_length=1000, description="Why (kept in the history).")


class RemoveIn(InputModel):
    note: str = Field(default="", max_length=1000, description="Why (kept in the history).")


class ReleasedOut(OutputModel):
    id: int
    withdrawn: bool
    data: dict[str, Any]
    data_changed: bool
    resolved_reports: int
    message: str


class RemovedOut(OutputModel):
    id: int
    withdrawn: bool
    removed: bool
    resolved_reports: int
    responses_kept: int
    leases_released: int
    message: str


def _out(entry: reported.ReportedItem, field_names: list[str]) -> ReportedItemOut:
    item = entry.item
    return ReportedItemOut(
        id=item.id,
        external_id=item.external_id,
        is_gold=item.is_gold,
        data=preview(item.data or {}, first=field_names)[0],
        withdrawn=entry.withdrawn,
        reports=entry.reports,
        by_reason=entry.by_reason,
        comments=[
            ReportCommentOut(reason=n.reason, comment=n.comment, created_at=n.created_at)
            for n in entry.notes
        ],
        first_reported_at=entry.first_reported_at,
        last_reported_at=entry.last_reported_at,
    )


@router.get("/projects/{project_id}/reports", response_model=ReportedPage)
def list_reports(
    project_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    after_id: AfterId = 0,
    limit: Annotated[int, Query(ge=1, le=reported.MAX_PAGE)] = 50,
    withdrawn: Annotated[
        bool, Query(description="Only the items reports withdrew (else every reported item).")
    ] = False,
) -> ReportedPage:
    """The project's items with open reports, by item id: staff read them."""
    project = reported.require_project(db, user, project_id, manage=False)
    found = reported.reported_items(
        db, project, after_id=after_id, limit=limit, withdrawn_only=withdrawn
    )
    names = [str(f["name"]) for f in project.data_fields]
    return ReportedPage(
        items=[_out(entry, names) for entry in found],
        withdrawn_total=reported.withdrawn_count(db, project),
        next_after_id=found[-1].item.id if len(found) == limit else None,
    )


@router.post("/projects/{project_id}/items/{item_id}/release", response_model=ReleasedOut)
def release_item(
    project_id: ResourceId,
    item_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    body: ReleaseIn | None = None,
) -> ReleasedOut:
    """Put a reported item back into the pool, optionally with fixed data (422 naming the
    field when it does not fit); its open reports are resolved."""
    project = reported.require_project(db, user, project_id, manage=True)
    done = reported.release(
        db,
        user,
        project,
        item_id,
        body.data if body else None,
        note=body.note if body else "",
    )
    return ReleasedOut(
        id=done.item.id,
        withdrawn=done.item.withdrawn,
        data=done.item.data,
        data_changed=done.data_changed,
        resolved_reports=done.resolved_reports,
        message=reported.released_text(done),
    )


@router.post("/projects/{project_id}/items/{item_id}/remove", response_model=RemovedOut)
def remove_item(
    project_id: ResourceId,
    item_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    body: RemoveIn | None = None,
) -> RemovedOut:
    """Take an item out of the project for good; responses already given are kept."""
    project = reported.require_project(db, user, project_id, manage=True)
    done = reported.remove(db, user, project, item_id, note=body.note if body else "")
    return RemovedOut(
        id=done.item.id,
        withdrawn=done.item.withdrawn,
        removed=True,
        resolved_reports=done.resolved_reports,
        responses_kept=done.responses_kept,
        leases_released=done.leases_released,
        message=reported.removed_text(done),
    )
