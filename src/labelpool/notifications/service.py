"""Sending and reading notifications."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from labelpool.db.types import utcnow
from labelpool.notifications.models import Notification


def notify(
    db: Session,
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
) -> int:
    """Queue one notification per user; returns how many were created."""
    rows = [
        Notification(user_id=user_id, kind=kind, title=title[:300], body=body, link=link)
        for user_id in dict.fromkeys(user_ids)
    ]
    db.add_all(rows)
    db.flush()
    return len(rows)


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


def mark_read(db: Session, user_id: int, notification_ids: Iterable[int] | None = None) -> None:
    query = update(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None)
    )
    if notification_ids is not None:
        query = query.where(Notification.id.in_(list(notification_ids)))
    db.execute(query.values(read_at=utcnow()))
