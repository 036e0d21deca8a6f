"""Claiming and running due jobs, with leases, retries and back-off; a worker thread."""

from __future__ import annotations

import logging
import secrets
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from labelpool.db.engine import transaction
from labelpool.db.types import utcnow
from labelpool.jobs.context import JobContext
from labelpool.jobs.models import JobSchedule, JobStatus, OutboxJob
from labelpool.jobs.outbox import enqueue
from labelpool.jobs.registry import HANDLERS, OWN_TRANSACTIONS, PERIODIC, Periodic

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # a job not finished by then is taken to have died with its runner
KEEP_ALIVE_EVERY = timedelta(minutes=1)  # how often `JobContext.keep_alive` extends a lease
BACKOFF_BASE_SECONDS = 2
BACKOFF_MAX = timedelta(hours=1)
BATCH = 20


def backoff(attempts: int) -> timedelta:
    """The wait before retry number `attempts` (2 s, 4 s, 8 s ... at most an hour)."""
    return min(timedelta(seconds=BACKOFF_BASE_SECONDS**attempts), BACKOFF_MAX)


@dataclass
class RunReport:
    ran: int = 0
    failed: int = 0
    scheduled: list[str] = field(default_factory=list)

    @property
    def busy(self) -> bool:
        return bool(self.ran or self.failed or self.scheduled)


def schedule_due(
    factory: sessionmaker[Session], now: datetime, periodic: Mapping[str, Periodic]
) -> list[str]:
    """Enqueue each periodic job that is due; one runner wins each turn, whoever it is."""
    started: list[str] = []
    with transaction(factory, write=True) as db:
        schedules = {s.name: s for s in db.scalars(select(JobSchedule).with_for_update())}
        for job in periodic.values():
            schedule = schedules.get(job.name)
            if schedule is None:
                db.add(JobSchedule(name=job.name, next_run_at=now + job.every))
            elif schedule.next_run_at <= now:
                schedule.next_run_at = now + job.every
            else:
                continue
            enqueue(db, job.name, run_after=now, max_attempts=1)  # the next turn is the retry
            started.append(job.name)
    return started


def _claim(factory: sessionmaker[Session], now: datetime, limit: int) -> list[tuple[int, str]]:
    """Take up to `limit` due jobs under a fresh lease: (job id, lease)."""
    with transaction(factory, write=True) as db:
        due = db.scalars(
            select(OutboxJob)
            .where(
                OutboxJob.status == JobStatus.PENDING,
                OutboxJob.run_after <= now,
                or_(OutboxJob.locked_until.is_(None), OutboxJob.locked_until <= now),
            )
            .order_by(OutboxJob.run_after, OutboxJob.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = []
        for job in due:
            if job.attempts >= job.max_attempts:  # its runner died during every attempt
                job.status = JobStatus.FAILED
                job.finished_at = now
                job.last_error = job.last_error or "the runner stopped during every attempt"
                continue
            job.lease = secrets.token_hex(8)
            job.locked_until = now + LEASE
            job.attempts += 1
            claimed.append((job.id, job.lease))
    return claimed


def _run_one(factory: sessionmaker[Session], context: JobContext, job_id: int, lease: str) -> bool:
    """Run one claimed job; its work and its "done" commit together. False if it failed.

    A handler registered with `own_transactions` runs outside any transaction of the runner's
    (it opens its own from `context.sessions`); its "done" is committed after it returns.
    """
    try:
        with transaction(factory, write=True) as db:
            job = db.get(OutboxJob, job_id)
            if job is None or job.lease != lease:
                return True  # another runner took it over after our lease ran out
            payload = dict(job.payload)
            own = OWN_TRANSACTIONS.get(job.handler)
            if own is None:
                function = HANDLERS.get(job.handler)
                if function is None:
                    raise LookupError(f"no job handler named {job.handler!r} in this version")
                function(db, payload, context)
                _done(job)
                return True
        own(payload, context.for_job(factory, _keep_alive(factory, job_id, lease)))
        with transaction(factory, write=True) as db:
            job = db.get(OutboxJob, job_id)
            if job is not None and job.lease == lease:
                _done(job)
        return True
    except Exception as exc:  # any failure of a handler is recorded and retried
        if isinstance(exc, DBAPIError):
            log.warning("job %s: database error, will retry: %s", job_id, exc.orig)
        else:
            log.exception("job %s failed", job_id)
        _record_failure(factory, job_id, lease, exc)
        return False


def _done(job: OutboxJob) -> None:
    job.status = JobStatus.DONE
    job.finished_at = utcnow()
    job.locked_until = None
    job.last_error = None


def _keep_alive(factory: sessionmaker[Session], job_id: int, lease: str) -> Callable[[], bool]:
    """`JobContext.keep_alive` for one job: extends its lease at most every KEEP_ALIVE_EVERY."""
    extended = utcnow()

    def keep_alive() -> bool:
        nonlocal extended
        now = utcnow()
        if now - extended < KEEP_ALIVE_EVERY:
            return True
        with transaction(factory, write=True) as db:
            job = db.get(OutboxJob, job_id)
            if job is None or job.lease != lease:
                return False
            job.locked_until = now + LEASE
        extended = now
        return True

    return keep_alive


def _record_failure(
    factory: sessionmaker[Session], job_id: int, lease: str, exc: Exception
) -> None:
    now = utcnow()
    error = "".join(traceback.format_exception_only(exc)).strip()[:4000]
    with transaction(factory, write=True) as db:
        job = db.get(OutboxJob, job_id)
        if job is None or job.lease != lease:
            return
        job.last_error = error
        job.locked_until = None
        if job.attempts >= job.max_attempts:
            job.status = JobStatus.FAILED
            job.finished_at = now
        else:
            job.run_after = now + backoff(job.attempts)


def run_due(
    factory: sessionmaker[Session],
    context: JobContext,
    *,
    now: datetime | None = None,
    limit: int = BATCH,
    periodic: Mapping[str, Periodic] | None = None,
) -> RunReport:
    """One turn of a runner: enqueue due periodic jobs (default: every registered one), then
    run up to `limit` due jobs."""
    now = now or utcnow()
    report = RunReport(
        scheduled=schedule_due(factory, now, PERIODIC if periodic is None else periodic)
    )
    for job_id, lease in _claim(factory, now, limit):
        if _run_one(factory, context, job_id, lease):
            report.ran += 1
        else:
            report.failed += 1
    return report


class Worker(threading.Thread):
    """Runs `run_due` in a loop until stopped: inside `labelpool serve`, or `labelpool worker`."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        context: JobContext,
        *,
        poll_seconds: float = 1.0,
        periodic: Mapping[str, Periodic] | None = None,
    ) -> None:
        super().__init__(name="labelpool-jobs", daemon=True)
        self.periodic = periodic
        self.factory = factory
        self.context = context
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                report = run_due(self.factory, self.context, periodic=self.periodic)
            except DBAPIError as exc:  # e.g. the database is busy or restarting: next turn
                log.warning("job runner: %s", exc.orig)
                report = RunReport()
            if not report.busy:
                self.stopping.wait(self.poll_seconds)

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.join(timeout)
