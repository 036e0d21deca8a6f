"""Emitting an event writes its audit row and its subscribers' jobs, or nothing at all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from labelpool.audit.models import AuditEvent
from labelpool.config import Settings
from labelpool.db.engine import make_session_factory
from labelpool.events import SUBSCRIBERS, Action, emit
from labelpool.events.emit import on
from labelpool.jobs.context import JobContext
from labelpool.jobs.models import JobStatus, OutboxJob
from labelpool.jobs.runner import run_due
from tests.factories import make_organization

SEEN: list[dict[str, Any]] = []


@on(Action.PROJECT_CREATED, "tests.project_created")
def _project_created(_db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    SEEN.append(payload)


@pytest.fixture(autouse=True)
def clean() -> Iterator[None]:
    SEEN.clear()
    yield


def test_an_event_without_subscribers_is_its_audit_row(db: Session) -> None:
    organization = make_organization(db)
    jobs_before = db.scalar(select(func.count()).select_from(OutboxJob))
    emit(db, Action.ORGANIZATION_CREATED, "organization", organization.id, reason="test")
    db.commit()
    row = db.scalar(select(AuditEvent).where(AuditEvent.reason == "test"))
    assert row is not None and row.action == "organization.created"
    assert db.scalar(select(func.count()).select_from(OutboxJob)) == jobs_before


def test_subscribers_run_after_the_change_commits_and_never_after_a_rollback(
    db: Session, engine: Engine, settings: Settings
) -> None:
    assert SUBSCRIBERS[Action.PROJECT_CREATED] == ["tests.project_created"]
    emit(db, Action.PROJECT_CREATED, "project", 1, actor_id=None, details={"name": "gone"})
    db.rollback()
    emit(db, Action.PROJECT_CREATED, "project", 2, details={"name": "kept"})
    db.commit()
    [job] = db.scalars(select(OutboxJob)).all()
    assert job.handler == "tests.project_created" and job.payload["target_id"] == 2
    run_due(make_session_factory(engine), JobContext(settings), periodic={})
    assert [p["details"] for p in SEEN] == [{"name": "kept"}]
    assert SEEN[0]["action"] == "project.created" and SEEN[0]["event_id"] is not None
    db.rollback()
    done = db.get(OutboxJob, job.id)
    assert done is not None and done.status == JobStatus.DONE


def test_services_emit_events_rather_than_write_audit_rows() -> None:
    """Only the events package writes audit rows, so every change can be subscribed to."""
    from pathlib import Path

    import labelpool

    root = Path(labelpool.__file__).parent
    writers = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "labelpool.audit.service import" in path.read_text()
    ]
    assert writers == ["events/emit.py"]
