"""The jobs every installation runs on a schedule."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from labelpool.assessments import service as assessments
from labelpool.assessments.models import Attempt, AttemptStatus
from labelpool.config import Settings
from labelpool.db.engine import make_session_factory
from labelpool.db.types import utcnow
from labelpool.jobs.builtin import load_handlers
from labelpool.jobs.context import JobContext
from labelpool.jobs.registry import PERIODIC
from labelpool.jobs.runner import run_due
from tests.assessments.builders import make_test, org_with_requester
from tests.factories import make_active_contributor


def test_every_installation_has_its_periodic_jobs() -> None:
    load_handlers()
    assert {
        "assessments.grade_expired_attempts",
        "contributors.purge_identity_documents",
        "jobs.prune_finished",
    } <= set(PERIODIC)


def test_an_attempt_left_open_past_its_time_is_graded_by_the_minute_job(
    db: Session, engine: Engine, settings: Settings
) -> None:
    organization, requester = org_with_requester(db)
    test = make_test(db, requester, organization, time_limit_seconds=60)
    contributor = make_active_contributor(db)
    attempt = assessments.start_attempt(db, contributor, test)
    db.commit()
    db.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(deadline_at=utcnow() - timedelta(minutes=5))
    )
    db.commit()
    load_handlers()
    report = run_due(make_session_factory(engine), JobContext(settings))
    assert "assessments.grade_expired_attempts" in report.scheduled and report.failed == 0
    db.rollback()
    graded = db.get(Attempt, attempt.id)
    assert graded is not None
    db.refresh(graded)
    assert graded.status == AttemptStatus.EXPIRED and graded.finished_at is not None
