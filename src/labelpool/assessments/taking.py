"""Who may manage, see and take a test: the one rule every taker path goes through."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Membership, User
from labelpool.accounts.roles import Role
from labelpool.assessments.models import (
    AssessmentTest,
    Attempt,
    AttemptPurpose,
    TestStatus,
)
from labelpool.contributors import service as contributors
from labelpool.errors import NotFound, PermissionDenied
from labelpool.projects import access


def can_manage(db: Session, user: User, test: AssessmentTest) -> bool:
    if user.role == Role.ADMIN:
        return True
    if test.organization_id is None:
        return False
    return access.organization_role(db, user, test.organization_id) in access.MANAGE_ROLES


def _can_view(db: Session, user: User, test: AssessmentTest) -> bool:
    if user.role == Role.ADMIN:
        return True
    if test.organization_id is None:
        return False
    return access.organization_role(db, user, test.organization_id) in access.VIEW_ROLES


def test_for_manager(db: Session, user: User, test_id: int) -> AssessmentTest:
    """The test if `user` may change it; NotFound for other tenants, PermissionDenied for
    members who may only look."""
    test = db.get(AssessmentTest, test_id)
    if test is None or not _can_view(db, user, test):
        raise NotFound(f"No test with id {test_id}.")
    if not can_manage(db, user, test):
        raise PermissionDenied("Only the organization's requesters and admins can change tests.")
    return test


def test_for_taker(db: Session, user: User, test_id: int) -> AssessmentTest:
    """A published test (its managers also see drafts, to try them out)."""
    test = db.get(AssessmentTest, test_id)
    if test is None or (test.status != TestStatus.PUBLISHED and not _can_view(db, user, test)):
        raise NotFound(f"No test with id {test_id}.")
    return test


class TakeMode(StrEnum):
    QUALIFY = "qualify"  # an active contributor: counts for retakes, a pass grants
    PREVIEW = "preview"  # the test's own staff or a platform admin: grants nothing


NOT_A_TAKER = (
    "Tests are taken by contributors with an active account. Requesters, reviewers and "
    "admins of an organization can preview that organization's tests only; sign in with a "
    "contributor account to take this test."
)


@dataclass(frozen=True)
class TakerScope:
    """What one user may take: the rule every taker route goes through (see `take_mode`)."""

    platform_admin: bool
    contributor: bool
    staff_of: frozenset[int]  # organizations where the user is a requester, reviewer or admin

    def mode(self, test: AssessmentTest) -> TakeMode | None:
        """How this user may take `test` (ignoring account review), or None: not at all."""
        if self.platform_admin or (
            test.organization_id is not None and test.organization_id in self.staff_of
        ):
            return TakeMode.PREVIEW
        if self.contributor:
            return TakeMode.QUALIFY
        return None


def taker_scope(db: Session, user: User) -> TakerScope:
    return TakerScope(
        platform_admin=user.role == Role.ADMIN,
        contributor=user.role == Role.CONTRIBUTOR,
        staff_of=frozenset(access.visible_organization_ids(db, user)),
    )


def take_mode(db: Session, user: User, test: AssessmentTest) -> TakeMode:
    """How `user` may take `test`, or PermissionDenied saying what to do.

    Used by every way of taking a test (starting, refreshers, reading and answering an
    attempt, the list of tests), from the API and the pages alike.
    """
    mode = taker_scope(db, user).mode(test)
    if mode is None:
        raise PermissionDenied(NOT_A_TAKER, code="not_a_taker")
    if mode == TakeMode.QUALIFY:
        require_active_account(db, user)
    return mode


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
    if user.role != Role.ADMIN:
        mine = select(Membership.organization_id).where(
            Membership.user_id == user.id, Membership.role.in_(access.VIEW_ROLES)
        )
        query = query.where(AssessmentTest.organization_id.in_(mine))
    return list(db.scalars(query))


def require_active_account(db: Session, user: User) -> None:
    """Contributors take tests only once their account review is done (and not suspended)."""
    if user.role == Role.CONTRIBUTOR and not contributors.is_active(db, user.id):
        raise PermissionDenied(
            "Your account is not active yet: complete your application and account review "
            "(see /review) before taking tests.",
            code="account_not_active",
        )
