"""Emitting an event: its audit row and its subscribers' jobs, in the caller's transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from labelpool.audit.models import AuditEvent
from labelpool.audit.service import record
from labelpool.events.actions import Action
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
) -> AuditEvent:
    """Record that `action` happened to the target; queue what subscribed to it.

    Each subscriber's job gets the audit row's fields as its payload (and the row's id).
    """
    event = record(
        db,
        action.value,
        target_type,
        target_id,
        actor_id=actor_id,
        organization_id=organization_id,
        reason=reason,
        details=details,
    )
    subscribers = SUBSCRIBERS.get(action)
    if subscribers:
        db.flush()
        payload = {
            "event_id": event.id,
            "action": action.value,
            "target_type": target_type,
            "target_id": target_id,
            "actor_id": actor_id,
            "organization_id": organization_id,
            "reason": reason,
            "details": details or {},
        }
        for name in subscribers:
            enqueue(db, name, payload)
    return event
