"""Seed a demo organization and users. Idempotent: running it again adds nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import Organization, User
from labelpool.enums import Role

DEMO_ORGANIZATION = "Acme AI Lab"


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str
    display_name: str


DEMO_LOGINS = (
    DemoLogin(Role.ADMIN, "admin@demo.labelpool.dev", "demo-admin-2026", "Ada Admin"),
    DemoLogin(Role.REQUESTER, "requester@demo.labelpool.dev", "demo-requester-2026", "Rita Requester"),
    DemoLogin(Role.REVIEWER, "reviewer@demo.labelpool.dev", "demo-reviewer-2026", "Victor Reviewer"),
    DemoLogin(Role.CONTRIBUTOR, "amara@demo.labelpool.dev", "demo-contributor-2026", "Amara Okafor"),
    DemoLogin(Role.CONTRIBUTOR, "lucas@demo.labelpool.dev", "demo-contributor-2026", "Lucas Silva"),
    DemoLogin(Role.CONTRIBUTOR, "mei@demo.labelpool.dev", "demo-contributor-2026", "Mei Tanaka"),
)


def _organization(db: Session) -> Organization:
    existing = db.scalar(select(Organization).where(Organization.name == DEMO_ORGANIZATION))
    return existing or accounts.create_organization(db, DEMO_ORGANIZATION)


def seed_demo(db: Session) -> list[DemoLogin]:
    """Create what is missing of the demo and return the demo logins."""
    organization = _organization(db)
    for login in DEMO_LOGINS:
        user: User | None = accounts.get_user_by_email(db, login.email)
        if user is None:
            user = accounts.create_user(
                db,
                email=login.email,
                password=login.password,
                display_name=login.display_name,
                role=login.role,
            )
        if login.role in (Role.ADMIN, Role.REQUESTER, Role.REVIEWER):
            accounts.add_membership(db, user, organization, login.role)
    return list(DEMO_LOGINS)
