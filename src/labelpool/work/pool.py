"""The pool's accounting (issue 21): `items.taken` counts an item's live plus submitted
assignments, `items.filled` says it reached the project's overlap. Every change of an
assignment's status that frees or takes a place goes through here, in SQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Integer, Table, and_, bindparam, case, update
from sqlalchemy.orm import Session

from labelpool.events import Action, emit
from labelpool.projects.models import Item, Project
from labelpool.work.models import Assignment, AssignmentStatus

LIVE = AssignmentStatus.LIVE


ITEMS = cast(Table, Item.__table__)
ASSIGNMENTS = cast(Table, Assignment.__table__)
TAKE = (
    update(ITEMS)
    .where(ITEMS.c.id == bindparam("p_item"))
    .values(
        taken=ITEMS.c.taken + 1,
        filled=ITEMS.c.taken + 1 >= bindparam("p_overlap", type_=Integer),
    )
)


def take(db: Session, item_id: int, overlap: int) -> None:
    """One more live or submitted assignment on the item (the caller holds its row)."""
    db.execute(TAKE, {"p_item": item_id, "p_overlap": overlap})


def free(db: Session, item_ids: Iterable[int], overlap: int) -> None:
    """Give back one place per id (an id may repeat) on the items."""
    for item_id, count in Counter(item_ids).items():
        db.execute(
            update(Item)
            .where(Item.id == item_id)
            .values(
                taken=Item.taken - count,
                filled=case((Item.taken - count >= overlap, True), else_=False),
            )
            .execution_options(synchronize_session=False)
        )


@cache
def _end_live_statement(lapsed_only: bool, one: bool) -> Any:
    """`end_live`'s UPDATE ... RETURNING, built once per shape (bound: p_project, p_status,
    p_now and, for one assignment, p_assignment)."""
    c = ASSIGNMENTS.c
    now = bindparam("p_now", type_=c.closed_at.type)
    conditions = [c.project_id == bindparam("p_project"), c.status == LIVE]
    if lapsed_only:
        conditions.append(c.expires_at < now)
    if one:
        conditions.append(c.id == bindparam("p_assignment"))
    return (
        update(ASSIGNMENTS)
        .where(and_(*conditions))
        .values(status=bindparam("p_status", type_=c.status.type), closed_at=now)
        .returning(c.id, c.item_id, c.user_id)
    )


def end_live(
    db: Session,
    project: Project,
    status: AssignmentStatus,
    now: datetime,
    *,
    lapsed_only: bool,
    assignment_id: int | None = None,
) -> list[tuple[int, int, int]]:
    """End live assignments of the project as `status`: the lapsed ones (`lapsed_only`), or
    every live one; only `assignment_id` when given. Each is ended once even when claims race
    (PostgreSQL re-checks `status = 'live'` after waiting for the row). Frees their places and
    emits one event each. Returns (assignment id, item id, user id) of those ended."""
    values: dict[str, Any] = {"p_project": project.id, "p_status": status, "p_now": now}
    if assignment_id is not None:
        values["p_assignment"] = assignment_id
    ended = [
        (row[0], row[1], row[2])
        for row in db.execute(_end_live_statement(lapsed_only, assignment_id is not None), values)
    ]
    if not ended:
        return ended
    free(db, (item_id for _, item_id, _ in ended), project.overlap)
    action = (
        Action.ASSIGNMENT_EXPIRED
        if status == AssignmentStatus.EXPIRED
        else (Action.ASSIGNMENT_RELEASED)
    )
    for ended_id, item_id, user_id in ended:
        emit(
            db,
            action,
            "assignment",
            ended_id,
            organization_id=project.organization_id,
            details={"project_id": project.id, "item_id": item_id, "user_id": user_id},
        )
    return ended


def expire_lapsed(db: Session, project: Project, now: datetime) -> list[tuple[int, int, int]]:
    """Expire the project's live leases that ran out (no background job needed)."""
    return end_live(db, project, AssignmentStatus.EXPIRED, now, lapsed_only=True)
