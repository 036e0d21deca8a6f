"""Tests (skill and qualification): their organization's staff see them, its requesters and
admins change them; platform-wide tests (no organization) belong to the platform's admins."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Select

from labelpool.accounts.actor import Actor
from labelpool.accounts.roles import Scope
from labelpool.assessments.models import AssessmentTest, TestStatus
from labelpool.policy.rules import Rule, Verdict, manage_owned, readable, view_owned


def _hidden(test_id: int) -> str:
    return f"No test with id {test_id}."


class TestPolicy:
    __test__ = False  # not a pytest class

    @staticmethod
    def view(test: AssessmentTest) -> Rule:
        """See a test as its staff does: settings, questions with their keys, attempts."""
        return view_owned("test.view", test.organization_id, _hidden(test.id))

    @staticmethod
    def manage(test: AssessmentTest) -> Rule:
        return manage_owned(
            "test.manage",
            test.organization_id,
            _hidden(test.id),
            "Only the organization's requesters and admins can change tests.",
        )

    @staticmethod
    def find(test: AssessmentTest) -> Rule:
        """Find a test to take: published ones, and drafts for their staff (to try them out)."""
        published = test.status == TestStatus.PUBLISHED
        return Rule(
            "test.find",
            Scope.READ,
            lambda actor: (
                Verdict.ALLOW if published or actor.views(test.organization_id) else Verdict.HIDE
            ),
            forbidden="",
            hidden=_hidden(test.id),
        )

    @staticmethod
    def take(test: AssessmentTest) -> Rule:
        """Take `test`: contributors for real, its staff and platform admins as a preview."""
        return Rule.when(
            "test.take",
            Scope.READ,  # reading one's attempts too; answering needs write (the method rule)
            lambda actor: taking_mode(actor, test) is not None,
            NOT_A_TAKER,
            code="not_a_taker",
        )

    @staticmethod
    def create_platform_wide() -> Rule:
        return Rule.when(
            "test.create",
            Scope.WRITE,
            lambda actor: actor.is_admin,
            "Choose the organization the test belongs to.",
        )


class TakeMode(StrEnum):
    QUALIFY = "qualify"  # an active contributor: counts for retakes, a pass grants
    PREVIEW = "preview"  # the test's own staff or a platform admin: grants nothing


NOT_A_TAKER = (
    "Tests are taken by contributors with an active account. Requesters, reviewers and "
    "admins of an organization can preview that organization's tests only; sign in with a "
    "contributor account to take this test."
)


def taking_mode(actor: Actor, test: AssessmentTest) -> TakeMode | None:
    """How the actor may take `test` (account review aside), or None: not at all."""
    if actor.is_admin or (
        test.organization_id is not None and test.organization_id in actor.organization_ids()
    ):
        return TakeMode.PREVIEW
    if actor.is_contributor:
        return TakeMode.QUALIFY
    return None


@readable(AssessmentTest)
def readable_tests(statement: Select[Any], actor: Actor) -> Select[Any]:
    """Tests as their staff sees them (the taker's list is every published test)."""
    if actor.is_admin:
        return statement
    return statement.where(AssessmentTest.organization_id.in_(actor.organization_ids()))
