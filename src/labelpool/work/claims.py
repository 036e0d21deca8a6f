"""Claiming an item (issue 21, point 4): one short transaction, index-backed.

1. the project row is read `FOR SHARE` (PostgreSQL): claims run side by side, but a status
   change waits for them, so a refusal's reason (paused, cancelled) is true when decided;
2. the caller's work cursor is locked (created on the first claim): two claims of one
   contributor queue instead of racing, so the second sees the first's lease and resumes it;
3. this project's lapsed leases are expired (their places freed);
4. the first open item after the cursor that the caller never had is taken
   (`ix_items_project_id_id_open`, `NOT EXISTS` on the `(item_id, user_id)` unique index,
   `FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite's writers are serialised by the request's
   `BEGIN IMMEDIATE`); if there is none after the cursor, once from the start (leases that
   expired behind it). Gold items are drawn at the project's gold rate, from the start of the
   project (they are few), and leave the cursor where it is.

Limits and fair share (issue 21, point 6), decided after step 3 (the daily limit) and after
step 4 (fair share: asked only when there is an item to give, so `all_done` stays true):

- a contributor holds at most `max_live_per_contributor` live assignments on a project. A claim
  while holding fewer gives a new item; at the maximum it resumes the oldest live one (200).
  When no new item can be given (a limit below, fair share, no work), a contributor holding a
  live one gets the oldest back (200): a reload always resumes; only one holding none is told
  409 `no_work`;
- `max_responses_per_day` is a rolling 24 hours: answers given in the last 24 hours plus tasks
  held may not exceed it (409 `daily_limit`, back when the oldest counted answer turns 24 h);
- fair share (`work.fair_share`): when the open items fall below `fair_share_factor` times the
  contributors active in the last 24 hours, one above their median of answers waits (409
  `fair_share`). Its SQL is cheap where work is plenty: it counts the project's work cursors
  (every contributor who ever claimed there, an upper bound on the active) and the open items
  up to factor times that many; only below that does it aggregate the last 24 hours (the
  assignments by `(project_id, status, expires_at)`, the answers by `(project_id, id)` from
  the newest one older than 24 hours: ids follow time).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Table,
    bindparam,
    case,
    exists,
    func,
    literal,
    select,
    union,
    update,
)
from sqlalchemy.orm import Session, aliased

from labelpool.accounts.actor import actor_of
from labelpool.accounts.models import User
from labelpool.db.types import utcnow
from labelpool.db.upsert import dialect_insert, insert_new
from labelpool.eligibility import service as eligibility
from labelpool.eligibility.rules import RuleResult, when_text
from labelpool.errors import Conflict, NotFound, PermissionDenied
from labelpool.events import Action, emit
from labelpool.policy.rules import authorize
from labelpool.policy.work import WorkPolicy
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.work import fair_share, pool
from labelpool.work.models import Assignment, AssignmentStatus, Response, WorkCursor

LIVE = AssignmentStatus.LIVE
Words = Callable[[datetime], str]  # a moment in a message's words


class NoWork(Conflict):
    """409 `no_work`: `details` says why (`reason`) and, when known, when to come back."""

    code = "no_work"

    def __init__(
        self,
        message: str,
        reason: str,
        retry_after: datetime | None = None,
        numbers: dict[str, int | float] | None = None,
    ) -> None:
        details: dict[str, Any] = {"reason": reason, **(numbers or {})}
        if retry_after is not None:
            details["retry_after"] = retry_after.isoformat()
        super().__init__(message, details=details)
        self.reason = reason
        self.retry_after = retry_after


@dataclass(frozen=True)
class Claimed:
    project: Project
    assignment: Assignment
    item: Item
    resumed: bool  # the caller already held it (200, not 201)


def rule_detail(rule: RuleResult) -> dict[str, Any]:
    """An unmet rule as the 403's JSON, shaped as the explainer's rules."""
    return {
        "key": rule.key,
        "label": rule.label,
        "met": rule.met,
        "value": rule.value,
        "required": rule.required,
        "next_step": rule.next_step,
        "next_at": rule.next_at.isoformat() if rule.next_at is not None else None,
        "next_href": rule.next_href,
    }


def _project_for_claim(db: Session, project_id: int) -> Project:
    statement = select(Project).where(Project.id == project_id)
    if db.get_bind().dialect.name == "postgresql":  # read and share-locked in one statement
        statement = statement.with_for_update(read=True)
    project = db.scalars(statement.execution_options(populate_existing=True)).first()
    if project is None:
        raise NotFound(f"No project with id {project_id}.")
    return project


def _check_eligible(db: Session, user: User, project: Project, now: datetime) -> None:
    if unmet := eligibility.unmet_rules(db, user, project, now=now):
        active = all(rule.key != "account_active" for rule in unmet)
        raise PermissionDenied(
            "You do not meet this project's requirements yet."
            if active
            else "Your contributor account is not active yet: work opens once your "
            "application is approved.",
            code="not_eligible",
            details=[rule_detail(rule) for rule in unmet],
        )


def _check_open(project: Project) -> None:
    if project.status == ProjectStatus.PAUSED:
        raise NoWork("The project is paused: no new work until it resumes.", "paused")
    if project.status == ProjectStatus.CANCELLED:
        raise NoWork("The project was cancelled: it has no more work.", "cancelled")
    if project.status == ProjectStatus.COMPLETED:
        raise NoWork("The project is completed: every item has its answers.", "all_done")


CURSORS = cast(Table, WorkCursor.__table__)


@cache
def _cursor_upsert(dialect: str) -> Any:
    statement = dialect_insert(dialect, CURSORS).values(
        project_id=bindparam("p_project"), user_id=bindparam("p_user"), after_item_id=0
    )
    return statement.on_conflict_do_update(
        index_elements=[CURSORS.c.project_id, CURSORS.c.user_id],
        set_={"after_item_id": CURSORS.c.after_item_id},
    ).returning(CURSORS.c.after_item_id)


def _locked_cursor(db: Session, user: User, project: Project) -> int:
    """The caller's cursor on the project (the last item id they were given), created if new,
    its row locked until commit: one upsert that writes the row back as it was."""
    statement = _cursor_upsert(db.get_bind().dialect.name)
    after = db.scalar(statement, {"p_project": project.id, "p_user": user.id})
    return int(after or 0)


MOVE_CURSOR = (
    update(CURSORS)
    .where(CURSORS.c.project_id == bindparam("p_project"), CURSORS.c.user_id == bindparam("p_user"))
    .values(after_item_id=bindparam("p_after"))
)


def _move_cursor(db: Session, user: User, project: Project, after: int) -> None:
    db.execute(MOVE_CURSOR, {"p_project": project.id, "p_user": user.id, "p_after": after})


@cache
def _held_statement() -> Select[Assignment]:
    return (
        select(Assignment)
        .where(
            Assignment.user_id == bindparam("user_id"),
            Assignment.project_id == bindparam("project_id"),
            Assignment.status == LIVE,
            Assignment.expires_at >= bindparam("now"),
        )
        .order_by(Assignment.id)
        .limit(bindparam("most", type_=Integer))
        .execution_options(populate_existing=True)
    )


def _held(db: Session, user: User, project: Project, now: datetime) -> list[Assignment]:
    """The caller's live leases on the project, oldest first (up to the project's maximum)."""
    values = {
        "user_id": user.id,
        "project_id": project.id,
        "now": now,
        "most": max(project.max_live_per_contributor, 1),
    }
    return list(db.scalars(_held_statement(), values))


def _window_start(project: Project, since: datetime) -> ColumnElement[int]:
    """The id after which the project's answers are of the last 24 hours: the newest answer
    older than that, found walking `(project_id, id)` back (ids follow time)."""
    older = (
        select(Response.id)
        .where(Response.project_id == project.id, Response.created_at < since)
        .order_by(Response.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(older, 0)


def _my_answers(user: User, project: Project, since: datetime) -> Select[datetime]:
    return select(Response.created_at).where(
        Response.project_id == project.id,
        Response.id > _window_start(project, since),
        Response.created_at >= since,
        Response.user_id == user.id,
    )


def _at_iso(moment: datetime) -> str:
    return f"at {moment.isoformat(timespec='seconds')}"


def _daily_limit(
    db: Session, user: User, project: Project, held: int, now: datetime, words: Words
) -> NoWork | None:
    """409 `daily_limit` if one more task would pass the project's answers per 24 hours."""
    limit = project.max_responses_per_day
    if limit is None:
        return None
    since = now - fair_share.WINDOW
    mine = _my_answers(user, project, since).subquery()
    answered = int(db.scalar(select(func.count()).select_from(mine)) or 0)
    verdict = fair_share.daily_limit(answered, held, limit)
    if not verdict.reached:
        return None
    nth = db.scalar(
        _my_answers(user, project, since)
        .order_by(Response.id.desc())
        .offset(max(limit - held, 1) - 1)
        .limit(1)
    )
    back = fair_share.limit_reopens_at(nth)
    message = fair_share.daily_limit_message(verdict, words(back) if back else None)
    return NoWork(message, "daily_limit", retry_after=back)


