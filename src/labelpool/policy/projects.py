"""Projects: members of the project's organization see it; its requesters and admins change it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from labelpool.accounts.actor import Actor
from labelpool.policy.organizations import OrganizationPolicy
from labelpool.policy.rules import Rule, manage_owned, readable, view_owned
from labelpool.projects.models import Project


class ProjectPolicy:
    @staticmethod
    def view(project: Project) -> Rule:
        return view_owned("project.view", project.organization_id, _hidden(project))

    @staticmethod
    def manage(project: Project) -> Rule:
        return manage_owned(
            "project.manage",
            project.organization_id,
            _hidden(project),
            "Only the organization's requesters and admins can change this project.",
        )

    @staticmethod
    def start_new() -> Rule:
        """Open the new-project form (admins choose among every organization)."""
        return OrganizationPolicy.build("projects")


def _hidden(project: Project) -> str:
    return f"No project with id {project.id}."


@readable(Project)
def readable_projects(statement: Select[Any], actor: Actor) -> Select[Any]:
    if actor.is_admin:
        return statement
    return statement.where(Project.organization_id.in_(actor.organization_ids()))


def managed_projects(statement: Select[Any], actor: Actor) -> Select[Any]:
    """`statement` narrowed to the projects the actor may change (creating tests for them)."""
    return statement.where(Project.organization_id.in_(actor.managed_organization_ids))
