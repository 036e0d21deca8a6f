"""Build real objects through the services, for arranging tests."""

from __future__ import annotations

import itertools

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import Organization, User
from labelpool.enums import Role

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


def api_token(db: Session, user: User) -> dict[str, str]:
    secret, _ = accounts.create_api_token(db, user, "tests")
    db.commit()
    return {"Authorization": f"Bearer {secret}"}