@cache
def _scarcity_statement() -> Select[tuple[int, int]]:
    """One statement: the project's cursors counted, then its open items up to
    `fair_share.scarcity_cap` (factor x the cursors, at least factor)."""
    cursors = (
        select(func.count())
        .select_from(WorkCursor)
        .where(WorkCursor.project_id == bindparam("project_id"))
        .scalar_subquery()
    )
    capped = (
        select(Item.id)
        .where(
            Item.project_id == bindparam("project_id"),
            Item.filled.is_(False),
            Item.withdrawn.is_(False),
        )
        .limit(bindparam("factor", type_=Integer) * case((cursors > 1, cursors), else_=1))
        .subquery()
    )
    return select(cursors, select(func.count()).select_from(capped).scalar_subquery())


def _fair_share(db: Session, user: User, project: Project, now: datetime) -> fair_share.FairShare:
    """The fair-share verdict for the caller (numbers from SQL, the decision is pure)."""
    factor = project.fair_share_factor
    if factor <= 0:
        return fair_share.FairShare(False, 0, 0.0, 0, 0, 0)
    counted = db.execute(_scarcity_statement(), {"project_id": project.id, "factor": factor})
    known, open_items = (int(n or 0) for n in counted.one())
    cap = fair_share.scarcity_cap(factor, known)
    if open_items >= cap:  # plenty: at least factor x everyone who ever claimed here
        return fair_share.FairShare(False, 0, 0.0, open_items, known, cap)
    since = now - fair_share.WINDOW
    active = union(
        select(Assignment.user_id.label("user_id")).where(
            Assignment.project_id == project.id,
            Assignment.status.in_(list(AssignmentStatus)),
            Assignment.expires_at >= since,  # a lease ends after it starts: the index's range
            Assignment.created_at >= since,
        ),
        select(literal(user.id).label("user_id")),
    ).subquery()
    answers = (
        select(Response.user_id, func.count().label("n"))
        .where(
            Response.project_id == project.id,
            Response.id > _window_start(project, since),
            Response.created_at >= since,
        )
        .group_by(Response.user_id)
        .subquery()
    )
    rows = db.execute(
        select(active.c.user_id, func.coalesce(answers.c.n, 0)).outerjoin(
            answers, answers.c.user_id == active.c.user_id
        )
    ).all()
    counts = {int(uid): int(n) for uid, n in rows}
    return fair_share.decide(counts.get(user.id, 0), list(counts.values()), open_items, factor)


