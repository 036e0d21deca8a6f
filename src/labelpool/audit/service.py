"""Writing audit events."""

from __future__ import annotations

from typing import Any

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
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor_id=actor_id,
        organization_id=organization_id,
        reason=reason,
        details=details or {},
    )
    db.add(event)
    return event
