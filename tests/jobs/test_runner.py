"""The outbox and the job runner: transactional enqueue, retries, leases, schedules, workers."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from labelpool.audit.models import AuditEvent
from labelpool.audit.service import record
from labelpool.config import Settings
from labelpool.db.engine import make_session_factory
from labelpool.db.types import utcnow
from labelpool.jobs.context import JobContext
from labelpool.jobs.models import JobSchedule, JobStatus, OutboxJob
from labelpool.jobs.outbox import enqueue
from labelpool.jobs.registry import Periodic, handler
from labelpool.jobs.runner import LEASE, Worker, _claim, _run_one, backoff, run_due

FAILURES: dict[str, int] = {}


@handler("tests.record")
def _record(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    record(db, "tests.job_ran", "job", payload.get("n"))


@handler("tests.flaky")
def _flaky(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    key = payload["key"]
    FAILURES[key] = FAILURES.get(key, 0) + 1
    if FAILURES[key] <= payload["fail_times"]:
        raise RuntimeError(f"failure {FAILURES[key]}")
    record(db, "tests.job_ran", "job", 0)


@pytest.fixture
def factory(engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(engine)


@pytest.fixture
def context(settings: Settings) -> JobContext:
    return JobContext(settings)


NONE: dict[str, Periodic] = {}  # the built-in periodic jobs stay out of these tests


def _ran(db: Session) -> int:
    db.rollback()
    return int(db.scalar(select(func.count()).where(AuditEvent.action == "tests.job_ran")) or 0)


def test_a_job_exists_only_if_its_transaction_committed(
    db: Session, factory: sessionmaker[Session], context: JobContext
) -> None:
    enqueue(db, "tests.record", {"n": 1})
    db.rollback()
    enqueue(db, "tests.record", {"n": 2})
    db.commit()
    report = run_due(factory, context, periodic=NONE)
    assert report.ran == 1 and _ran(db) == 1
    job = db.scalar(select(OutboxJob))
    assert job is not None and job.status == JobStatus.DONE and job.finished_at is not None
    assert run_due(factory, context, periodic=NONE).ran == 0  # done jobs never run again


def test_failures_are_retried_with_backoff_then_given_up(
    db: Session, factory: sessionmaker[Session], context: JobContext
) -> None:
    a, b = uuid.uuid4().hex, uuid.uuid4().hex  # FAILURES outlives the test
    enqueue(db, "tests.flaky", {"key": a, "fail_times": 1})
    enqueue(db, "tests.flaky", {"key": b, "fail_times": 99}, max_attempts=3)
    db.commit()
    now = utcnow()
    assert run_due(factory, context, periodic=NONE, now=now).failed == 2
    assert run_due(factory, context, periodic=NONE, now=now).ran == 0  # waiting out the back-off
    later = now + backoff(1) + timedelta(seconds=1)
    report = run_due(factory, context, periodic=NONE, now=later)
    assert (report.ran, report.failed) == (1, 1)
    run_due(factory, context, periodic=NONE, now=later + backoff(2) + timedelta(seconds=1))
    db.rollback()
    jobs = {j.payload["key"]: j for j in db.scalars(select(OutboxJob))}
    assert jobs[a].status == JobStatus.DONE and jobs[a].attempts == 2
    assert jobs[b].status == JobStatus.FAILED and jobs[b].attempts == 3
    assert "RuntimeError: failure 3" in (jobs[b].last_error or "")
    assert _ran(db) == 1
    assert backoff(1) < backoff(2) < backoff(3) and backoff(30) == timedelta(hours=1)


def test_a_job_whose_runner_died_runs_again_after_its_lease(
    db: Session, factory: sessionmaker[Session], context: JobContext
) -> None:
    enqueue(db, "tests.record", {"n": 7})
    db.commit()
    now = utcnow()
    [(job_id, stale_lease)] = _claim(factory, now, 10)  # this runner dies before running it
    assert (
        run_due(factory, context, periodic=NONE, now=now).ran == 0
    )  # leased: nobody else takes it
    assert run_due(factory, context, periodic=NONE, now=now + LEASE + timedelta(seconds=1)).ran == 1
    assert _run_one(factory, context, job_id, stale_lease)  # the dead runner's lease is void
    assert _ran(db) == 1


def test_periodic_jobs_are_enqueued_once_per_interval_whatever_the_runners(
    db: Session, factory: sessionmaker[Session], context: JobContext
) -> None:
    schedules = {"tests.record": Periodic("tests.record", timedelta(minutes=5))}
    now = utcnow()
    first = run_due(factory, context, periodic=schedules, now=now)
    assert first.scheduled == ["tests.record"] and first.ran == 1
    soon, later = now + timedelta(minutes=1), now + timedelta(minutes=6)
    assert run_due(factory, context, periodic=schedules, now=soon).scheduled == []
    assert run_due(factory, context, periodic=schedules, now=later).scheduled == ["tests.record"]
    db.rollback()
    schedule = db.get(JobSchedule, "tests.record")
    assert schedule is not None and schedule.next_run_at > now + timedelta(minutes=10)


def test_two_workers_run_each_job_exactly_once(
    db: Session, factory: sessionmaker[Session], context: JobContext
) -> None:
    for n in range(60):
        enqueue(db, "tests.record", {"n": n})
    db.commit()
    workers = [Worker(factory, context, poll_seconds=0.05, periodic=NONE) for _ in range(2)]
    for worker in workers:
        worker.start()
    deadline = time.monotonic() + 60
    while _ran(db) < 60 and time.monotonic() < deadline:
        time.sleep(0.1)
    for worker in workers:
        worker.stop()
    db.rollback()
    per_job = db.execute(
        select(AuditEvent.target_id, func.count())
        .where(AuditEvent.action == "tests.job_ran")
        .group_by(AuditEvent.target_id)
    ).all()
    assert len(per_job) == 60 and {count for _, count in per_job} == {1}
    pending = db.scalar(select(func.count()).where(OutboxJob.status != JobStatus.DONE))
    assert pending == 0


def test_serve_runs_jobs_in_a_thread_of_the_app(settings: Settings, db: Session) -> None:
    from labelpool.app import create_app

    app = create_app(settings.model_copy(update={"jobs_in_process": True}))
    enqueue(db, "tests.record", {"n": 42})
    db.commit()
    with TestClient(app):
        deadline = time.monotonic() + 20
        while _ran(db) == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        running = [t.name for t in threading.enumerate()]
    assert _ran(db) == 1 and "labelpool-jobs" in running
    time.sleep(0.2)
    assert "labelpool-jobs" not in [t.name for t in threading.enumerate()]  # stopped with it
    app.state.engine.dispose()
