"""The requester's reported-items list (issue 21, point 5): items contributors reported, what
they said, and the two ways out, "fix and release" (back into the pool, the data optionally
replaced) and "remove" (out of the project for good, its responses kept).

No column says a report is resolved or an item removed: the audit trail does. Releasing an
item emits `item.released` naming the last report it resolves (`through_report_id`); a report
is *open* when it is newer than that, and only open reports count towards withdrawing the
item again (`reports.report`). Removing emits `item.removed`, and a removed item stays
withdrawn. Both lookups go through the audit table's (target_type, target_id) index.

Who reported is not shown, to the requester nor in the API: a report is a contributor telling
the requester their item is broken or offensive, and naming them invites pressure on the
people flagging problems; the count of distinct reporters, the reasons and the comments (with
their dates) are what the requester needs to act.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, select, update
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.audit.models import AuditEvent
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound
from labelpool.events import Action, emit
from labelpool.policy import actor_of, authorize
from labelpool.policy.work import WorkPolicy
from labelpool.projects.importing.limits import preview, record_problem
from labelpool.projects.importing.rows import CheckedRow, RowError
from labelpool.projects.importing.service import (
    drop_refused,
    media_field_names,
    project_fields,
    row_checker,
)
from labelpool.projects.models import Item, Project
from labelpool.text import plural
from labelpool.work import pool
from labelpool.work.models import Assignment, AssignmentStatus, ItemReport, ReportReason, Response

MAX_PAGE = 200
#: Comments shown per item (the newest); the count by reason always covers every open report.
MAX_COMMENTS = 50


# --- what the audit trail says about an item --------------------------------------------------


def released_through(item_id: Any) -> Any:
    """SQL: the last report id the item's latest release resolved (NULL if never released)."""
    return (
        select(AuditEvent.details["through_report_id"].as_integer())
        .where(
            AuditEvent.target_type == "item",
            AuditEvent.target_id == item_id,
            AuditEvent.action == Action.ITEM_RELEASED.value,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def is_removed(item_id: Any) -> ColumnElement[bool]:
    """SQL: whether the item was removed from its project."""
    return exists().where(
        AuditEvent.target_type == "item",
        AuditEvent.target_id == item_id,
        AuditEvent.action == Action.ITEM_REMOVED.value,
    )


def _open(project_id: int) -> ColumnElement[bool]:
    """SQL over ItemReport: the project's reports no release resolved, of items not removed."""
    return and_(
        ItemReport.project_id == project_id,
        ItemReport.id > func.coalesce(released_through(ItemReport.item_id), 0),
        ~is_removed(ItemReport.item_id),
    )


def open_report_count(db: Session, item_id: int) -> int:
    """How many reports of the item came after its latest release (all of them if none)."""
    return (
        db.scalar(
            select(func.count())
            .select_from(ItemReport)
            .where(
                ItemReport.item_id == item_id,
                ItemReport.id > func.coalesce(released_through(item_id), 0),
            )
        )
        or 0
    )


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportNote:
    reason: ReportReason
    comment: str
    created_at: datetime


@dataclass
class ReportedItem:
    """An item with open reports: whether they withdrew it, how many by reason, the comments."""

    item: Item
    reports: int = 0
    by_reason: dict[str, int] = field(default_factory=dict)
    notes: list[ReportNote] = field(default_factory=list)  # the comments, oldest first
    first_reported_at: datetime | None = None
    last_reported_at: datetime | None = None

    @property
    def withdrawn(self) -> bool:
        return self.item.withdrawn


def require_project(db: Session, user: User, project_id: int, *, manage: bool) -> Project:
    """The project if the user may see its reports (`manage`: release and remove them)."""
    project = db.get(Project, project_id)
    if project is None:
        raise NotFound(f"No project with id {project_id}.")
    rule = WorkPolicy.resolve_reports if manage else WorkPolicy.view_reports
    authorize(actor_of(db, user), rule(project))
    return project


def reported_items(
    db: Session,
    project: Project,
    *,
    after_id: int = 0,
    limit: int = 50,
    withdrawn_only: bool = False,
) -> list[ReportedItem]:
    """The project's items with open reports, by item id after `after_id` (withdrawn ones, or
    all that contributors reported, still in the pool or not); removed items are not listed."""
    limit = max(1, min(limit, MAX_PAGE))
    counted = (
        select(ItemReport.item_id)
        .where(_open(project.id), ItemReport.item_id > after_id)
        .group_by(ItemReport.item_id)
        .order_by(ItemReport.item_id)
        .limit(limit)
    )
    if withdrawn_only:
        counted = counted.join(Item, Item.id == ItemReport.item_id).where(Item.withdrawn.is_(True))
    ids = list(db.scalars(counted))
    if not ids:
        return []
    items = {i.id: i for i in db.scalars(select(Item).where(Item.id.in_(ids)))}
    found = {item_id: ReportedItem(items[item_id]) for item_id in ids}
    rows = db.execute(
        select(ItemReport.item_id, ItemReport.reason, ItemReport.comment, ItemReport.created_at)
        .where(_open(project.id), ItemReport.item_id.in_(ids))
        .order_by(ItemReport.id)
    )
    reasons: dict[int, Counter[str]] = {item_id: Counter() for item_id in ids}
    for item_id, reason, comment, created_at in rows:
        entry = found[item_id]
        entry.reports += 1
        reasons[item_id][ReportReason(reason).value] += 1
        entry.first_reported_at = entry.first_reported_at or created_at
        entry.last_reported_at = created_at
        if comment.strip():
            entry.notes.append(ReportNote(ReportReason(reason), comment, created_at))
    for item_id, entry in found.items():
        entry.by_reason = {r.value: reasons[item_id][r.value] for r in ReportReason}
        entry.notes = entry.notes[-MAX_COMMENTS:]
    return [found[item_id] for item_id in ids]


def withdrawn_count(db: Session, project: Project) -> int:
    """How many of the project's items reports withdrew and the requester has not yet released
    or removed (walks the project's reports, never its items)."""
    reported = select(ItemReport.item_id).where(ItemReport.project_id == project.id)
    return (
        db.scalar(
            select(func.count())
            .select_from(Item)
            .where(Item.id.in_(reported), Item.withdrawn.is_(True), ~is_removed(Item.id))
        )
        or 0
    )


# --- acting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Released:
    item: Item
    resolved_reports: int
    data_changed: bool


@dataclass(frozen=True)
class Removed:
    item: Item
    resolved_reports: int
    responses_kept: int
    leases_released: int


def _locked_item(db: Session, project: Project, item_id: int) -> Item:
    """The project's item, its row locked until commit (another project's id: NotFound)."""
    statement = select(Item).where(Item.id == item_id).execution_options(populate_existing=True)
    if db.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    item = db.scalars(statement).first()
    if item is None or item.project_id != project.id:
        raise NotFound(f"Project {project.id} has no item with id {item_id}.")
    return item


def _check_not_removed(db: Session, item: Item) -> None:
    if db.scalar(select(is_removed(item.id))):
        raise Conflict(
            f"Item {item.id} was removed from the project for good; it cannot come back. "
            "Import its data again as a new item if it should be labelled.",
            code="item_removed",
        )


def checked_data(db: Session, project: Project, data: Mapping[str, Any]) -> dict[str, Any]:
    """New data for an item, checked as an import row would be: the project's data fields
    (required, kinds), the size limits, media of the project's organization only."""
    record: dict[str, Any] = {"data": dict(data)}
    problems: list[RowError] = []
    if (too_big := record_problem(record)) is not None:
        problems.append(RowError(1, None, too_big))
    else:
        fields = project_fields(project)
        result = row_checker(project, fields).check(1, record)
        if isinstance(result, list):
            problems.extend(result)
        else:
            kept: list[CheckedRow] = drop_refused(
                db, project, media_field_names(fields), [result], problems.extend, False
            )
            if kept:
                return dict(kept[0].data)
    details = [{"field": p.field, "problem": p.problem} for p in problems]
    said = "; ".join(f"'{p.field}' {p.problem}" if p.field else p.problem for p in problems)
    raise InvalidInput(
        f"The new data does not fit the project's data fields: {said}.",
        details=details,
    )


def release(
    db: Session,
    user: User,
    project: Project,
    item_id: int,
    data: Mapping[str, Any] | None = None,
    *,
    note: str = "",
) -> Released:
    """Put a reported item back into the pool, its data replaced by `data` when given; its
    open reports are resolved (kept, no longer counted). Responses already given are kept."""
    item = _locked_item(db, project, item_id)
    _check_not_removed(db, item)
    resolved = open_report_count(db, item.id)
    if not item.withdrawn and resolved == 0:
        raise Conflict(
            f"Item {item.id} is in the pool and has no open reports: there is nothing to release.",
            code="not_reported",
        )
    values: dict[str, Any] = {"withdrawn": False}
    details: dict[str, Any] = {"project_id": project.id, "reports": resolved}
    changed = False
    if data is not None:
        new_data = checked_data(db, project, data)
        changed = new_data != (item.data or {})
        if changed:
            details["previous_data"] = preview(item.data or {})[0]
            values["data"] = new_data
    through = db.scalar(select(func.max(ItemReport.id)).where(ItemReport.item_id == item.id))
    details |= {"through_report_id": through or 0, "data_changed": changed}
    db.execute(
        update(Item)
        .where(Item.id == item.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    emit(
        db,
        Action.ITEM_RELEASED,
        "item",
        item.id,
        actor_id=user.id,
        organization_id=project.organization_id,
        reason=note[:1000] or None,
        details=details,
    )
    db.refresh(item)
    return Released(item, resolved, changed)


def remove(
    db: Session,
    user: User,
    project: Project,
    item_id: int,
    *,
    note: str = "",
    now: datetime | None = None,
) -> Removed:
    """Take an item out of the project for good: it stays withdrawn, live leases on it end
    (released), and every response already given is kept (the pay issue pays them)."""
    now = now or utcnow()
    item = _locked_item(db, project, item_id)
    _check_not_removed(db, item)
    resolved = open_report_count(db, item.id)
    db.execute(
        update(Item)
        .where(Item.id == item.id)
        .values(withdrawn=True)
        .execution_options(synchronize_session=False)
    )
    live = list(
        db.scalars(
            select(Assignment.id).where(
                Assignment.item_id == item.id, Assignment.status == AssignmentStatus.LIVE
            )
        )
    )
    ended = 0
    for assignment_id in live:
        ended += len(
            pool.end_live(
                db,
                project,
                AssignmentStatus.RELEASED,
                now,
                lapsed_only=False,
                assignment_id=assignment_id,
            )
        )
    kept = (
        db.scalar(select(func.count()).select_from(Response).where(Response.item_id == item.id))
        or 0
    )
    emit(
        db,
        Action.ITEM_REMOVED,
        "item",
        item.id,
        actor_id=user.id,
        organization_id=project.organization_id,
        reason=note[:1000] or None,
        details={
            "project_id": project.id,
            "reports": resolved,
            "responses_kept": kept,
            "leases_released": ended,
        },
    )
    db.refresh(item)
    return Removed(item, resolved, kept, ended)


def released_text(done: Released) -> str:
    """What a person is told after a release."""
    fixed = " with its new data" if done.data_changed else ""
    return (
        f"Item {done.item.id} is back in the pool{fixed}; "
        f"{plural(done.resolved_reports, 'report')} resolved."
    )


def removed_text(done: Removed) -> str:
    """What a person is told after a removal."""
    leases = f"; {plural(done.leases_released, 'live lease')} ended" if done.leases_released else ""
    return (
        f"Item {done.item.id} is removed from the project; "
        f"{plural(done.responses_kept, 'response')} already given kept{leases}."
    )
