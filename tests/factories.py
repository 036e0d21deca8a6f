"""Build real objects through the services, for arranging tests."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from httpx2 import Response as Response  # what TestClient returns (Starlette 1.x)
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role, Scope

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def make_user(
    db: Session,
    *,
    role: Role = Role.CONTRIBUTOR,
    email: str | None = None,
    password: str = PASSWORD,
    organization: Organization | None = None,
) -> User:
    n = next(_counter)
    user = accounts.create_user(
        db,
        email=email or f"user{n}@example.org",
        password=password,
        display_name=f"User {n}",
        role=role,
    )
    if organization is not None:
        accounts.add_membership(db, user, organization, role)
    db.commit()
    return user


def make_organization(db: Session, name: str = "Acme") -> Organization:
    organization = accounts.create_organization(db, name)
    db.commit()
    return organization


def csrf_token(client: TestClient) -> str:
    """The double-submit token: fetch any page so the cookie is set, then read it."""
    if "lp_csrf" not in client.cookies:
        client.get("/login")
    return str(client.cookies["lp_csrf"])


def log_in(client: TestClient, email: str, password: str = PASSWORD) -> None:
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "lp_session" in client.cookies


def api_token(db: Session, user: User, scope: Scope = Scope.ADMIN) -> dict[str, str]:
    """Headers carrying a new API token of `user` (by default one that may do all they may)."""
    secret, _ = accounts.create_api_token(db, user, "tests", scope)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def make_active_contributor(db: Session, *, email: str | None = None, country: str = "KE") -> User:
    """A contributor who applied with a complete profile and passed every review check."""
    from labelpool.contributors import service as contributors
    from labelpool.contributors.enums import CheckName, DeviceKind, OperatingSystem, Proficiency
    from labelpool.contributors.settings import ReviewSettings
    from labelpool.notifications import service as notifications

    user = make_user(db, role=Role.CONTRIBUTOR, email=email)
    settings = ReviewSettings()
    contributors.update_profile(
        db,
        user,
        contributors.ProfileInput(
            country=country,
            languages=[("en", Proficiency.FLUENT), ("sw", Proficiency.NATIVE)],
            primary_domain="general",
            secondary_skills=["search-evaluation"],
            experience="Two years of data annotation for search and e-commerce.",
            devices=[(DeviceKind.LAPTOP, OperatingSystem.LINUX)],
            headphones=True,
            microphone=True,
            weekly_hours=20,
            time_zone="Africa/Nairobi",
        ),
        settings,
    )
    contributors.submit_application(db, user, settings)
    for check in (CheckName.IDENTITY_VERIFIED, CheckName.LANGUAGE_VERIFIED):
        contributors.pass_check(
            db, user.id, check, "Checked for the tests.", None, settings=settings
        )
    notifications.mark_read(db, user.id)  # start with an empty inbox
    db.commit()
    assert contributors.is_active(db, user.id)
    return user
