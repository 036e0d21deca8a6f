"""What the dashboard (`/`) shows each role, built from the services (reads only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from labelpool.accounts import service
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.assessments import service as assessments
from labelpool.assessments.models import TestKind, TestStatus
from labelpool.contributors.dashboard import contributor_dashboard
from labelpool.guidelines import service as guidelines
from labelpool.projects import service as projects
from labelpool.projects.models import ProjectStatus
from labelpool.text import plural

PROJECT_BADGES = {
    ProjectStatus.DRAFT: "neutral",
    ProjectStatus.ACTIVE: "success",
    ProjectStatus.PAUSED: "warning",
    ProjectStatus.COMPLETED: "info",
    ProjectStatus.CANCELLED: "danger",
}
#: How many rows of each list the reviewer's dashboard shows before "see all".
SHOWN = 6


@dataclass(frozen=True)
class Row:
    title: str
    href: str
    sub: str = ""
    badge: str = ""
    badge_tone: str = "neutral"


@dataclass(frozen=True)
class Listing:
    rows: list[Row]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _listing(rows: list[Row]) -> Listing:
    return Listing(rows[:SHOWN], len(rows))


def home_context(db: Session, user: User) -> dict[str, Any]:
    context: dict[str, Any] = {
        "organizations": [
            {"name": o.name, "slug": o.slug, "role": role.value}
            for o, role in service.organizations_of(db, user)
        ]
    }
    if user.role == Role.CONTRIBUTOR:
        context["contributor"] = contributor_dashboard(db, user)
    elif user.role == Role.REVIEWER:
        context["reviewer"] = reviewer_overview(db, user)
    return context


def reviewer_overview(db: Session, user: User) -> dict[str, Listing]:
    """The projects, guidelines and tests of the reviewer's organizations."""
    return {
        "projects": _listing(
            [
                Row(
                    p.name,
                    f"/projects/{p.id}",
                    sub=plural(p.item_count, "item"),
                    badge=p.status.value.capitalize(),
                    badge_tone=PROJECT_BADGES[p.status],
                )
                for p in projects.list_projects(db, user)
            ]
        ),
        "guidelines": _listing(
            [
                Row(
                    g.title,
                    f"/guidelines/{g.id}",
                    sub=f"Version {g.current_version}" if g.current_version else "Not published",
                )
                for g in guidelines.list_guidelines(db, user)
            ]
        ),
        "tests": _listing(
            [
                Row(
                    t.title,
                    f"/tests/{t.id}",
                    sub="Qualification test" if t.kind == TestKind.QUALIFICATION else "Skill test",
                    badge=t.status.value.capitalize(),
                    badge_tone="success" if t.status == TestStatus.PUBLISHED else "neutral",
                )
                for t in assessments.managed_tests(db, user)
            ]
        ),
    }
