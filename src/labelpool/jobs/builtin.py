"""Jobs every installation runs; features register theirs in their own `jobs.py`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from labelpool.db.types import utcnow
from labelpool.jobs.context import JobContext
from labelpool.jobs.models import OutboxJob
from labelpool.jobs.registry import periodic

KEEP_FINISHED = timedelta(days=7)


@periodic("jobs.prune_finished", every=timedelta(hours=6))
def prune_finished(db: Session, _payload: dict[str, Any], _context: JobContext) -> None:
    """Forget jobs that finished (done or failed) a week ago."""
    cutoff = utcnow() - KEEP_FINISHED
    db.execute(delete(OutboxJob).where(OutboxJob.finished_at < cutoff))


def load_handlers() -> None:
    """Import every module that registers jobs (the runner calls this before its first turn)."""
    from labelpool.assessments import jobs as assessments_jobs
    from labelpool.contributors import jobs as contributors_jobs
    from labelpool.eligibility import notices as eligibility_notices
    from labelpool.notifications import jobs as notifications_jobs
    from labelpool.notifications import subscriptions as notifications_subscriptions
    from labelpool.projects import jobs as projects_jobs
    from labelpool.work import jobs as work_jobs

    _ = (assessments_jobs, contributors_jobs, projects_jobs, work_jobs)
    _ = (eligibility_notices, notifications_jobs, notifications_subscriptions)
