"""Projects: members of the project's organization see it; its requesters and admins change it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from labelpool.accounts.actor import Actor
from labelpool.accounts.roles import Scope
from labelpool.policy.rules import Rule, Verdict, readable
from labelpool.projects.models import Project


def _hidden(project_id: int) -> str:
    return f"No project with id {project_id}."


class ProjectPolicy:
    @staticmethod
    def view(project: Project) -> Rule:
        return Rule(
            "project.view",
            Scope.READ,
            lambda actor: Verdict.ALLOW if actor.views(project.organization_id) else Verdict.HIDE,
            forbidden="",
            hidden=_hidden(project.id),
        )

    @staticmethod
    def manage(project: Project) -> Rule:
        def decide(actor: Actor) -> Verdict:
            if not actor.views(project.organization_id):
                return Verdict.HIDE
            return Verdict.ALLOW if actor.manages(project.organization_id) else Verdict.FORBID

        return Rule(
            "project.manage",
            Scope.WRITE,
            decide,
            forbidden="Only the organization's requesters and admins can change this project.",
            hidden=_hidden(project.id),
        )

    @staticmethod
    def start_new() -> Rule:
        """Open the new-project form: an organization's requesters and admins. Contributors are
        not told the page exists."""

        def decide(actor: Actor) -> Verdict:
            if actor.managed_organization_ids:
                return Verdict.ALLOW
            return Verdict.HIDE if actor.is_contributor else Verdict.FORBID

        return Rule(
            "project.create",
            Scope.READ,
            decide,
            forbidden="Only an organization's requesters and admins can create projects; "
            "ask one of them.",
            hidden="There is no such page.",
        )


@readable(Project)
def readable_projects(statement: Select[Any], actor: Actor) -> Select[Any]:
    if actor.is_admin:
        return statement
    return statement.where(Project.organization_id.in_(actor.organization_ids()))


def managed_projects(statement: Select[Any], actor: Actor) -> Select[Any]:
    """`statement` narrowed to the projects the actor may change (creating tests for them)."""
    return statement.where(Project.organization_id.in_(actor.managed_organization_ids))