def _within_daily_limit(
    db: Session, user: User, project: Project, held: int, now: datetime, words: Words = _at_iso
) -> None:
    """Raise 409 `daily_limit` when one more task would pass the project's answers a day
    (`words` says a moment in the message)."""
    if (limited := _daily_limit(db, user, project, held, now, words)) is not None:
        raise limited


def _fair_share_allows(db: Session, user: User, project: Project, now: datetime) -> None:
    """Raise 409 `fair_share`, with the numbers, when the caller waits while others catch up."""
    verdict = _fair_share(db, user, project, now)
    if verdict.wait:
        raise NoWork(
            fair_share.fair_share_message(verdict),
            "fair_share",
            retry_after=now + fair_share.FAIR_SHARE_RETRY,
            numbers={
                "your_responses": verdict.my_responses,
                "median": verdict.median,
                "open_items": verdict.open_items,
                "active_contributors": verdict.active,
            },
        )


def holdback(
    db: Session, user: User, project: Project, now: datetime
) -> eligibility.Holdback | None:
    """Why a claim would give the caller no new item although items are open (the work
    list's `no_work` reasons `daily_limit` and `fair_share`), or None."""
    held = _held(db, user, project, now)
    if held:
        return None  # a claim resumes what they hold
    try:
        _within_daily_limit(db, user, project, 0, now, when_text)
        _fair_share_allows(db, user, project, now)
    except NoWork as refused:
        return eligibility.Holdback(refused.reason, refused.message, refused.retry_after)
    return None


