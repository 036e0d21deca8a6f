"""Shaping notifications for pages, and the header's unread count (the bell)."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.notifications import service
from labelpool.notifications.models import Notification
from labelpool.web.render import templates, when

log = logging.getLogger(__name__)

PAGE_SIZE = 30
STATE_KEY = "unread_notifications"


def header_unread(request: Any, user_id: int) -> int:
    """The bell's count for the page being rendered: one small query (an index range count),
    in a short read of its own (templates do not hold the request's session), once a request
    however often the layout asks; 0 when the database cannot say (an error page)."""
    if not isinstance(request, Request):
        return 0
    cached = getattr(request.state, STATE_KEY, None)
    if isinstance(cached, int):
        return cached
    factory = getattr(request.app.state, "session_factory", None)
    if factory is None:
        return 0
    try:
        with factory() as db:
            count = service.unread_count(db, user_id)
    except SQLAlchemyError:
        log.info("no unread count for %s: database unavailable", request.url.path)
        count = 0
    setattr(request.state, STATE_KEY, count)
    return count


templates.env.globals["unread_notifications"] = header_unread


def _item(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "kind": notification.kind,
        "title": notification.title,
        "body": notification.body,
        "link": notification.link if (notification.link or "").startswith("/") else None,
        "created_at": when(notification.created_at),
        "created_iso": notification.created_at.isoformat(),
        "unread": notification.read_at is None,
    }


def notifications_view(
    db: Session, user: User, *, before: int | None, mail_enabled: bool
) -> dict[str, Any]:
    """The /notifications page: a page of notifications, newest first, and the e-mail choice."""
    rows = service.page(db, user, before=before, limit=PAGE_SIZE)
    unread = service.unread_count(db, user.id)
    return {
        "notifications": [_item(n) for n in rows],
        "unread_count": unread,
        "next_before": rows[-1].id if len(rows) == PAGE_SIZE else None,
        "paged": before is not None,
        "email_on": user.notify_by_email,
        "mail_enabled": mail_enabled,
    }
