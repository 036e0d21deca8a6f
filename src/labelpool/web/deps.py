"""Typed FastAPI dependencies: the database unit of work, the app's settings and media
storage (built once in `create_app`), and who is asking."""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Annotated

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from labelpool.accounts import service as accounts
from labelpool.accounts.actor import Actor, actor_of, load_actor
from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.db.engine import transaction
from labelpool.errors import NotAuthenticated, PermissionDenied
from labelpool.media.storage import MediaStorage
from labelpool.policy import PlatformPolicy, Rule, authorize
from labelpool.policy.organizations import contributor_only
from labelpool.policy.requests import request_rule
from labelpool.web.db_turns import DatabaseTurnTimeout, database_turn
from labelpool.web.middleware import RETRY_AS_WRITER
from labelpool.web.render import UserView

SESSION_COOKIE = "lp_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
log = logging.getLogger(__name__)


class LoginRequired(NotAuthenticated):
    """Raised by page routes; the handler redirects to the log-in page."""


class CsrfFailed(PermissionDenied):
    code = "csrf_failed"


def request_writes(request: Request) -> bool:
    """Whether the request's transaction begins as a writer (see ReadRetryMiddleware)."""
    if request.method not in SAFE_METHODS:
        return True
    return bool(request.scope.get("state", {}).get(RETRY_AS_WRITER))


async def _database_turn(request: Request) -> AsyncIterator[None]:
    """The request waits for a connection slot (and on SQLite a writer for its turn) on the
    event loop before its transaction takes a thread (`web.db_turns`)."""
    async with database_turn(
        request.app.state.engine,
        write=request_writes(request),
        wait_seconds=request.app.state.settings.lock_timeout_seconds,
    ):
        yield


def get_db(
    request: Request, _turn: Annotated[None, Depends(_database_turn, scope="function")]
) -> Iterator[Session]:
    """One transaction per request: committed before the response is sent, else rolled back.

    Requests that write start their transaction as writers (`begin_write`), so concurrent
    writers queue for SQLite's lock instead of failing with "database is locked".
    """
    with transaction(request.app.state.session_factory, write=request_writes(request)) as session:
        yield session


DbSession = Annotated[Session, Depends(get_db, scope="function")]


# Dependencies that do no I/O are `async def`: FastAPI runs a plain `def` one in a worker
# thread, a hop that costs more than the function itself.
async def get_settings(request: Request) -> Settings:
    """The app's one `Settings` (its `media` and `review` parts included), from `create_app`."""
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_storage(request: Request) -> MediaStorage:
    """The app's media storage, built once from the settings in `create_app`."""
    storage: MediaStorage = request.app.state.storage
    return storage


StorageDep = Annotated[MediaStorage, Depends(get_storage)]


def client_address(request: Request) -> str:
    """The client's address: the peer's, or what `X-Forwarded-For` says only when the peer is
    one of LABELPOOL_TRUSTED_PROXIES (see `labelpool.accounts.addresses`)."""
    from labelpool.accounts.addresses import resolve_client_address

    settings = getattr(request.app.state, "settings", None)
    trusted = settings.trusted_proxies if isinstance(settings, Settings) else ""
    peer = request.client.host if request.client else None
    return resolve_client_address(peer, request.headers.getlist("x-forwarded-for"), trusted)


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(
            "The Authorization header must be 'Bearer <token>'.", code="invalid_token"
        )
    return token.strip()


def csrf_ok(request: Request, submitted: str | None) -> bool:
    expected = request.scope.get("state", {}).get("csrf_token")
    return bool(submitted and expected and hmac.compare_digest(submitted, expected))


def _touch_later(
    request: Request, background: BackgroundTasks, credential: accounts.Credential
) -> None:
    """Write the credential's last-used time after the response, in its own transaction."""
    if credential.touch_due:
        background.add_task(
            _touch, request.app.state.engine, request.app.state.session_factory, credential
        )


