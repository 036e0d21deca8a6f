"""Eligibility: a project's staff read its requirements, its requesters and admins change them;
contributors read their own explainer for projects open to the crowd (active or paused)."""

from __future__ import annotations

from labelpool.accounts.actor import Actor
from labelpool.accounts.roles import Scope
from labelpool.policy.rules import Rule, Verdict, manage_owned, view_owned
from labelpool.projects.models import Project, ProjectStatus

# Projects the crowd sees: whoever the organization, contributors may work on them.
OPEN_TO_THE_CROWD = frozenset({ProjectStatus.ACTIVE, ProjectStatus.PAUSED})


def _hidden(project: Project) -> str:
    return f"No project with id {project.id}."


class EligibilityPolicy:
    @staticmethod
    def view_requirements(project: Project) -> Rule:
        return view_owned("requirements.view", project.organization_id, _hidden(project))

    @staticmethod
    def edit_requirements(project: Project) -> Rule:
        return manage_owned(
            "requirements.edit",
            project.organization_id,
            _hidden(project),
            "Only the organization's requesters and admins can change a project's requirements.",
        )

    @staticmethod
    def explain(project: Project) -> Rule:
        """A contributor's own explainer for a project open to the crowd; drafts, completed
        and cancelled projects do not exist for anyone outside the project's organization."""

        def decide(actor: Actor) -> Verdict:
            if project.status not in OPEN_TO_THE_CROWD and not actor.views(project.organization_id):
                return Verdict.HIDE
            return Verdict.ALLOW if actor.is_contributor else Verdict.FORBID

        return Rule(
            "eligibility.explain",
            Scope.READ,
            decide,
            forbidden="The eligibility explainer is for contributors: it explains whether "
            "you may work on the project. Staff read the project's requirements instead.",
            hidden=_hidden(project),
        )

    @staticmethod
    def see_funnel(project: Project) -> Rule:
        """The funnel and capacity forecast: the organization's staff and platform admins. A
        contributor may know a project open to the crowd exists (403); to everyone else it
        does not (404)."""

        def decide(actor: Actor) -> Verdict:
            if actor.views(project.organization_id):
                return Verdict.ALLOW
            if actor.is_contributor and project.status in OPEN_TO_THE_CROWD:
                return Verdict.FORBID
            return Verdict.HIDE

        return Rule(
            "funnel.view",
            Scope.READ,
            decide,
            forbidden="A project's funnel and capacity forecast are for its organization's "
            "staff (requesters, reviewers, admins); your own eligibility is at "
            f"/api/v1/projects/{project.id}/eligibility.",
            hidden=_hidden(project),
        )

    @staticmethod
    def list_work() -> Rule:
        return Rule.when(
            "work.list",
            Scope.READ,
            lambda actor: actor.is_contributor,
            "Your work list needs the role contributor.",
        )
