"""`emit_many` writes what `emit` writes for each event, in a few statements whatever their
number (both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from labelpool.audit.models import AuditEvent
from labelpool.events import SUBSCRIBERS, Action, emit
from labelpool.events.emit import Event, emit_many
from labelpool.jobs.models import OutboxJob
from tests.factories import make_organization, make_user


@pytest.fixture(autouse=True)
def subscribers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two handlers on one action, one on another, none on the rest (for this test only)."""
    monkeypatch.setitem(SUBSCRIBERS, Action.MEMBERSHIP_CREATED, ["tests.one", "tests.two"])
    monkeypatch.setitem(SUBSCRIBERS, Action.USER_PASSWORD_RESET, ["tests.three"])


def _events(db: Session, n: int) -> list[Event]:
    """`n` events mixing subscribed and unsubscribed actions, None and not in every field."""
    user = make_user(db, email=f"actor{n}@example.org")
    organization = make_organization(db, f"Organization {n}")
    actions = [Action.MEMBERSHIP_CREATED, Action.USER_CREATED, Action.USER_PASSWORD_RESET]
    return [
        Event(
            actions[i % 3],
            "user" if i % 2 else "organization",
            i if i % 5 else None,
            actor_id=user.id if i % 2 else None,
            organization_id=organization.id if i % 3 == 1 else None,
            reason=f"reason {i}" if i % 4 else None,
            details={"i": i} if i % 7 else None,
        )
        for i in range(n)
    ]


def _written(db: Session, since_event: int, since_job: int) -> dict[str, list[Any]]:
    """The audit rows and jobs written after the given ids, ids replaced by positions."""
    db.flush()
    events = list(db.scalars(select(AuditEvent).where(AuditEvent.id > since_event).order_by("id")))
    position = {e.id: n for n, e in enumerate(events)}
    jobs = db.scalars(select(OutboxJob).where(OutboxJob.id > since_job).order_by(OutboxJob.id))
    return {
        "events": [
            (
                e.action,
                e.target_type,
                e.target_id,
                e.actor_id,
                e.organization_id,
                e.reason,
                e.details,
                e.created_at is not None,
            )
            for e in events
        ],
        "jobs": [
            (
                j.handler,
                {**j.payload, "event_id": position[j.payload["event_id"]]},
                j.status,
                j.attempts,
                j.max_attempts,
                j.run_after is not None,
                j.locked_until,
                j.lease,
            )
            for j in jobs
        ],
    }


def _last_ids(db: Session) -> tuple[int, int]:
    return (
        db.scalar(select(func.coalesce(func.max(AuditEvent.id), 0))) or 0,
        db.scalar(select(func.coalesce(func.max(OutboxJob.id), 0))) or 0,
    )


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_emit_many_writes_what_emit_writes_for_each_event(db: Session) -> None:
    events = _events(db, 1200)  # two RETURNING pages
    db.commit()
    since = _last_ids(db)
    for e in events:
        emit(
            db,
            e.action,
            e.target_type,
            e.target_id,
            actor_id=e.actor_id,
            organization_id=e.organization_id,
            reason=e.reason,
            details=e.details,
        )
    expected = _written(db, *since)
    db.rollback()
    emit_many(db, events)
    got = _written(db, *since)
    assert got == expected
    assert len(got["events"]) == 1200 and len(got["jobs"]) == 1200  # 400 x two, 400 x one


def test_the_statements_do_not_grow_with_the_events(db: Session, engine: Engine) -> None:
    counts = []
    for n in (10, 1500):
        events = _events(db, n)
        db.execute(select(1))  # the transaction has begun (SQLite counts its BEGIN)
        with _statements(engine) as seen:
            emit_many(db, events)
        counts.append(len(seen))
    small, large = counts
    assert small <= 2, counts
    # RETURNING pages of 1,000 rows: 1,500 audit rows and 1,500 jobs take one more each.
    assert large - small <= 2, counts


def test_without_subscribers_one_statement_and_no_job(db: Session, engine: Engine) -> None:
    user = make_user(db)
    db.commit()
    before = _last_ids(db)
    events = [
        Event(Action.USER_CREATED, "user", user.id, reason=None if i % 2 else "r")
        for i in range(50)
    ]
    with _statements(engine) as seen:
        emit_many(db, events)
    assert len(seen) == 1, seen
    written = _written(db, *before)
    assert written["jobs"] == []
    assert [e[5] for e in written["events"]] == [None if i % 2 else "r" for i in range(50)]


def test_nothing_to_emit_writes_nothing(db: Session, engine: Engine) -> None:
    with _statements(engine) as seen:
        emit_many(db, [])
    assert seen == []