# How long recording a credential's use waits for its turn before it is skipped.
TOUCH_WAIT_SECONDS = 1.0


async def _touch(
    engine: Engine, factory: sessionmaker[Session], credential: accounts.Credential
) -> None:
    try:
        async with database_turn(engine, write=True, wait_seconds=TOUCH_WAIT_SECONDS):
            await run_in_threadpool(_touch_now, factory, credential)
    except (OperationalError, DatabaseTurnTimeout):  # busy: the last-used time can wait
        log.info("skipped recording the use of a %s: database busy", credential.kind.__name__)


def _touch_now(factory: sessionmaker[Session], credential: accounts.Credential) -> None:
    with transaction(factory, write=True) as db:
        accounts.touch_credential(db, credential)


def optional_user(request: Request, db: DbSession, background: BackgroundTasks) -> User | None:
    """The caller from an API token, else from the session cookie, else None.

    Cookie-authenticated API calls that change state must carry the CSRF header.
    """
    token = _bearer_token(request)
    if token is not None:
        credential = accounts.api_token_credential(db, token)
        if credential is None:
            raise NotAuthenticated(
                "This API token is invalid or has been revoked; create a new one on your "
                "account page or with `labelpool tokens create`.",
                code="invalid_token",
            )
        _touch_later(request, background, credential)
        request.state.auth_method = "token"
        actor = load_actor(db, credential.user, credential.scopes)
        authorize(actor, request_rule(request.method))
        return credential.user
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    login = accounts.session_credential(db, cookie)
    if login is None:
        return None
    request.state.auth_method = "session"
    request.state.page_user = UserView.of(login.user)
    is_api = request.url.path.startswith("/api/")
    if (
        is_api
        and request.method not in SAFE_METHODS
        and not csrf_ok(request, request.headers.get(CSRF_HEADER))
    ):
        raise CsrfFailed("Missing or wrong X-CSRF-Token header; reload the page and try again.")
    _touch_later(request, background, login)
    load_actor(db, login.user)
    return login.user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def page_user_of(request: Request) -> UserView | None:
    """Who is logged in, for an error page of a request no auth dependency ran for (e.g. a
    404 of an unknown path): the session cookie looked up in a short read of its own."""
    cached = getattr(request.state, "page_user", None)
    cookie = request.cookies.get(SESSION_COOKIE)
    if cached is not None or not cookie:
        return cached if isinstance(cached, UserView) else None
    try:
        with request.app.state.session_factory() as db:
            login = accounts.session_credential(db, cookie)
            return UserView.of(login.user) if login is not None else None
    except SQLAlchemyError:  # the page says what went wrong; the menu can do without
        log.info("no user for the error page of %s: database unavailable", request.url.path)
        return None


async def current_user(request: Request, user: OptionalUser) -> User:
    if user is None:
        if request.url.path.startswith("/api/"):
            raise NotAuthenticated(
                "Log in first, or send an API token as 'Authorization: Bearer <token>'."
            )
        raise LoginRequired("Please log in to see this page.")
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def current_actor(user: CurrentUser, db: DbSession) -> Actor:
    """Who is asking, with their organization roles and their credential's scope."""
    return actor_of(db, user)


CurrentActor = Annotated[Actor, Depends(current_actor)]


def admitted_by(rule: Rule) -> Callable[[Actor], User]:
    """A dependency that admits only actors `rule` lets through (checked before the body)."""

    def check(actor: CurrentActor) -> User:
        authorize(actor, rule)
        return actor.user

    return check


AdminUser = Annotated[User, Depends(admitted_by(PlatformPolicy.administer()))]
ContributorUser = Annotated[User, Depends(admitted_by(contributor_only("This")))]


async def csrf_protect(request: Request) -> None:
    """Page routes: every state-changing form must echo the CSRF token."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            submitted = value if isinstance(value, str) else None
    if not csrf_ok(request, submitted):
        raise CsrfFailed(
            "This form has expired or did not come from labelpool. Reload the page and try again."
        )
