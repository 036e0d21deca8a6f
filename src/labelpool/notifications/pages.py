"""The /notifications page: your notifications, mark read, e-mail on or off."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from labelpool.notifications import service
from labelpool.notifications.presenters import notifications_view
from labelpool.web.deps import CurrentUser, DbSession, SettingsDep, csrf_protect
from labelpool.web.render import FormStr, redirect, render
from labelpool.web.schemas import MAX_ID

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

PAGE = "/notifications"


@router.get(PAGE, response_class=HTMLResponse)
def notifications_page(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    before: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    view = notifications_view(db, user, before=before, mail_enabled=settings.mail.enabled)
    return render(request, "notifications/index.html", view, user=user)


@router.post(f"{PAGE}/read")
def mark_read(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
    all: FormStr = "",
) -> Response:
    """ "Mark all read" (`all`), or the notification `id` (the button beside one)."""
    if all:
        marked = service.mark_own_read(db, user, None)
    elif id is not None:
        marked = service.mark_own_read(db, user, [id])
    else:
        return redirect(request, PAGE, ("info", "Choose a notification to mark read."))
    text = "Nothing was unread." if not marked else f"Marked {marked} read."
    return redirect(request, PAGE, ("success", text))


@router.post(f"{PAGE}/email")
def set_email(request: Request, user: CurrentUser, db: DbSession, email: FormStr = "") -> Response:
    """The e-mail switch: `email=on` turns notification e-mails on, anything else off."""
    enabled = service.set_email_preference(db, user, email == "on")
    text = "Notifications will be e-mailed to you." if enabled else "No more notification e-mails."
    return redirect(request, PAGE, ("success", text))
