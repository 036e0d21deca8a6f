"""Pages for signing up, logging in and out, the dashboard, the account and user admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from labelpool.accounts import service
from labelpool.accounts import signup as signup_service
from labelpool.accounts.dashboard import home_context
from labelpool.accounts.login_limits import RateLimits
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role, Scope
from labelpool.config import Settings
from labelpool.contributors.enums import ContributorState
from labelpool.contributors.queries import is_active, users_with_states
from labelpool.errors import InvalidInput, LabelpoolError, NotAuthenticated, RateLimited
from labelpool.web.deps import (
    SESSION_COOKIE,
    AdminUser,
    CurrentUser,
    DbSession,
    OptionalUser,
    SettingsDep,
    client_address,
    csrf_protect,
)
from labelpool.web.forms import form_failure
from labelpool.web.render import FormStr, redirect, render, set_flash, when
from labelpool.web.schemas import ResourceId

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only follow local paths after log-in, never another site."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/"


def _limits(settings: Settings) -> RateLimits:
    return RateLimits(
        max_failures_per_account=settings.login_max_failures_per_account,
        max_failures_per_address=settings.login_max_failures_per_address,
        free_failures=settings.login_free_failures,
        max_backoff=timedelta(seconds=settings.login_max_backoff_seconds),
        window=timedelta(seconds=settings.login_window_seconds),
    )


def _log_in(
    request: Request, db: DbSession, settings: Settings, user: User, target: str
) -> RedirectResponse:
    token = service.start_session(
        db,
        user,
        days=settings.session_days,
        ip_address=client_address(request),
        user_agent=request.headers.get("user-agent"),
    )
    response = redirect(request, _safe_next(target))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86400,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: OptionalUser, db: DbSession) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "home.html", home_context(db, user), user=user)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "") -> Response:
    if user is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "auth/login.html", {"next": next, "form": {}})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    email: FormStr = "",
    password: FormStr = "",
    next: FormStr = "",
) -> Response:
    context: dict[str, Any] = {"next": next, "form": {"email": email}}
    try:
        user = service.authenticate(
            db, email, password, ip_address=client_address(request), limits=_limits(settings)
        )
    except RateLimited as exc:
        response = render(
            request, "auth/login.html", {**context, "form_error": exc.message}, status_code=429
        )
        response.headers["Retry-After"] = str(exc.retry_after_seconds)
        return response
    except NotAuthenticated as exc:
        return render(
            request, "auth/login.html", {**context, "form_error": exc.message}, status_code=401
        )
    landing = "/work" if user.role == Role.CONTRIBUTOR and is_active(db, user.id) else ""
    logged_in = _log_in(request, db, settings, user, next or landing)
    if signup_service.first_log_in(db, user):
        set_flash(request, logged_in, "success", f"Welcome to labelpool, {user.display_name}!")
    return logged_in


@router.get("/signup", response_class=HTMLResponse)
def signup_page(request: Request, user: OptionalUser) -> Response:
    if user is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "auth/signup.html", {"form": {"account_type": "contributor"}})


SIGNED_UP = (
    "Thanks for signing up. Log in with your e-mail address and password to continue. "
    "(If the address already had an account, nothing was changed and its owner has been told.)"
)


@router.post("/signup", response_class=HTMLResponse)
def signup(
    request: Request,
    db: DbSession,
    display_name: FormStr = "",
    email: FormStr = "",
    password: FormStr = "",
    account_type: FormStr = "contributor",
    organization_name: FormStr = "",
) -> Response:
    """The same answer whether or not the e-mail address has an account (see `signup`)."""
    form = {
        "display_name": display_name,
        "email": email,
        "account_type": account_type,
        "organization_name": organization_name,
    }
    try:
        signup_service.sign_up_from_form(
            db,
            email=email,
            password=password,
            display_name=display_name,
            account_type=account_type,
            organization_name=organization_name,
        )
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        return render(
            request,
            "auth/signup.html",
            {
                "form": form,
                "form_error": failure.message,
                "field_errors": failure.field_errors,
            },
            status_code=failure.status_code,
        )
    return redirect(request, "/login", ("success", SIGNED_UP))


@router.post("/logout")
def logout(request: Request, db: DbSession) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        service.end_session(db, cookie)
    response = redirect(request, "/login", ("info", "You have been logged out."))
    response.delete_cookie(SESSION_COOKIE)
    return response


def _token_rows(db: DbSession, user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": t.id,
            "name": t.name,
            "prefix": t.prefix,
            "scope": t.scope.value,
            "created_at": when(t.created_at),
            "last_used_at": when(t.last_used_at) or None,
            "revoked": t.revoked_at is not None,
        }
        for t in service.list_api_tokens(db, user)
    ]


@router.get("/account", response_class=HTMLResponse)
def account(request: Request, user: CurrentUser, db: DbSession) -> Response:
    return render(request, "account.html", {"tokens": _token_rows(db, user)}, user=user)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    name: FormStr = "",
    scope: FormStr = Scope.WRITE.value,
) -> Response:
    try:
        secret, _ = service.create_api_token(db, user, name, service.token_scope(scope))
    except InvalidInput as exc:
        return render(
            request,
            "account.html",
            {"tokens": _token_rows(db, user)},
            user=user,
            status_code=422,
            flashes=[{"category": "error", "message": exc.message}],
        )
    return render(
        request,
        "account.html",
        {"tokens": _token_rows(db, user), "new_token": secret},
        user=user,
        status_code=201,
    )


@router.post("/account/password", response_class=HTMLResponse)
def change_password(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    current_password: FormStr = "",
    new_password: FormStr = "",
) -> Response:
    try:
        service.change_password(
            db,
            user,
            current_password,
            new_password,
            keep_session=request.cookies.get(SESSION_COOKIE),
        )
    except InvalidInput as exc:
        return render(
            request,
            "account.html",
            {"tokens": _token_rows(db, user), "password_error": exc.message},
            user=user,
            status_code=422,
        )
    return redirect(request, "/account", ("success", "Your password has been changed."))


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    token = service.revoke_api_token(db, user, token_id)
    return redirect(request, "/account", ("success", f"Token '{token.name}' revoked."))


#: How the users page shows a contributor's account state (None: never applied).
ACCOUNT_BADGES: dict[ContributorState | None, tuple[str, str]] = {
    None: ("Not applied yet", "neutral"),
    ContributorState.APPLIED: ("Applied", "neutral"),
    ContributorState.UNDER_REVIEW: ("Under review", "warning"),
    ContributorState.ACTIVE: ("Active", "success"),
    ContributorState.SUSPENDED: ("Suspended", "danger"),
}


def _account(user: User, state: ContributorState | None) -> dict[str, str] | None:
    """A contributor's account state and review page; None for other roles."""
    if user.role != Role.CONTRIBUTOR:
        return None
    label, badge = ACCOUNT_BADGES[state]
    return {"label": label, "badge": badge, "review_href": f"/admin/reviews/{user.id}"}


