"""The account's state: moves between states, activation and reopening, admin changes, history.

What the moves may be is in `states.py` (pure); this module makes them and tells the contributor.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.contributors.checks import ensure_checks
from labelpool.contributors.enums import CheckName, CheckStatus, ContributorState
from labelpool.contributors.models import AccountStateChange, ContributorProfile, VerificationCheck
from labelpool.contributors.profiles import get_contributor_profile
from labelpool.contributors.review import REOPENED_PREFIX
from labelpool.contributors.states import ADMIN_MOVES, transition_problem
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput
from labelpool.events import Action, emit
from labelpool.notifications.service import notify

REVIEW_LINK = "/review"


SYSTEM_NAME = "labelpool"


def _move(
    db: Session,
    profile: ContributorProfile,
    target: ContributorState,
    actor_id: int | None,
    reason: str,
    now: datetime,
    details: dict[str, object] | None = None,
) -> AccountStateChange:
    if problem := transition_problem(profile.state, target):
        raise Conflict(problem, details={"state": profile.state.value, "target": target.value})
    change = AccountStateChange(
        user_id=profile.user_id,
        from_state=profile.state,
        to_state=target,
        actor_id=actor_id,
        reason=reason,
        details=details or {},
        created_at=now,
    )
    profile.state = target
    db.add(change)
    db.flush()
    emit(
        db,
        Action.CONTRIBUTOR_STATE_CHANGED,
        "user",
        profile.user_id,
        actor_id=actor_id,
        reason=reason,
        details={
            "from": change.from_state.value if change.from_state else None,
            "to": target.value,
        },
    )
    return change


def _unpassed(db: Session, user_id: int) -> list[VerificationCheck]:
    return [c for c in ensure_checks(db, user_id).values() if c.status != CheckStatus.PASSED]


def maybe_activate(
    db: Session, profile: ContributorProfile, *, now: datetime | None = None
) -> AccountStateChange | None:
    """Under review and every check passed: the system activates the account and says so."""
    if profile.state != ContributorState.UNDER_REVIEW or _unpassed(db, profile.user_id):
        return None
    change = _move(
        db,
        profile,
        ContributorState.ACTIVE,
        None,
        "Every account check passed: " + ", ".join(n.label.lower() for n in CheckName) + ".",
        now or utcnow(),
        {"automatic": True},
    )
    notify(
        db,
        [profile.user_id],
        "account.activated",
        "Your account is active",
        "Every check of your application passed. You can now take skill and qualification "
        "tests and join projects.",
        REVIEW_LINK,
    )
    return change


def reopen_review(
    db: Session,
    profile: ContributorProfile,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> AccountStateChange | None:
    """Active with a check not passed: the account goes back under review and says why."""
    open_checks = _unpassed(db, profile.user_id)
    if profile.state != ContributorState.ACTIVE or not open_checks:
        return None
    why = " ".join(f"{c.name.label}: {c.reason}" for c in open_checks)
    change = _move(
        db,
        profile,
        ContributorState.UNDER_REVIEW,
        actor_id,
        f"{REOPENED_PREFIX}{why}"[:1000],
        now or utcnow(),
        {"automatic": True, "checks": [c.name.value for c in open_checks]},
    )
    notify(
        db,
        [profile.user_id],
        "account.under_review",
        "Your account is under review again",
        "Your profile or a check changed, so part of your account review must pass again "
        "before you can take tests and work. " + why,
        REVIEW_LINK,
    )
    return change


def sync_state(
    db: Session,
    profile: ContributorProfile,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> AccountStateChange | None:
    """Put the account in the state its checks imply: active only while every check passes."""
    if profile.state == ContributorState.ACTIVE:
        return reopen_review(db, profile, now=now, actor_id=actor_id)
    return maybe_activate(db, profile, now=now)


def change_state(
    db: Session,
    admin: User,
    user_id: int,
    target: ContributorState,
    reason: str,
    *,
    now: datetime | None = None,
) -> AccountStateChange:
    """An admin activates, suspends or reinstates an account, always with a reason."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "Give a reason; the contributor sees it in their account history.",
            details={"field": "reason"},
        )
    profile = get_contributor_profile(db, user_id)
    if problem := transition_problem(profile.state, target):
        raise Conflict(problem, details={"state": profile.state.value, "target": target.value})
    if (profile.state, target) not in ADMIN_MOVES:
        raise Conflict(
            "Only the contributor can submit their application.",
            details={"state": profile.state.value, "target": target.value},
        )
    if target == ContributorState.ACTIVE and (open_checks := _unpassed(db, user_id)):
        names = ", ".join(c.name.label.lower() for c in open_checks)
        raise Conflict(
            f"The account can become active only when every check has passed; still open: {names}.",
            details={"checks": [c.name.value for c in open_checks]},
        )
    change = _move(db, profile, target, admin.id, reason, now)
    title = {
        ContributorState.SUSPENDED: "Your account is suspended",
        ContributorState.ACTIVE: "Your account is active",
    }[target]
    notify(db, [user_id], f"account.{target.value}", title, reason, REVIEW_LINK)
    return change


def state_history(db: Session, user_id: int) -> list[AccountStateChange]:
    """Every state change of the account, newest first."""
    return list(
        db.scalars(
            select(AccountStateChange)
            .where(AccountStateChange.user_id == user_id)
            .order_by(AccountStateChange.created_at.desc(), AccountStateChange.id.desc())
        )
    )


def actor_names(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())
