"""Account logic: users, organizations, memberships, logins, sessions and API tokens.

Services never commit; the caller's unit of work (request or CLI command) does.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, delete, or_, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from labelpool.accounts.actor import refresh_actors
from labelpool.accounts.login_limits import RateLimits as RateLimits
from labelpool.accounts.login_limits import check_login_rate as check_login_rate
from labelpool.accounts.models import (
    ApiToken,
    LoginAttempt,
    LoginSession,
    Membership,
    Organization,
    User,
)
from labelpool.accounts.passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    unusable_password_hash,
    verify_password,
)
from labelpool.accounts.roles import Role, Scope
from labelpool.accounts.tokens import new_api_token, new_secret, sha256_hex
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotAuthenticated, NotFound
from labelpool.events import Action, emit

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SLUG_PATTERN = re.compile(r"[^a-z0-9]+")
# Only write `last_used_at` / `last_seen_at` when older than this, to keep reads cheap.
TOUCH_INTERVAL = timedelta(minutes=1)


def normalise_email(email: str) -> str:
    value = email.strip().lower()
    if not EMAIL_PATTERN.match(value) or len(value) > 320:
        raise InvalidInput(
            f"'{email.strip()}' is not an e-mail address; use the form name@example.org.",
            details={"field": "email"},
        )
    return value


def slugify(name: str) -> str:
    return SLUG_PATTERN.sub("-", name.lower()).strip("-")[:100] or "org"


# --- organizations and users -------------------------------------------------------------


def create_organization(db: Session, name: str, *, actor: User | None = None) -> Organization:
    name = name.strip()
    if not name:
        raise InvalidInput("Organization name must not be empty.", details={"field": "name"})
    base = slugify(name)
    slug, n = base, 1
    while db.scalar(select(Organization.id).where(Organization.slug == slug)) is not None:
        n += 1
        slug = f"{base}-{n}"
    organization = Organization(name=name, slug=slug)
    db.add(organization)
    db.flush()
    emit(
        db,
        Action.ORGANIZATION_CREATED,
        "organization",
        organization.id,
        actor_id=actor.id if actor else None,
        organization_id=organization.id,
    )
    return organization


def create_user(
    db: Session,
    *,
    email: str,
    password: str | None,
    display_name: str,
    role: Role = Role.CONTRIBUTOR,
    actor: User | None = None,
    details: dict[str, Any] | None = None,
) -> User:
    """Create an account. Raises Conflict if the e-mail is taken, InvalidInput if a field is bad.

    `password` None: no password works until one is reset (imported accounts; no hashing)."""
    email = normalise_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise InvalidInput("Name must not be empty.", details={"field": "display_name"})
    if password is not None and (problem := password_problem(password)):
        raise InvalidInput(problem, details={"field": "password"})
    if get_user_by_email(db, email) is not None:
        raise Conflict(
            f"An account with {email} already exists; log in or reset its password.",
            details={"field": "email"},
        )
    user = User(
        email=email,
        display_name=display_name[:200],
        password_hash=unusable_password_hash() if password is None else hash_password(password),
        role=role,
        password_changed_at=utcnow(),
    )
    db.add(user)
    db.flush()
    emit(
        db,
        Action.USER_CREATED,
        "user",
        user.id,
        actor_id=actor.id if actor else user.id,
        details={"role": role.value, **(details or {})},
    )
    return user


def add_membership(
    db: Session, user: User, organization: Organization, role: Role, *, actor: User | None = None
) -> Membership:
    existing = db.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organization_id == organization.id
        )
    )
    if existing is not None:
        existing.role = role
        db.flush()
        refresh_actors(db)
        return existing
    membership = Membership(user_id=user.id, organization_id=organization.id, role=role)
    db.add(membership)
    db.flush()
    refresh_actors(db)
    emit(
        db,
        Action.MEMBERSHIP_CREATED,
        "user",
        user.id,
        actor_id=actor.id if actor else None,
        organization_id=organization.id,
        details={"role": role.value},
    )
    return membership


def get_user(db: Session, user_id: int) -> User:
    user = db.get(User, user_id)
    if user is None:
        raise NotFound(f"No user with id {user_id}.")
    return user


def get_user_by_email(db: Session, email: str) -> User | None:
    return db.scalar(select(User).where(User.email == email.strip().lower()))


def list_users(db: Session, *, organization_id: int | None = None) -> list[User]:
    query = (
        select(User)
        .options(selectinload(User.memberships).selectinload(Membership.organization))
        .order_by(User.id)
    )
    if organization_id is not None:
        query = query.join(Membership).where(Membership.organization_id == organization_id)
    return list(db.scalars(query))


def list_organizations(db: Session) -> list[Organization]:
    return list(db.scalars(select(Organization).order_by(Organization.name, Organization.id)))


def organizations_of(db: Session, user: User) -> list[tuple[Organization, Role]]:
    rows = db.execute(
        select(Organization, Membership.role)
        .join(Membership)
        .where(Membership.user_id == user.id)
        .order_by(Organization.name)
    )
    return [(org, role) for org, role in rows]


# --- logging in ---------------------------------------------------------------------------


def authenticate(
    db: Session,
    email: str,
    password: str,
    *,
    ip_address: str,
    limits: RateLimits | None = None,
    now: datetime | None = None,
) -> User:
    """Check a password. Every attempt is recorded; repeated failures are rate limited."""
    now = now or utcnow()
    limits = limits or RateLimits()
    key = email.strip().lower()[:320]
    ip_address = ip_address[:64]
    check_login_rate(db, key, ip_address, limits, now)
    user = get_user_by_email(db, key)
    ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
    ok = ok and user is not None and user.is_active
    db.add(LoginAttempt(email=key, ip_address=ip_address, succeeded=ok, created_at=now))
    if not ok or user is None:
        raise NotAuthenticated("E-mail or password is wrong.", code="invalid_credentials")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def start_session(
    db: Session,
    user: User,
    *,
    days: int = 14,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> str:
    """Create a login session and return the cookie value (only its hash is stored)."""
    token = new_secret()
    now = utcnow()
    db.add(
        LoginSession(
            token_hash=sha256_hex(token),
            user_id=user.id,
            expires_at=now + timedelta(days=days),
            last_seen_at=now,
            ip_address=ip_address,
            user_agent=(user_agent or "")[:300] or None,
        )
    )
    return token


@dataclass(frozen=True)
class Credential:
    """The user a secret (session cookie or API token) belongs to.

    `touch_due` says its last-used time is older than TOUCH_INTERVAL; the caller writes it with
    `touch_credential` in a transaction of its own, so reading who is asking never writes inside
    the request's transaction (on SQLite that turned every GET into a would-be writer).
    """

    user: User
    kind: type[LoginSession] | type[ApiToken]
    row_id: int
    touch_due: bool
    scopes: frozenset[Scope] = Scope.ADMIN.includes  # a log-in may do all its user may


def session_credential(db: Session, token: str) -> Credential | None:
    now = utcnow()
    login = db.scalar(
        select(LoginSession)
        .where(LoginSession.token_hash == sha256_hex(token))
        .options(joinedload(LoginSession.user))  # one query, not two: every request asks
    )
    if login is None or login.expires_at <= now or not login.user.is_active:
        return None
    due = now - login.last_seen_at > TOUCH_INTERVAL
    return Credential(login.user, LoginSession, login.id, due)


def user_for_session(db: Session, token: str) -> User | None:
    credential = session_credential(db, token)
    return credential.user if credential else None


def touch_credential(db: Session, credential: Credential, now: datetime | None = None) -> None:
    """Record that the credential was used, unless another request already did in the interval."""
    now = now or utcnow()
    column = LoginSession.last_seen_at if credential.kind is LoginSession else ApiToken.last_used_at
    db.execute(
        update(credential.kind)
        .where(
            credential.kind.id == credential.row_id,
            or_(column.is_(None), column < now - TOUCH_INTERVAL),
        )
        .values({column.key: now})
    )


def end_session(db: Session, token: str) -> None:
    db.execute(delete(LoginSession).where(LoginSession.token_hash == sha256_hex(token)))


def end_all_sessions(db: Session, user: User, *, except_token: str | None = None) -> None:
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if except_token is not None:
        query = query.where(LoginSession.token_hash != sha256_hex(except_token))
    db.execute(query)


# --- API tokens ---------------------------------------------------------------------------


def token_scope(value: str) -> Scope:
    """The scope a form or command names, or InvalidInput listing the choices."""
    try:
        return Scope(value.strip().lower())
    except ValueError:
        choices = ", ".join(s.value for s in Scope)
        raise InvalidInput(
            f"Unknown token scope {value!r}; choose one of {choices}.", details={"field": "scope"}
        ) from None


def create_api_token(
    db: Session, user: User, name: str, scope: Scope = Scope.WRITE
) -> tuple[str, ApiToken]:
    """Create a token; the plain value is returned once and never stored."""
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput(
            "Token name must be 1 to 100 characters, e.g. 'import script'.",
            details={"field": "name"},
        )
    token, prefix = new_api_token()
    api_token = ApiToken(
        user_id=user.id, name=name, prefix=prefix, token_hash=sha256_hex(token), scope=scope
    )
    db.add(api_token)
    db.flush()
    emit(
        db,
        Action.API_TOKEN_CREATED,
        "api_token",
        api_token.id,
        actor_id=user.id,
        details={"scope": scope.value},
    )
    return token, api_token


# Every API request asks: built once, the token and its user in one query.
TOKEN_BY_HASH = (
    select(ApiToken)
    .where(ApiToken.token_hash == bindparam("p_hash"))
    .options(joinedload(ApiToken.user))
)


def api_token_credential(db: Session, token: str) -> Credential | None:
    api_token = db.scalar(TOKEN_BY_HASH, {"p_hash": sha256_hex(token)})
    if api_token is None or api_token.revoked_at is not None or not api_token.user.is_active:
        return None
    last = api_token.last_used_at
    due = last is None or utcnow() - last > TOUCH_INTERVAL
    return Credential(api_token.user, ApiToken, api_token.id, due, api_token.scope.includes)


def user_for_api_token(db: Session, token: str) -> User | None:
    credential = api_token_credential(db, token)
    return credential.user if credential else None


def list_api_tokens(db: Session, user: User) -> list[ApiToken]:
    return list(
        db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id))
    )


def revoke_api_token(db: Session, user: User, token_id: int) -> ApiToken:
    api_token = db.get(ApiToken, token_id)
    if api_token is None or api_token.user_id != user.id:
        raise NotFound(f"You have no API token with id {token_id}.")
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
        emit(db, Action.API_TOKEN_REVOKED, "api_token", api_token.id, actor_id=user.id)
    return api_token


# --- passwords ----------------------------------------------------------------------------


def reset_password(db: Session, actor: User, user: User, new_password: str | None = None) -> str:
    """An admin sets a new password (generated if not given); the user's sessions end."""
    password = new_password or secrets.token_urlsafe(12)
    if password is not None and (problem := password_problem(password)):
        raise InvalidInput(problem, details={"field": "password"})
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    end_all_sessions(db, user)
    emit(db, Action.USER_PASSWORD_RESET, "user", user.id, actor_id=actor.id)
    return password


def change_password(
    db: Session, user: User, current: str, new: str, *, keep_session: str | None = None
) -> None:
    """The user changes their own password; their other sessions end."""
    if not verify_password(user.password_hash, current):
        raise InvalidInput(
            "Your current password is not right.", details={"field": "current_password"}
        )
    if problem := password_problem(new):
        raise InvalidInput(problem, details={"field": "new_password"})
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_all_sessions(db, user, except_token=keep_session)
    emit(db, Action.USER_PASSWORD_CHANGED, "user", user.id, actor_id=user.id)