def _user_rows(db: DbSession) -> list[dict[str, Any]]:
    return [
        {
            "id": u.id,
            "display_name": u.display_name,
            "email": u.email,
            "role": u.role.value,
            "is_active": u.is_active,
            "account": _account(u, state),
            "created_at": f"{u.created_at:%Y-%m-%d}",
            "organizations": ", ".join(sorted(m.organization.name for m in u.memberships)),
        }
        for u, state in users_with_states(db)
    ]


@router.get("/admin/users", response_class=HTMLResponse)
def admin_users(request: Request, admin: AdminUser, db: DbSession) -> Response:
    return render(request, "admin/users.html", {"users": _user_rows(db)}, user=admin)


@router.post("/admin/users", response_class=HTMLResponse)
def admin_create_user(
    request: Request,
    admin: AdminUser,
    db: DbSession,
    display_name: FormStr = "",
    email: FormStr = "",
    role: FormStr = "contributor",
    password: FormStr = "",
) -> Response:
    try:
        if role not in {r.value for r in Role}:
            raise InvalidInput(f"'{role}' is not a role; choose one from the list.")
        created = service.create_user(
            db,
            email=email,
            password=password,
            display_name=display_name,
            role=Role(role),
            actor=admin,
        )
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        return render(
            request,
            "admin/users.html",
            {"users": _user_rows(db)},
            user=admin,
            status_code=failure.status_code,
            flashes=[{"category": "error", "message": failure.message}],
        )
    return redirect(request, "/admin/users", ("success", f"Created {created.email}."))


@router.post("/admin/users/{user_id}/reset-password", response_class=HTMLResponse)
def admin_reset_password(
    request: Request, user_id: ResourceId, admin: AdminUser, db: DbSession
) -> Response:
    target = service.get_user(db, user_id)
    password = service.reset_password(db, admin, target)
    return render(
        request,
        "admin/users.html",
        {"users": _user_rows(db), "reset_result": {"email": target.email, "password": password}},
        user=admin,
    )
