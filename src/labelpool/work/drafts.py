"""Drafts (issue 22, point 5): the answers so far on an assignment, saved by the labeling page
every few seconds, so a reload, a crash or another device loses nothing.

Only the assignment's holder reads or writes its draft (anyone else is told there is no such
assignment). A draft is kept while the assignment can still be answered (live, or expired: a
late answer may still count); once it is submitted, skipped or released, saving is refused
(`assignment_closed`) and reading says so too. The draft goes with its assignment (cascade).

Until a draft is saved, reading one offers the item's newest prediction (a model's
pre-annotation) as the starting answers, so the page opens with them to correct.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.db.types import utcnow
from labelpool.db.upsert import insert_for
from labelpool.errors import Conflict
from labelpool.projects.models import Prediction, Project
from labelpool.work.claims import own_assignment
from labelpool.work.draft_models import AssignmentDraft
from labelpool.work.models import Assignment, AssignmentStatus, Response

OPEN = (AssignmentStatus.LIVE, AssignmentStatus.EXPIRED)


def _open_assignment(db: Session, user: User, assignment_id: int) -> Assignment:
    """The caller's assignment if it can still be answered; Conflict once it is closed."""
    assignment = own_assignment(db, user, assignment_id)
    answered = db.scalar(select(Response.id).where(Response.assignment_id == assignment.id))
    if assignment.status not in OPEN or answered is not None:
        state = "submitted" if answered is not None else assignment.status.value
        raise Conflict(
            f"This assignment was {state}; its draft is closed. Claim again to get work.",
            code="assignment_closed",
            details={"status": state},
        )
    return assignment


@dataclass(frozen=True)
class DraftView:
    """What the page starts from: the saved draft, or else the item's pre-annotation."""

    draft: AssignmentDraft | None
    pre_annotations: dict[str, Any] | None


def get_draft(db: Session, user: User, assignment_id: int) -> DraftView:
    """The caller's draft of an open assignment, or (nothing saved yet) the pre-annotations."""
    assignment = _open_assignment(db, user, assignment_id)
    draft = db.get(AssignmentDraft, assignment.id)
    if draft is not None:
        return DraftView(draft, None)
    return DraftView(None, pre_annotations(db, assignment))


def pre_annotations(db: Session, assignment: Assignment) -> dict[str, Any] | None:
    """The newest prediction of the assignment's item, limited to the project's controls."""
    answers = db.scalar(
        select(Prediction.answers)
        .where(Prediction.item_id == assignment.item_id)
        .order_by(Prediction.id.desc())
        .limit(1)
    )
    if not answers:
        return None
    schema = db.scalar(select(Project.label_schema).where(Project.id == assignment.project_id))
    names = {control.get("name") for control in (schema or {}).get("controls", [])}
    kept = {name: answer for name, answer in answers.items() if name in names}
    return kept or None


def save_draft(
    db: Session,
    user: User,
    assignment_id: int,
    answers: dict[str, Any],
    *,
    now: datetime | None = None,
) -> AssignmentDraft:
    """Store the caller's answers so far (the last save wins); returns the stored draft."""
    now = now or utcnow()
    assignment = _open_assignment(db, user, assignment_id)
    values = {"assignment_id": assignment.id, "answers": answers, "saved_at": now}
    statement = insert_for(db, AssignmentDraft).values(values)
    upsert = statement.on_conflict_do_update(
        index_elements=[AssignmentDraft.assignment_id],
        set_={"answers": statement.excluded.answers, "saved_at": statement.excluded.saved_at},
    ).returning(AssignmentDraft)
    draft: AssignmentDraft = db.scalars(upsert, execution_options={"populate_existing": True}).one()
    return draft
