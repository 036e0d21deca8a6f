"""Who may manage, see and take a test: the one rule every taker path goes through (the rules
themselves are `labelpool.policy.tests`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments.models import AssessmentTest, Attempt, AttemptPurpose
from labelpool.contributors import service as contributors
from labelpool.errors import NotFound, PermissionDenied
from labelpool.policy import TestPolicy, actor_of, authorize, permits, visible
from labelpool.policy.rules import get_authorized
from labelpool.policy.tests import NOT_A_TAKER, TakeMode, taking_mode

__all__ = ["NOT_A_TAKER", "TakeMode"]


def can_manage(db: Session, user: User, test: AssessmentTest) -> bool:
    return permits(actor_of(db, user), TestPolicy.manage(test))


def test_for_manager(db: Session, user: User, test_id: int) -> AssessmentTest:
    """The test if `user` may change it; NotFound for other tenants, PermissionDenied for
    members who may only look."""
    return get_authorized(db, user, AssessmentTest, test_id, TestPolicy.manage, "test")


def test_for_taker(db: Session, user: User, test_id: int) -> AssessmentTest:
    """A published test (its managers also see drafts, to try them out)."""
    return get_authorized(db, user, AssessmentTest, test_id, TestPolicy.find, "test")


def mode_for(db: Session, user: User, test: AssessmentTest) -> TakeMode | None:
    """How `user` would take `test` (ignoring account review), or None: not at all."""
    return taking_mode(actor_of(db, user), test)


def take_mode(db: Session, user: User, test: AssessmentTest) -> TakeMode:
    """How `user` may take `test`, or PermissionDenied saying what to do.

    Used by every way of taking a test (starting, refreshers, reading and answering an
    attempt, the list of tests), from the API and the pages alike.
    """
    actor = actor_of(db, user)
    authorize(actor, TestPolicy.take(test))
    mode = taking_mode(actor, test)
    if mode == TakeMode.QUALIFY:
        require_active_account(db, user)
    return mode or TakeMode.QUALIFY


def may_take(db: Session, user: User, test: AssessmentTest) -> bool:
    try:
        take_mode(db, user, test)
    except PermissionDenied:
        return False
    return True


def _require_attempt_access(db: Session, user: User, attempt: Attempt) -> AssessmentTest:
    """The attempt's test, if `user` may still take it in the way the attempt was started."""
    test = db.get(AssessmentTest, attempt.test_id)
    if test is None:
        raise NotFound(f"No attempt with id {attempt.id}.")
    mode = take_mode(db, user, test)
    if mode == TakeMode.PREVIEW and attempt.purpose != AttemptPurpose.PREVIEW:
        raise PermissionDenied(
            "This attempt was not started as a preview, and as staff you can only preview "
            "tests; start a new preview from the test's page.",
            code="not_a_taker",
        )
    return test


def managed_tests(db: Session, user: User) -> list[AssessmentTest]:
    query = select(AssessmentTest).order_by(AssessmentTest.title, AssessmentTest.id)
    return list(db.scalars(visible(query, actor_of(db, user))))


def require_active_account(db: Session, user: User) -> None:
    """Contributors take tests only once their account review is done (and not suspended)."""
    if actor_of(db, user).is_contributor and not contributors.is_active(db, user.id):
        raise PermissionDenied(
            "Your account is not active yet: complete your application and account review "
            "(see /review) before taking tests.",
            code="account_not_active",
        )
