"""Rendering pages: templates, navigation by role, and flash messages in a signed cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from pydantic import AfterValidator

from labelpool import __version__
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.text import one_line_ending, plural

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
FLASH_COOKIE = "lp_flash"

templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

NAV_BY_ROLE: dict[Role, list[tuple[str, str]]] = {
    Role.CONTRIBUTOR: [
        ("Dashboard", "/"),
        ("Work", "/work"),
        ("My application", "/profile"),
        ("Account review", "/review"),
        ("Tests", "/tests"),
    ],
    Role.REVIEWER: [
        ("Dashboard", "/"),
        ("Projects", "/projects"),
        ("Guidelines", "/guidelines"),
        ("Tests", "/tests"),
    ],
    Role.REQUESTER: [
        ("Dashboard", "/"),
        ("Projects", "/projects"),
        ("Guidelines", "/guidelines"),
        ("Tests", "/tests"),
    ],
    Role.ADMIN: [
        ("Dashboard", "/"),
        ("Projects", "/projects"),
        ("Tests", "/tests"),
        ("Reviews", "/admin/reviews"),
        ("Users", "/admin/users"),
    ],
}
COMMON_NAV = [("Account", "/account")]


@dataclass(frozen=True)
class UserView:
    """What templates need of the signed-in user; safe to use after the session has closed."""

    id: int
    display_name: str
    email: str
    role: Role

    @classmethod
    def of(cls, user: User | UserView | None) -> UserView | None:
        if user is None or isinstance(user, UserView):
            return user
        return cls(id=user.id, display_name=user.display_name, email=user.email, role=user.role)


# A form field that defaults to "" when left out; line endings as "\n" whatever the browser sent.
FormStr = Annotated[str, AfterValidator(one_line_ending), Form()]


def when(value: datetime | None) -> str:
    """A timestamp as pages show it: '2026-11-23 16:05 UTC' ('' for none)."""
    return f"{value:%Y-%m-%d %H:%M} UTC" if value else ""


templates.env.filters["plural"] = plural


def nav_items(user: UserView | None) -> list[dict[str, str]]:
    if user is None:
        return []
    return [{"label": label, "href": href} for label, href in NAV_BY_ROLE[user.role] + COMMON_NAV]


def _sign(request: Request, payload: bytes) -> str:
    key = request.app.state.settings.signing_key.encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()[:32]


def _read_flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    encoded, _, signature = raw.partition(".")
    try:
        payload = base64.urlsafe_b64decode(encoded.encode())
    except ValueError:
        return []
    if not hmac.compare_digest(signature, _sign(request, payload)):
        return []
    try:
        flashes = json.loads(payload)
    except ValueError:
        return []
    return [f for f in flashes if isinstance(f, dict)] if isinstance(flashes, list) else []


def set_flash(request: Request, response: Any, category: str, message: str) -> None:
    payload = json.dumps([{"category": category, "message": message}]).encode()
    value = base64.urlsafe_b64encode(payload).decode() + "." + _sign(request, payload)
    response.set_cookie(
        FLASH_COOKIE,
        value,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=60,
    )


def redirect(request: Request, url: str, flash: tuple[str, str] | None = None) -> RedirectResponse:
    """A 303 redirect (POST -> GET), optionally carrying one flash message."""
    response = RedirectResponse(url, status_code=303)
    if flash is not None:
        set_flash(request, response, *flash)
    return response


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    user: User | UserView | None = None,
    status_code: int = 200,
    flashes: list[dict[str, str]] | None = None,
) -> HTMLResponse:
    pending = _read_flashes(request)
    view = UserView.of(user)
    response = templates.TemplateResponse(
        request,
        template,
        {
            "current_user": view,
            "nav_items": nav_items(view),
            "flashes": pending + (flashes or []),
            "csrf_token": request.scope.get("state", {}).get("csrf_token", ""),
            "app_version": __version__,
            **(context or {}),
        },
        status_code=status_code,
    )
    if pending:
        response.delete_cookie(FLASH_COOKIE)
    return response
