"""Putting a job in the outbox, inside the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from labelpool.db.types import utcnow
from labelpool.jobs.models import OutboxJob


def enqueue(
    db: Session,
    handler: str,
    payload: dict[str, Any] | None = None,
    *,
    run_after: datetime | None = None,
    max_attempts: int = 8,
) -> OutboxJob:
    """Add a job; it runs once the caller's transaction commits (and never if it rolls back)."""
    job = OutboxJob(
        handler=handler,
        payload=payload or {},
        run_after=run_after or utcnow(),
        max_attempts=max_attempts,
    )
    db.add(job)
    db.flush()
    return job
