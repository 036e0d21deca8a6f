"""Signing up, without telling anyone whether an e-mail address already has an account.

`sign_up` does the same work and the caller gives the same answer either way; when the
address is taken, nothing changes and the account's owner is told in a notification (the
project's way of telling users things; e-mail delivery builds on notifications).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from labelpool.accounts.models import LoginAttempt, User
from labelpool.accounts.passwords import hash_password, password_problem
from labelpool.accounts.roles import Role
from labelpool.accounts.service import (
    add_membership,
    create_organization,
    create_user,
    get_user_by_email,
    normalise_email,
)
from labelpool.errors import InvalidInput
from labelpool.events import Action, emit
from labelpool.notifications.models import Notification
from labelpool.notifications.service import notify

TAKEN_KIND = "account.signup_attempt"
TAKEN_TITLE = "Someone tried to sign up with your e-mail address"
SIGNUP_ROLES = (Role.CONTRIBUTOR, Role.REQUESTER)
#: The sign-up form's account types and the role each gives.
ACCOUNT_TYPES = {"contributor": Role.CONTRIBUTOR, "requester": Role.REQUESTER}
CHOOSE_ACCOUNT_TYPE = "Choose whether you want to do work or get data labeled."


def check_sign_up(
    *, email: str, password: str, display_name: str, role: Role, organization_name: str
) -> str:
    """Refuse bad input (InvalidInput naming the field) before anything is looked up; returns
    the normalised e-mail. Nothing here depends on whether the address is taken."""
    if role not in SIGNUP_ROLES:
        raise InvalidInput(CHOOSE_ACCOUNT_TYPE, details={"field": "account_type"})
    normalised = normalise_email(email)
    if not display_name.strip():
        raise InvalidInput("Name must not be empty.", details={"field": "display_name"})
    if problem := password_problem(password):
        raise InvalidInput(problem, details={"field": "password"})
    if role == Role.REQUESTER and not organization_name.strip():
        raise InvalidInput(
            "Give your organization a name, e.g. your company or team.",
            details={"field": "organization_name"},
        )
    return normalised


def _tell_owner(db: Session, owner: User) -> None:
    """One unread notice at a time, however often someone tries."""
    waiting = db.scalar(
        select(Notification.id)
        .where(
            Notification.user_id == owner.id,
            Notification.kind == TAKEN_KIND,
            Notification.read_at.is_(None),
        )
        .limit(1)
    )
    if waiting is None:
        notify(
            db,
            [owner.id],
            TAKEN_KIND,
            TAKEN_TITLE,
            f"Someone, perhaps you, tried to create a new labelpool account with {owner.email}. "
            "Nothing was changed. If it was you, log in with your password (an admin can reset "
            "it if you forgot it); if it was not, you need not do anything.",
            "/login",
        )
    emit(db, Action.USER_SIGNUP_WITH_TAKEN_EMAIL, "user", owner.id)


def first_log_in(db: Session, user: User) -> bool:
    """Whether the log-in just recorded is the account's first (to welcome a new user)."""
    succeeded = db.scalar(
        select(func.count()).where(
            LoginAttempt.email == user.email, LoginAttempt.succeeded.is_(True)
        )
    )
    return succeeded == 1


def sign_up(
    db: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    role: Role = Role.CONTRIBUTOR,
    organization_name: str = "",
) -> User | None:
    """The new account (with a requester's organization), or None when the address already
    has an account: then nothing changes and its owner gets a notification."""
    normalised = check_sign_up(
        email=email,
        password=password,
        display_name=display_name,
        role=role,
        organization_name=organization_name,
    )
    owner = get_user_by_email(db, normalised)
    if owner is not None:
        hash_password(password)  # the work of creating an account, so timing tells nothing
        _tell_owner(db, owner)
        return None
    try:
        with db.begin_nested():  # a sign-up racing this one for the address wins
            user = create_user(
                db, email=normalised, password=password, display_name=display_name, role=role
            )
    except IntegrityError:
        return None
    if role == Role.REQUESTER:
        organization = create_organization(db, organization_name, actor=user)
        add_membership(db, user, organization, Role.REQUESTER, actor=user)
    return user


def account_role(account_type: str) -> Role:
    """The role a sign-up form's account type gives (InvalidInput naming the field if none)."""
    role = ACCOUNT_TYPES.get(account_type)
    if role is None:
        raise InvalidInput(CHOOSE_ACCOUNT_TYPE, details={"field": "account_type"})
    return role


def sign_up_from_form(
    db: Session,
    *,
    email: str,
    password: str,
    display_name: str,
    account_type: str,
    organization_name: str = "",
) -> User | None:
    """`sign_up` with the account type the sign-up page offers ('contributor' or
    'requester') instead of a role; the same answer whether or not the address is taken."""
    return sign_up(
        db,
        email=email,
        password=password,
        display_name=display_name,
        role=account_role(account_type),
        organization_name=organization_name,
    )
