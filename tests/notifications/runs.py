"""Running the job runner as a deployment would, and replaying jobs, for notification tests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from labelpool.config import Settings
from labelpool.db.engine import make_session_factory
from labelpool.db.types import utcnow
from labelpool.jobs.builtin import load_handlers
from labelpool.jobs.context import JobContext
from labelpool.jobs.models import JobStatus, OutboxJob
from labelpool.jobs.runner import RunReport, run_due
from labelpool.notifications.models import Notification

load_handlers()  # subscribe every handler before any event is emitted


def drain(engine: Engine, settings: Settings, *, later: float = 0, turns: int = 20) -> RunReport:
    """Run due jobs until none is left due (jobs may queue jobs); `later` seconds from now."""
    factory = make_session_factory(engine)
    context = JobContext(settings)
    total = RunReport()
    for _ in range(turns):
        now = utcnow() + timedelta(seconds=later)
        report = run_due(factory, context, now=now, periodic={})
        total.ran += report.ran
        total.failed += report.failed
        if not report.ran and not report.failed:
            return total
    raise AssertionError("the jobs never settled")


def replay_done(db: Session, *, except_handler: str | None = None) -> int:
    """Queue a copy of every finished job, due now: as if each had run a second time (the
    runner runs a job at least once). Returns how many were queued."""
    db.rollback()
    done = db.scalars(select(OutboxJob).where(OutboxJob.status == JobStatus.DONE)).all()
    copies = [
        OutboxJob(handler=job.handler, payload=dict(job.payload), run_after=utcnow())
        for job in done
        if job.handler != except_handler
    ]
    db.add_all(copies)
    db.commit()
    return len(copies)


def kinds_of(db: Session, user_id: int) -> list[str]:
    """The kinds of the user's notifications, oldest first (as committed)."""
    db.rollback()
    return list(
        db.scalars(
            select(Notification.kind)
            .where(Notification.user_id == user_id)
            .order_by(Notification.id)
        )
    )


def notifications_of(db: Session, user_id: int, kind: str) -> list[Notification]:
    db.rollback()
    return list(
        db.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.kind == kind)
            .order_by(Notification.id)
        )
    )


def count_all(db: Session) -> int:
    db.rollback()
    return db.scalar(select(func.count()).select_from(Notification)) or 0