eligibility.register_holdback("work.limits", holdback)


@cache
def _candidate_statement(dialect: str, gold: bool, bounded: bool) -> Select[Item]:
    """The pick's SELECT, built once per shape: a claim binds `project_id`, `user_id`,
    `after` (and `through`) and skips SQLAlchemy's statement building and cache-key walk."""
    mine = exists().where(Assignment.item_id == Item.id, Assignment.user_id == bindparam("user_id"))
    statement = (
        select(Item)
        .where(
            Item.project_id == bindparam("project_id"),
            Item.filled.is_(False),
            Item.withdrawn.is_(False),
            Item.is_gold.is_(gold),
            Item.id > bindparam("after"),
            ~mine,
        )
        .order_by(Item.id)
        .limit(1)
        .execution_options(populate_existing=True)
    )
    if bounded:
        statement = statement.where(Item.id <= bindparam("through"))
    if dialect == "postgresql":
        statement = statement.with_for_update(skip_locked=True)
    return statement


def _candidate(
    db: Session,
    user: User,
    project: Project,
    *,
    gold: bool,
    after: int,
    through: int | None = None,
) -> Item | None:
    """The first open item with id > after (and <= through) the user never had."""
    statement = _candidate_statement(db.get_bind().dialect.name, gold, through is not None)
    values = {"project_id": project.id, "user_id": user.id, "after": after}
    if through is not None:
        values["through"] = through
    return db.scalars(statement, values).first()


def _pick(db: Session, user: User, project: Project, after: int) -> Item | None:
    want_gold = project.gold_count > 0 and random.random() * 100 < project.gold_rate
    order: tuple[bool, ...] = (True, False) if want_gold else (False, True)
    if project.gold_count == 0:
        order = (False,)
    for gold in order:
        if gold:
            item = _candidate(db, user, project, gold=True, after=0)
        else:
            item = _candidate(db, user, project, gold=False, after=after)
            if item is None and after > 0:
                item = _candidate(db, user, project, gold=False, after=0, through=after)
        if item is not None:
            return item
    return None


def _no_work(db: Session, user: User, project: Project, now: datetime) -> NoWork:
    """Why there is nothing for the caller: others hold the last leases, or all is done.

    On PostgreSQL the pick passes over items other transactions hold at this moment (`SKIP
    LOCKED`: a claim being made, a skip, an expiry); if an open item the caller never had is
    left, the answer is "come back in a moment", never `all_done` (issue 21.10)."""
    left = select(Item.id).where(
        Item.project_id == project.id,
        Item.filled.is_(False),
        Item.withdrawn.is_(False),
        ~exists().where(Assignment.item_id == Item.id, Assignment.user_id == user.id),
    )
    if project.gold_count == 0:
        left = left.where(Item.is_gold.is_(False))  # as `_pick` looks
    other = aliased(Assignment)
    mine = exists().where(other.item_id == Assignment.item_id, other.user_id == user.id)
    others_leases = select(func.min(Assignment.expires_at)).where(
        Assignment.project_id == project.id, Assignment.status == LIVE, ~mine
    )
    # One statement, so one snapshot: asked one after the other, a lease skipped or expired
    # in between (its item freed after the first look) would read as "all done".
    open_to_caller, earliest = db.execute(
        select(left.limit(1).scalar_subquery(), others_leases.scalar_subquery())
    ).one()
    if open_to_caller is not None:
        return NoWork(
            "Others are taking the last items at this moment; claim again in a second.",
            "leases_held",
            retry_after=now + timedelta(seconds=1),
        )
    if earliest is not None:
        return NoWork(
            "Others hold leases on the last items; the earliest ends at "
            f"{earliest.isoformat(timespec='seconds')}.",
            "leases_held",
            retry_after=earliest,
        )
    return NoWork("You have done every item of this project open to you.", "all_done")


