"""Your notifications: list them (newest first), mark them read, turn their e-mails on or off."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from labelpool.notifications import service
from labelpool.notifications.schemas import (
    EmailPreference,
    MarkedRead,
    MarkRead,
    NotificationOut,
    NotificationPage,
)
from labelpool.web.deps import CurrentUser, DbSession
from labelpool.web.schemas import MAX_ID

router = APIRouter(tags=["notifications"])

PageId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="An id from a page.")]


@router.get("/me/notifications", response_model=NotificationPage)
def my_notifications(
    user: CurrentUser,
    db: DbSession,
    before: PageId = None,
    after: PageId = None,
    unread: Annotated[bool, Query(description="Only the unread ones.")] = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> NotificationPage:
    """Read and unread, newest first: `before` pages back, `after` polls for newer ones."""
    rows = service.page(db, user, before=before, after=after, unread_only=unread, limit=limit)
    return NotificationPage(
        notifications=[NotificationOut.model_validate(n) for n in rows],
        unread_count=service.unread_count(db, user.id),
        email=user.notify_by_email,
        next_before=rows[-1].id if len(rows) == limit else None,
    )


@router.post("/me/notifications/read", response_model=MarkedRead)
def mark_read(body: MarkRead, user: CurrentUser, db: DbSession) -> MarkedRead:
    """Mark `ids` (or `all`) read; an id that is not one of yours is 404, and nothing changes."""
    marked = service.mark_own_read(db, user, None if body.all else body.ids)
    return MarkedRead(marked=marked, unread_count=service.unread_count(db, user.id))


@router.put("/me/notification-settings", response_model=EmailPreference)
def set_email(body: EmailPreference, user: CurrentUser, db: DbSession) -> EmailPreference:
    """Turn the e-mail copy of your notifications on or off (in-app ones always stay)."""
    return EmailPreference(email=service.set_email_preference(db, user, body.email))
