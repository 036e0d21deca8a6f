"""`insert_new`: one INSERT ... ON CONFLICT DO NOTHING RETURNING, the row back as a clean ORM
object in the session, None when a unique constraint already holds one like it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.db.types import utcnow
from labelpool.db.upsert import insert_new
from labelpool.work.models import Assignment, AssignmentStatus
from tests.work.helpers import contributors, work_project


def test_the_new_row_comes_back_stored_and_clean(db: Session) -> None:
    setup = work_project(db, items=1)
    (ana,) = contributors(db, 1)
    values = {
        "project_id": setup.project.id,
        "item_id": setup.item_ids[0],
        "user_id": ana.id,
        "status": AssignmentStatus.LIVE,
        "is_gold": False,
        "expires_at": utcnow() + timedelta(minutes=5),
    }
    made = insert_new(db, Assignment, values)
    assert isinstance(made, Assignment) and made.id > 0
    assert made in db and not db.dirty and not db.new  # nothing left to flush
    assert made.status is AssignmentStatus.LIVE and made.created_at.tzinfo is not None
    assert db.get(Assignment, made.id) is made  # the session's one copy

    assert insert_new(db, Assignment, values) is None  # UNIQUE (item_id, user_id) holds
    count = db.scalar(select(func.count()).select_from(Assignment))
    assert count == 1
    made.status = AssignmentStatus.SKIPPED  # changes to it are flushed as to any loaded row
    db.commit()
    db.expire_all()
    assert db.get(Assignment, made.id).status is AssignmentStatus.SKIPPED  # type: ignore[union-attr]
