"""Reporting an item that cannot be labelled as it is (issue 21, point 5): N distinct
contributors' reports (the project's `report_threshold`) take it out of the pool."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.db.types import utcnow
from labelpool.events import Action, emit
from labelpool.projects.models import Item, Project
from labelpool.work.claims import own_assignment
from labelpool.work.models import AssignmentStatus, ItemReport, ReportReason
from labelpool.work.reported import open_report_count
from labelpool.work.submissions import close_skipped


def report(
    db: Session,
    user: User,
    assignment_id: int,
    reason: ReportReason,
    comment: str = "",
    *,
    now: datetime | None = None,
) -> tuple[ItemReport, bool]:
    """Report the assignment's item (once per contributor: a repeat returns the first report).

    A live lease on it ends as skipped. Returns the report and whether the item is withdrawn.
    """
    now = now or utcnow()
    assignment = own_assignment(db, user, assignment_id, lock=True)
    project = db.get(Project, assignment.project_id)
    assert project is not None
    existing = db.scalars(
        select(ItemReport).where(
            ItemReport.item_id == assignment.item_id, ItemReport.user_id == user.id
        )
    ).first()
    if existing is not None:
        withdrawn = bool(db.scalar(select(Item.withdrawn).where(Item.id == assignment.item_id)))
        return existing, withdrawn
    if assignment.status == AssignmentStatus.LIVE and assignment.expires_at >= now:
        close_skipped(db, project, assignment, f"reported: {reason.value}", now)
    found = ItemReport(
        project_id=project.id,
        item_id=assignment.item_id,
        user_id=user.id,
        reason=reason,
        comment=comment[:5000],
    )
    db.add(found)
    db.flush()
    # Only reports since the item's latest release count: that release resolved the others.
    count = open_report_count(db, assignment.item_id)
    withdrawn = False
    if count >= project.report_threshold:
        result = db.execute(
            update(Item)
            .where(Item.id == assignment.item_id, Item.withdrawn.is_(False))
            .values(withdrawn=True)
            .execution_options(synchronize_session=False)
        )
        withdrawn = True
        if result.rowcount:  # type: ignore[attr-defined]
            emit(
                db,
                Action.ITEM_WITHDRAWN,
                "item",
                assignment.item_id,
                organization_id=project.organization_id,
                details={"project_id": project.id, "reports": count},
            )
    emit(
        db,
        Action.ITEM_REPORTED,
        "item",
        assignment.item_id,
        actor_id=user.id,
        organization_id=project.organization_id,
        reason=reason.value,
        details={"project_id": project.id, "assignment_id": assignment.id, "reports": count},
    )
    return found, withdrawn
