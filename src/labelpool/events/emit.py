"""Emitting an event: its audit row and its subscribers' jobs, in the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from labelpool.audit.models import AuditEvent
from labelpool.audit.service import audit_row, record_row
from labelpool.db.types import utcnow
from labelpool.events.actions import Action
from labelpool.jobs.models import OutboxJob
from labelpool.jobs.outbox import enqueue
from labelpool.jobs.registry import Handler

#: action -> names of the job handlers that run after it (in the order they subscribed)
SUBSCRIBERS: defaultdict[Action, list[str]] = defaultdict(list)


def subscribe(action: Action, handler_name: str) -> None:
    """Run the job handler `handler_name` after every committed `action`."""
    if handler_name not in SUBSCRIBERS[action]:
        SUBSCRIBERS[action].append(handler_name)


def on(action: Action, handler_name: str) -> Callable[[Handler], Handler]:
    """Decorator form: register a job handler and subscribe it to `action` in one step."""
    from labelpool.jobs.registry import handler

    def register(function: Handler) -> Handler:
        handler(handler_name)(function)
        subscribe(action, handler_name)
        return function

    return register


def emit(
    db: Session,
    action: Action,
    target_type: str,
    target_id: int | None,
    *,
    actor_id: int | None = None,
    organization_id: int | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Record that `action` happened to the target; queue what subscribed to it. Returns the
    audit row's id.

    Each subscriber's job gets the audit row's fields as its payload (and the row's id).
    """
    row = audit_row(
        action.value,
        target_type,
        target_id,
        actor_id=actor_id,
        organization_id=organization_id,
        reason=reason,
        details=details,
    )
    event_id = record_row(db, row)
    subscribers = SUBSCRIBERS.get(action)
    if subscribers:
        payload = {"event_id": event_id, **row}
        for name in subscribers:
            enqueue(db, name, payload)
    return event_id


@dataclass(frozen=True)
class Event:
    """One event for `emit_many`: what `emit` takes."""

    action: Action
    target_type: str
    target_id: int | None
    actor_id: int | None = None
    organization_id: int | None = None
    reason: str | None = None
    details: dict[str, Any] | None = None


def _insert_rows(db: Session, model: type[Any], values: Sequence[dict[str, Any]]) -> None:
    """A Core bulk insert (one executemany; every dict with the same keys)."""
    if values:
        db.execute(insert(cast(Table, model.__table__)), values)


def _inserted_ids(db: Session, model: type[Any], values: Sequence[dict[str, Any]]) -> list[int]:
    """Bulk-insert `values` (every dict with the same keys) into `model` and return the new
    ids in the order of `values`, in one statement per 1,000 rows on both databases.

    PostgreSQL: `RETURNING ... sort_by_parameter_order`. SQLite has no way to tie RETURNING
    rows to parameters (SQLAlchemy would fall back to one statement a row), but it has one
    writer at a time and numbers the rows of an INSERT in the order of its VALUES, one above
    the table's largest id: the ids, sorted, are in parameter order.
    """
    if not values:
        return []
    statement = insert(model).execution_options(render_nulls=True)
    if db.get_bind().dialect.name == "sqlite":
        return sorted(db.scalars(statement.returning(model.id), values))
    ordered = statement.returning(model.id, sort_by_parameter_order=True)
    return list(db.scalars(ordered, values))


def emit_many(db: Session, events: Sequence[Event]) -> None:
    """`emit` for many events in a few statements whatever their number: the same audit rows,
    in order, and each subscriber's job (as `enqueue` makes it: due now, 8 attempts), with the
    audit row's id in its payload. The caller's transaction, as with `emit`."""
    if not events:
        return
    rows = [
        audit_row(
            e.action.value,
            e.target_type,
            e.target_id,
            actor_id=e.actor_id,
            organization_id=e.organization_id,
            reason=e.reason,
            details=e.details,
        )
        for e in events
    ]
    if not any(SUBSCRIBERS.get(e.action) for e in events):
        # A Core insert: one executemany, where the ORM's bulk insert would start a new
        # statement wherever a None appears or disappears (unless render_nulls) and costs more.
        _insert_rows(db, AuditEvent, rows)
        return
    ids = _inserted_ids(db, AuditEvent, rows)
    now = utcnow()
    jobs = [
        {
            "handler": name,
            "payload": {"event_id": event_id, **row},
            "run_after": now,
            "max_attempts": 8,
        }
        for event_id, event, row in zip(ids, events, rows, strict=True)
        for name in SUBSCRIBERS.get(event.action, ())
    ]
    _insert_rows(db, OutboxJob, jobs)