def claim(db: Session, user: User, project_id: int, *, now: datetime | None = None) -> Claimed:
    """Lease the caller a new item of the project, or resume the oldest one they hold."""
    now = now or utcnow()
    project = _project_for_claim(db, project_id)
    authorize(actor_of(db, user), WorkPolicy.claim(project))
    _check_eligible(db, user, project, now)
    _check_open(project)
    after = _locked_cursor(db, user, project)
    pool.expire_lapsed(db, project, now)
    held = _held(db, user, project, now)
    if len(held) >= max(project.max_live_per_contributor, 1):
        return Claimed(project, held[0], _item(db, held[0]), resumed=True)
    try:
        _within_daily_limit(db, user, project, len(held), now)
        item = _pick(db, user, project, after)
        if item is None:
            raise _no_work(db, user, project, now)
        _fair_share_allows(db, user, project, now)  # asked only where there is an item to give
    except NoWork:
        if held:  # nothing new for them: they go on with the oldest they hold
            return Claimed(project, held[0], _item(db, held[0]), resumed=True)
        raise
    assignment: Assignment | None = insert_new(
        db,
        Assignment,
        {
            "project_id": project.id,
            "item_id": item.id,
            "user_id": user.id,
            "status": LIVE,
            "is_gold": item.is_gold,
            "expires_at": now + timedelta(seconds=project.lease_seconds),
        },
    )
    if assignment is None:
        # Only reachable when the cursor lock did not serialise two claims of the caller.
        again = _held(db, user, project, now)
        if again:
            return Claimed(project, again[0], _item(db, again[0]), resumed=True)
        raise Conflict(
            "Another claim of yours took this item at the same moment; claim again.",
            code="claim_race",
        ) from None
    pool.take(db, item.id, project.overlap)
    if not item.is_gold and item.id > after:
        _move_cursor(db, user, project, item.id)
    emit(
        db,
        Action.ASSIGNMENT_CLAIMED,
        "assignment",
        assignment.id,
        actor_id=user.id,
        organization_id=project.organization_id,
        details={"project_id": project.id, "item_id": item.id},
    )
    return Claimed(project, assignment, item, resumed=False)


def _item(db: Session, assignment: Assignment) -> Item:
    item = db.get(Item, assignment.item_id)
    assert item is not None  # the foreign key cascades
    return item


@cache
def _assignment_statement(lock: bool) -> Select[Assignment]:
    statement = select(Assignment).where(Assignment.id == bindparam("p_assignment"))
    if lock:
        statement = statement.with_for_update()
    return statement.execution_options(populate_existing=True)


def own_assignment(
    db: Session, user: User, assignment_id: int, *, lock: bool = False
) -> Assignment:
    """The caller's assignment (NotFound for anyone else's, said as for a missing id); `lock`
    holds its row until commit (PostgreSQL) so two answers to it queue."""
    statement = _assignment_statement(lock and db.get_bind().dialect.name == "postgresql")
    found = db.scalars(statement, {"p_assignment": assignment_id}).first()
    if found is None:
        raise NotFound(f"No assignment with id {assignment_id}.")
    authorize(actor_of(db, user), WorkPolicy.own(found))
    return found


def extend(
    db: Session,
    user: User,
    assignment_id: int,
    seconds: int | None = None,
    *,
    now: datetime | None = None,
) -> Assignment:
    """Push a live lease's end out by `seconds` (default the project's lease), never past
    `max_lease_seconds` after the claim."""
    now = now or utcnow()
    assignment = own_assignment(db, user, assignment_id, lock=True)
    project = db.get(Project, assignment.project_id)
    assert project is not None
    if assignment.status != LIVE or assignment.expires_at < now:
        raise Conflict(
            "This lease has ended; claim again to get work.",
            code="lease_expired"
            if assignment.status in (LIVE, AssignmentStatus.EXPIRED)
            else "assignment_closed",
        )
    if project.status == ProjectStatus.CANCELLED:
        raise Conflict("The project was cancelled; its leases end.", code="project_cancelled")
    limit = assignment.created_at + timedelta(seconds=project.max_lease_seconds)
    wanted = now + timedelta(seconds=seconds or project.lease_seconds)
    new_end = min(wanted, limit)
    if new_end > assignment.expires_at:
        assignment.expires_at = new_end
        emit(
            db,
            Action.ASSIGNMENT_EXTENDED,
            "assignment",
            assignment.id,
            actor_id=user.id,
            organization_id=project.organization_id,
            details={"project_id": project.id, "expires_at": new_end.isoformat()},
        )
    return assignment


def release_live(db: Session, project: Project, *, now: datetime | None = None) -> int:
    """End every live lease of the project (it was cancelled): their items are freed."""
    ended = pool.end_live(
        db, project, AssignmentStatus.RELEASED, now or utcnow(), lapsed_only=False
    )
    return len(ended)
