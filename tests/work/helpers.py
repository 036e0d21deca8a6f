"""A project with items and active contributors, for the work tests."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.projects import service as projects
from labelpool.projects.models import Item, Project, ProjectStatus
from tests.assessments.builders import make_project
from tests.factories import make_active_contributor, make_organization, make_user


@dataclass
class Setup:
    requester: User
    project: Project
    item_ids: list[int]


def work_project(db: Session, *, items: int = 3, overlap: int = 1, gold: int = 0) -> Setup:
    org = make_organization(db, "Acme")
    requester = make_user(db, role=Role.REQUESTER, organization=org)
    project = make_project(db, requester, org)
    project.overlap = overlap
    project.lease_seconds = 600
    ids = []
    for n in range(items):
        item = Item(project_id=project.id, data={"text": f"review {n}"}, is_gold=n < gold)
        db.add(item)
        db.flush()
        ids.append(item.id)
    project.item_count = items
    project.gold_count = gold
    db.flush()
    projects.change_status(db, requester, project, ProjectStatus.ACTIVE)
    db.commit()
    return Setup(requester, project, ids)


def contributors(db: Session, n: int) -> list[User]:
    found = [make_active_contributor(db) for _ in range(n)]
    db.commit()
    return found


def lapse(db: Session, assignment_id: int) -> None:
    """Make a lease run out (as if its time passed)."""
    from datetime import timedelta

    from labelpool.db.types import utcnow
    from labelpool.work.models import Assignment

    db.execute(
        update(Assignment)
        .where(Assignment.id == assignment_id)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.commit()
