"""Writing notifications (with their e-mail job), reading and marking one's own.

`notify` adds the rows and, for each, a `notifications.send_email` outbox job, in the
caller's transaction: a notification and its e-mail exist exactly when the change that
caused them committed. The job sends nothing while no SMTP server is configured (the job
reads the settings; services do not have them) or for a user who turned e-mail off.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from labelpool.accounts.actor import actor_of
from labelpool.accounts.models import User
from labelpool.accounts.roles import Scope
from labelpool.audit.models import AuditEvent
from labelpool.db.types import utcnow
from labelpool.errors import NotFound
from labelpool.jobs.models import OutboxJob
from labelpool.notifications.jobs import EMAIL_ATTEMPTS, SEND_EMAIL
from labelpool.notifications.models import Notification
from labelpool.policy.notifications import NotificationPolicy
from labelpool.policy.rules import authorize, get_authorized


def notify(
    db: Session,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
) -> int:
    """One notification per user, each with its e-mail job; returns how many were created."""
    rows = [
        Notification(user_id=user_id, kind=kind, title=title[:300], body=body, link=link)
        for user_id in dict.fromkeys(user_ids)
    ]
    if not rows:
        return 0
    db.add_all(rows)
    db.flush()
    now = utcnow()
    db.add_all(
        OutboxJob(
            handler=SEND_EMAIL,
            payload={"notification_id": row.id},
            run_after=now,
            max_attempts=EMAIL_ATTEMPTS,
        )
        for row in rows
    )
    db.flush()
    return len(rows)


def already_notified(db: Session, user_id: int, kind: str, link: str | None) -> bool:
    """Whether the user has an unread notification of this kind pointing at `link`."""
    return (
        db.scalar(
            select(Notification.id)
            .where(
                Notification.user_id == user_id,
                Notification.kind == kind,
                Notification.link == link if link is not None else Notification.link.is_(None),
                Notification.read_at.is_(None),
            )
            .limit(1)
        )
        is not None
    )


def notified_user_ids(
    db: Session,
    user_ids: Iterable[int],
    kind: str,
    link: str | None,
    *,
    since: datetime | None = None,
) -> set[int]:
    """Which of the users already have a notification of this kind pointing at `link`, read
    or not (created at `since` or later, when given): what lets a repeated job skip them."""
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        return set()
    query = select(Notification.user_id).where(
        Notification.user_id.in_(ids),
        Notification.kind == kind,
        Notification.link == link if link is not None else Notification.link.is_(None),
    )
    if since is not None:
        query = query.where(Notification.created_at >= since)
    return set(db.scalars(query))


def notify_once(
    db: Session,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
    *,
    since: datetime | None = None,
) -> int:
    """`notify`, leaving out users already notified of this (kind, link) (since `since`):
    for job handlers, which may run more than once."""
    ids = list(dict.fromkeys(user_ids))
    done = notified_user_ids(db, ids, kind, link, since=since)
    return notify(db, [u for u in ids if u not in done], kind, title, body, link)


def event_time(db: Session, payload: dict[str, Any]) -> datetime | None:
    """When the event a job follows happened (its audit row), or None if unknown."""
    event_id = payload.get("event_id")
    if not isinstance(event_id, int):
        return None
    return db.scalar(select(AuditEvent.created_at).where(AuditEvent.id == event_id))


def unread(db: Session, user_id: int, limit: int = 50) -> list[Notification]:
    return list(
        db.scalars(
            select(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(db: Session, user_id: int) -> int:
    return (
        db.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        )
        or 0
    )


def page(
    db: Session,
    user: User,
    *,
    before: int | None = None,
    after: int | None = None,
    unread_only: bool = False,
    limit: int = 50,
) -> list[Notification]:
    """The user's notifications, read and unread, newest first: older than `before`, newer
    than `after` (to poll for new ones)."""
    authorize(actor_of(db, user), NotificationPolicy.list_own())
    query = select(Notification).where(Notification.user_id == user.id)
    if before is not None:
        query = query.where(Notification.id < before)
    if after is not None:
        query = query.where(Notification.id > after)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return list(db.scalars(query.order_by(Notification.id.desc()).limit(limit)))


def get_own(
    db: Session, user: User, notification_id: int, scope: Scope = Scope.READ
) -> Notification:
    """One of the user's notifications (another user's id is not found, like a missing one)."""
    return get_authorized(
        db,
        user,
        Notification,
        notification_id,
        lambda n: NotificationPolicy.read(n, scope),
        "notification",
    )


def mark_read(db: Session, user_id: int, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's unread notifications read (only `notification_ids` when given; ids of
    other users' notifications change nothing). Returns how many changed."""
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        ids = list(notification_ids)
        if not ids:
            return 0
        query = query.where(Notification.id.in_(ids))
    result = db.execute(query.values(read_at=utcnow()).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def mark_one_read(db: Session, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (404 for anyone else's); already read: kept."""
    notification = get_own(db, user, notification_id, Scope.WRITE)
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.flush()
    return notification


def mark_own_read(db: Session, user: User, ids: Sequence[int] | None) -> int:
    """Mark the user's notifications `ids` (None: all of them) read; returns how many changed.
    An id that is not one of theirs is not found (404, naming it), and nothing is marked."""
    authorize(actor_of(db, user), NotificationPolicy.change_own())
    if ids is not None and (missing := missing_ids(db, user, ids)):
        raise NotFound(
            f"No notification with id {', '.join(map(str, missing))}.",
            details={"ids": missing},
        )
    return mark_read(db, user.id, ids)


def set_email_preference(db: Session, user: User, enabled: bool) -> bool:
    """Turn the user's notification e-mails on or off (queued ones honour it too)."""
    authorize(actor_of(db, user), NotificationPolicy.change_own())
    user.notify_by_email = enabled
    db.flush()
    return enabled


def missing_ids(db: Session, user: User, ids: Sequence[int]) -> list[int]:
    """Which of `ids` are not the user's notifications."""
    if not ids:
        return []
    own = set(
        db.scalars(
            select(Notification.id).where(
                Notification.user_id == user.id, Notification.id.in_(list(ids))
            )
        )
    )
    return list(dict.fromkeys(i for i in ids if i not in own))
