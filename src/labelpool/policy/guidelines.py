"""Guidelines: their organization's members read and (requesters, admins) change them;
contributors read the ones a published test or a running project uses."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists, or_, select
from sqlalchemy.orm import Session

from labelpool.accounts.actor import Actor
from labelpool.accounts.roles import Scope
from labelpool.assessments.models import AssessmentTest, TestStatus
from labelpool.guidelines.models import Guidelines, ProjectGuidelines
from labelpool.policy.rules import Rule, Verdict, readable
from labelpool.projects.models import Project, ProjectStatus

IN_USE_PROJECT_STATUSES = (ProjectStatus.ACTIVE, ProjectStatus.PAUSED)


def in_use() -> ColumnElement[bool]:
    """Guidelines a published test or an active or paused project follows."""
    by_test = exists().where(
        AssessmentTest.guidelines_id == Guidelines.id,
        AssessmentTest.status == TestStatus.PUBLISHED,
    )
    by_project = exists().where(
        ProjectGuidelines.guidelines_id == Guidelines.id,
        ProjectGuidelines.project_id == Project.id,
        Project.status.in_(IN_USE_PROJECT_STATUSES),
    )
    return or_(by_test, by_project)


def is_in_use(db: Session, guidelines_id: int) -> bool:
    found = db.scalar(select(Guidelines.id).where(Guidelines.id == guidelines_id, in_use()))
    return found is not None


def _hidden(guidelines_id: int) -> str:
    return f"No guidelines with id {guidelines_id}."


def _read(guidelines: Guidelines, actor: Actor) -> Verdict:
    if actor.member_of(guidelines.organization_id):
        return Verdict.ALLOW
    if actor.is_contributor and actor.db is not None and is_in_use(actor.db, guidelines.id):
        return Verdict.ALLOW
    return Verdict.HIDE


class GuidelinesPolicy:
    @staticmethod
    def read(guidelines: Guidelines) -> Rule:
        return Rule(
            "guidelines.read",
            Scope.READ,
            lambda actor: _read(guidelines, actor),
            forbidden="",
            hidden=_hidden(guidelines.id),
        )

    @staticmethod
    def manage(guidelines: Guidelines) -> Rule:
        def decide(actor: Actor) -> Verdict:
            if _read(guidelines, actor) == Verdict.HIDE:
                return Verdict.HIDE
            return Verdict.ALLOW if actor.manages(guidelines.organization_id) else Verdict.FORBID

        return Rule(
            "guidelines.manage",
            Scope.WRITE,
            decide,
            forbidden="Only the organization's requesters and admins can change these guidelines.",
            hidden=_hidden(guidelines.id),
        )

    @staticmethod
    def ask(guidelines: Guidelines) -> Rule:
        """Ask a question about a section: anyone who may read the document."""
        rule = GuidelinesPolicy.read(guidelines)
        return Rule("guidelines.ask", Scope.WRITE, rule.decide, "", rule.hidden)


@readable(Guidelines)
def readable_guidelines(statement: Select[Any], actor: Actor) -> Select[Any]:
    if actor.is_admin:
        return statement
    mine = Guidelines.organization_id.in_(list(actor.organization_roles))
    if not actor.is_contributor:
        return statement.where(mine)
    return statement.where(or_(mine, in_use()))
