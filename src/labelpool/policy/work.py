"""Work: who may claim a project's items, and whose assignment is whose.

Contributors are members of no organization: any contributor may ask an active (or paused,
completed, cancelled) project for work; whether they get it is the work service's answer
(`not_eligible`, `no_work`). A draft project does not exist for them. An assignment exists only
for the contributor holding it: everyone else, staff included, is told there is no such id.
"""

from __future__ import annotations

from labelpool.accounts.actor import Actor
from labelpool.accounts.roles import Scope
from labelpool.policy.rules import Rule, Verdict, manage_owned, view_owned
from labelpool.projects.models import Project, ProjectStatus
from labelpool.work.models import Assignment

CONTRIBUTORS_ONLY = "Only contributors take work; sign up as a contributor to label items."


class WorkPolicy:
    @staticmethod
    def claim(project: Project) -> Rule:
        """Ask the project for an item (the service then decides eligibility and work)."""
        organization_id = project.organization_id
        published = project.status != ProjectStatus.DRAFT

        def decide(actor: Actor) -> Verdict:
            if actor.is_contributor and published:
                return Verdict.ALLOW
            if actor.views(organization_id):
                return Verdict.FORBID
            return Verdict.HIDE

        return Rule(
            "work.claim",
            Scope.WRITE,
            decide,
            forbidden=CONTRIBUTORS_ONLY,
            hidden=f"No project with id {project.id}.",
        )

    @staticmethod
    def own(assignment: Assignment) -> Rule:
        """Extend, answer, skip or report one's own assignment."""
        holder = assignment.user_id
        return Rule(
            "work.own",
            Scope.WRITE,
            lambda actor: Verdict.ALLOW if actor.id == holder else Verdict.HIDE,
            forbidden="",
            hidden=f"No assignment with id {assignment.id}.",
        )

    @staticmethod
    def list_own() -> Rule:
        """List one's own assignments (contributors only)."""
        return Rule.when(
            "work.list_own",
            Scope.READ,
            lambda actor: actor.is_contributor,
            "Listing assignments needs the role contributor.",
        )

    @staticmethod
    def view_reports(project: Project) -> Rule:
        """The project's reported items: its staff (and admins); to others it does not exist."""
        return view_owned("work.view_reports", project.organization_id, _hidden(project))

    @staticmethod
    def resolve_reports(project: Project) -> Rule:
        """Fix and release, or remove, a reported item: the project's requesters and admins."""
        return manage_owned(
            "work.resolve_reports",
            project.organization_id,
            _hidden(project),
            "Only the organization's requesters and admins can release or remove reported items.",
        )


def _hidden(project: Project) -> str:
    return f"No project with id {project.id}."
