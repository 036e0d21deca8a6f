"""Writing audit events."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from labelpool.audit.models import AuditEvent


def record(
    db: Session,
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    actor_id: int | None = None,
    organization_id: int | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> int:
    """Insert the audit row now (one Core statement, no unit-of-work flush); its id."""
    return record_row(
        db,
        audit_row(
            action,
            target_type,
            target_id,
            actor_id=actor_id,
            organization_id=organization_id,
            reason=reason,
            details=details,
        ),
    )


def audit_row(
    action: str,
    target_type: str,
    target_id: int | None,
    *,
    actor_id: int | None = None,
    organization_id: int | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An audit row's columns (`created_at` aside: its default)."""
    return {
        "action": action,
        "target_type": target_type,
        "target_id": target_id,
        "actor_id": actor_id,
        "organization_id": organization_id,
        "reason": reason,
        "details": details or {},
    }


def record_row(db: Session, row: dict[str, Any]) -> int:
    """Insert an `audit_row` now; its id."""
    return int(db.scalar(INSERT_AUDIT_EVENT, row))


AUDIT_EVENTS = cast(Table, AuditEvent.__table__)
# Built once; each call binds a row (the columns above, `created_at` by its default).
INSERT_AUDIT_EVENT = insert(AUDIT_EVENTS).returning(AUDIT_EVENTS.c.id)
