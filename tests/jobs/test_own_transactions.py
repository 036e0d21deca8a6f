"""Handlers that open their own transactions (long work such as imports, issue 20.2): they run
outside the runner's transaction, commit as they go, keep their lease alive, and are retried."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from labelpool.audit.models import AuditEvent
from labelpool.audit.service import record
from labelpool.config import Settings
from labelpool.db.engine import begin_write, make_session_factory, transaction
from labelpool.jobs import runner
from labelpool.jobs.context import JobContext
from labelpool.jobs.models import JobStatus, OutboxJob
from labelpool.jobs.outbox import enqueue
from labelpool.jobs.registry import Periodic, handler, own_transactions
from labelpool.jobs.runner import run_due

NONE: dict[str, Periodic] = {}
SEEN: dict[str, list[bool]] = {}


@own_transactions("tests.own_steps")
def _steps(payload: dict[str, Any], context: JobContext) -> None:
    """Commits one audit row per step, each in a transaction of its own."""
    assert context.sessions is not None
    for step in range(payload["steps"]):
        with transaction(context.sessions) as db:
            begin_write(db)  # on SQLite this would wait forever if the runner held the lock
            record(db, "tests.own_step", "job", step)
        if step + 1 == payload.get("fail_after"):
            raise RuntimeError("stopped part-way")


@own_transactions("tests.own_keep_alive")
def _keep_alive(payload: dict[str, Any], context: JobContext) -> None:
    key = payload["key"]
    SEEN[key] = [context.keep_alive()]
    assert context.sessions is not None
    with transaction(context.sessions) as db:  # another runner takes the job over
        taken = update(OutboxJob).where(OutboxJob.handler == "tests.own_keep_alive")
        db.execute(taken.values(lease="x"))
    SEEN[key].append(context.keep_alive())


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


def _steps_done(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).where(AuditEvent.action == "tests.own_step")) or 0)


def test_an_own_transactions_handler_commits_as_it_goes_then_its_job_is_done(
    db: Session, factory: sessionmaker[Session], settings: Settings
) -> None:
    enqueue(db, "tests.own_steps", {"steps": 3})
    db.commit()
    report = run_due(factory, JobContext(settings), periodic=NONE)
    assert (report.ran, report.failed) == (1, 0)
    assert _steps_done(db) == 3
    job = db.scalar(select(OutboxJob))
    assert job is not None and job.status == JobStatus.DONE and job.locked_until is None


def test_what_it_committed_before_failing_stays_and_the_job_is_retried(
    db: Session, factory: sessionmaker[Session], settings: Settings
) -> None:
    enqueue(db, "tests.own_steps", {"steps": 3, "fail_after": 2}, max_attempts=2)
    db.commit()
    context = JobContext(settings)
    assert run_due(factory, context, periodic=NONE).failed == 1
    assert _steps_done(db) == 2, "its own transactions were committed: it must resume or undo"
    job = db.scalar(select(OutboxJob))
    assert job is not None and job.status == JobStatus.PENDING and job.last_error is not None
    later = job.run_after + timedelta(seconds=1)
    assert run_due(factory, context, now=later, periodic=NONE).failed == 1
    db.rollback()
    db.refresh(job)
    assert job.status == JobStatus.FAILED


def test_keep_alive_extends_the_lease_and_says_when_it_was_lost(
    db: Session, factory: sessionmaker[Session], settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runner, "KEEP_ALIVE_EVERY", timedelta(0))
    key = uuid.uuid4().hex
    enqueue(db, "tests.own_keep_alive", {"key": key})
    db.commit()
    report = run_due(factory, JobContext(settings), periodic=NONE)
    assert SEEN[key] == [True, False]
    assert report.ran == 1
    job = db.scalar(select(OutboxJob))
    assert job is not None and job.status == JobStatus.PENDING, "left to the runner that has it"


def test_a_name_is_one_kind_of_handler() -> None:
    with pytest.raises(ValueError, match="already registered"):
        handler("tests.own_steps")(lambda db, payload, context: None)
    with pytest.raises(ValueError, match="already registered"):
        own_transactions("tests.own_steps")(lambda payload, context: None)
