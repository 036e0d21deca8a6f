"""Answering, skipping and listing assignments (issue 21, point 5).

A response is stored and its assignment closed in one transaction. With an Idempotency-Key, a
retry of the same body gets the first result back and stores nothing; another body with the
same key is refused. A late answer (the lease ran out) counts when the item still needs it;
otherwise it is kept for audit (`counted = False`) and the caller is told `lease_expired`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from labelpool.accounts.actor import actor_of
from labelpool.accounts.models import User
from labelpool.controls.schema import ResponseError, validate_response
from labelpool.db.types import utcnow
from labelpool.db.upsert import insert_new
from labelpool.errors import Conflict, InvalidInput
from labelpool.events import Action, emit
from labelpool.policy.rules import authorize
from labelpool.policy.work import WorkPolicy
from labelpool.projects.answers import checked_schema
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.work import pool
from labelpool.work.claims import own_assignment
from labelpool.work.models import Assignment, AssignmentStatus, Response

LIVE = AssignmentStatus.LIVE
MAX_ACTIVE_SECONDS = 7 * 24 * 3600


@dataclass(frozen=True)
class Submitted:
    response: Response
    replayed: bool  # the same Idempotency-Key and body again: the first result
    refused_late: bool  # stored for audit only: 409 lease_expired

    @property
    def counted(self) -> bool:
        return self.response.counted


def body_hash(assignment_id: int, answers: Any, active_seconds: int) -> str:
    canonical = json.dumps(
        {"assignment": assignment_id, "answers": answers, "active_seconds": active_seconds},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def _checked_answers(project: Project, item: Item, answers: Any) -> dict[str, Any]:
    schema = checked_schema(project.label_schema, [f["name"] for f in project.data_fields])
    try:
        return validate_response(schema, answers, item.data or {})
    except ResponseError as exc:
        grouped = exc.by_control()
        first, problems = next(iter(grouped.items()))
        raise InvalidInput(
            f"{first}: {problems[0]}",
            code="invalid_answers",
            details={"controls": grouped},
        ) from None


EARLIER_RESPONSES = select(Response).where(
    or_(
        (Response.user_id == bindparam("p_user"))
        & (Response.idempotency_key == bindparam("p_key")),
        Response.assignment_id == bindparam("p_assignment"),
    )
)
PROJECT_AND_ITEM = (
    select(Project, Item)
    .join(Item, Item.project_id == Project.id)
    .where(Item.id == bindparam("p_item"))
)


def _earlier(
    db: Session, user: User, assignment: Assignment, key: str, digest: str
) -> Submitted | None:
    """The first result again for a retry with the same key and body (one query also finds
    an answer the assignment already has: 409 `already_submitted`)."""
    values = {"p_user": user.id, "p_key": key, "p_assignment": assignment.id}
    found = list(db.scalars(EARLIER_RESPONSES, values))
    retried = next((r for r in found if r.user_id == user.id and r.idempotency_key == key), None)
    if retried is not None:
        if retried.body_hash != digest:
            raise Conflict(
                "This Idempotency-Key was used for another answer; use a new key for a new answer.",
                code="idempotency_key_reused",
            )
        earlier = db.get(Assignment, retried.assignment_id)
        refused = earlier is not None and not retried.counted
        return Submitted(retried, replayed=True, refused_late=refused)
    if found:
        raise Conflict("This assignment is already answered.", code="already_submitted")
    return None


def submit(
    db: Session,
    user: User,
    assignment_id: int,
    answers: Any,
    active_seconds: int,
    idempotency_key: str | None,
    *,
    now: datetime | None = None,
) -> Submitted:
    now = now or utcnow()
    assignment = own_assignment(db, user, assignment_id, lock=True)
    if not idempotency_key or not idempotency_key.strip():
        raise InvalidInput(
            "Send an Idempotency-Key header (any unique string per answer, e.g. a UUID) so a "
            "retry cannot store the answer twice.",
            details={"field": "Idempotency-Key"},
        )
    key = idempotency_key.strip()[:200]
    digest = body_hash(assignment.id, answers, active_seconds)
    if (replayed := _earlier(db, user, assignment, key, digest)) is not None:
        return replayed
    if assignment.status not in (LIVE, AssignmentStatus.EXPIRED):
        raise Conflict(
            f"This assignment was {assignment.status.value}; claim again to get work.",
            code="assignment_closed",
        )
    project, item = db.execute(PROJECT_AND_ITEM, {"p_item": assignment.item_id}).one()
    if project.status == ProjectStatus.CANCELLED:
        raise Conflict(
            "The project was cancelled; it takes no more answers.", code="project_cancelled"
        )
    checked = _checked_answers(project, item, answers)

    if assignment.status == LIVE and assignment.expires_at < now:
        pool.end_live(
            db,
            project,
            AssignmentStatus.EXPIRED,
            now,
            lapsed_only=True,
            assignment_id=assignment.id,
        )
        db.refresh(assignment)
    late = assignment.status == AssignmentStatus.EXPIRED
    counted = True
    if late:
        if db.get_bind().dialect.name == "postgresql":
            db.execute(select(Item.id).where(Item.id == item.id).with_for_update())
        db.refresh(item, attribute_names=["taken", "withdrawn"])
        counted = item.taken < project.overlap and not item.withdrawn
        if counted:
            pool.take(db, item.id, project.overlap)
    if counted:
        assignment.status = AssignmentStatus.SUBMITTED
        assignment.closed_at = now
    db.flush()  # the assignment's new status, before the INSERT below (a Core statement)
    response: Response | None = insert_new(
        db,
        Response,
        {
            "assignment_id": assignment.id,
            "project_id": project.id,
            "item_id": item.id,
            "user_id": user.id,
            "answers": checked,
            "active_seconds": max(0, min(active_seconds, MAX_ACTIVE_SECONDS)),
            "late": late,
            "counted": counted,
            "is_gold": assignment.is_gold,
            "idempotency_key": key,
            "body_hash": digest,
        },
    )
    if response is None:
        raise Conflict(
            "This answer was stored by another request at the same moment; retry with the same "
            "Idempotency-Key to get its result.",
            code="submit_race",
        )
    emit(
        db,
        Action.RESPONSE_SUBMITTED,
        "response",
        response.id,
        actor_id=user.id,
        organization_id=project.organization_id,
        details={
            "project_id": project.id,
            "item_id": item.id,
            "assignment_id": assignment.id,
            "late": late,
            "counted": counted,
        },
    )
    return Submitted(response, replayed=False, refused_late=not counted)


def skip(
    db: Session, user: User, assignment_id: int, reason: str, *, now: datetime | None = None
) -> Assignment:
    """Give a live assignment back (the item returns to the pool; never to this caller)."""
    now = now or utcnow()
    assignment = own_assignment(db, user, assignment_id, lock=True)
    if assignment.status != LIVE or assignment.expires_at < now:
        raise Conflict(
            "Only a live lease can be skipped; this one has ended.",
            code="lease_expired"
            if assignment.status in (LIVE, AssignmentStatus.EXPIRED)
            else "assignment_closed",
        )
    project = db.get(Project, assignment.project_id)
    assert project is not None
    close_skipped(db, project, assignment, reason, now)
    emit(
        db,
        Action.ASSIGNMENT_SKIPPED,
        "assignment",
        assignment.id,
        actor_id=user.id,
        organization_id=project.organization_id,
        reason=reason[:1000] or None,
        details={"project_id": project.id, "item_id": assignment.item_id},
    )
    return assignment


def close_skipped(
    db: Session, project: Project, assignment: Assignment, reason: str, now: datetime
) -> None:
    assignment.status = AssignmentStatus.SKIPPED
    assignment.closed_at = now
    assignment.skip_reason = reason[:500]
    pool.free(db, [assignment.item_id], project.overlap)


def my_assignments(
    db: Session, user: User, *, after_id: int = 0, limit: int = 50
) -> list[tuple[Assignment, Response | None]]:
    """The caller's assignments, live and past, in id order (keyset pages), with their answer."""
    authorize(actor_of(db, user), WorkPolicy.list_own())
    rows = db.execute(
        select(Assignment, Response)
        .outerjoin(Response, Response.assignment_id == Assignment.id)
        .where(Assignment.user_id == user.id, Assignment.id > after_id)
        .order_by(Assignment.id)
        .limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]
