"""Signing up tells nobody whether an e-mail address has an account (issue 18 D): the answer is
the same either way, and the existing account's owner is notified instead."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts import signup
from labelpool.accounts.models import Organization, User
from labelpool.accounts.passwords import verify_password
from labelpool.accounts.roles import Role
from labelpool.errors import InvalidInput
from labelpool.notifications import service as notifications
from tests.factories import PASSWORD, Response, csrf_token, log_in, make_user

TAKEN = "taken@example.org"


def _sign_up(client: TestClient, email: str, **changes: str) -> tuple[Response, Response]:
    """(the POST's response, the page it leads to)."""
    data = {
        "display_name": "Priya",
        "email": email,
        "password": "another long password",
        "account_type": "requester",
        "organization_name": "Patel Vision",
        "csrf_token": csrf_token(client),
        **changes,
    }
    posted = client.post("/signup", data=data, follow_redirects=False)
    landed = client.get(posted.headers["location"]) if posted.status_code == 303 else posted
    return posted, landed


def _shape(posted: Response, landed: Response) -> tuple[int, str | None, list[str], str]:
    """What an onlooker can compare: status, target, cookies set, and the page (less tokens)."""
    cookies = sorted(c.split("=", 1)[0] for c in posted.headers.get_list("set-cookie"))
    page = re.sub(r"[A-Za-z0-9_-]{40,}", "TOKEN", landed.text)
    return posted.status_code, posted.headers.get("location"), cookies, page


def test_a_new_and_a_taken_address_get_the_same_answer(client: TestClient, db: Session) -> None:
    make_user(db, email=TAKEN)
    new = _shape(*_sign_up(TestClient(client.app), "new@example.org"))
    taken = _shape(*_sign_up(TestClient(client.app), TAKEN))
    assert new == taken
    status, location, cookies, page = new
    assert (status, location) == (303, "/login")
    assert "lp_session" not in cookies
    assert "Log in with your e-mail address and password" in page
    assert "already" not in page.replace("already had an account", "")


def test_the_taken_account_is_told_and_nothing_changes(client: TestClient, db: Session) -> None:
    owner = make_user(db, email=TAKEN)
    for _ in range(3):
        _sign_up(TestClient(client.app), TAKEN.upper())
    db.rollback()
    (note,) = notifications.unread(db, owner.id)
    assert note.kind == "account.signup_attempt" and TAKEN in note.body
    db.refresh(owner)
    assert owner.display_name != "Priya" and owner.role == Role.CONTRIBUTOR
    assert verify_password(owner.password_hash, PASSWORD)
    assert db.scalar(select(func.count()).select_from(Organization)) == 0
    assert db.scalar(select(func.count()).select_from(User)) == 1


def test_the_new_address_gets_an_account_that_logs_in(client: TestClient, db: Session) -> None:
    _sign_up(client, "new@example.org")
    db.rollback()
    user = db.scalar(select(User).where(User.email == "new@example.org"))
    assert user is not None and user.role == Role.REQUESTER
    assert db.scalar(select(Organization.name)) == "Patel Vision"
    logged_in = client.post(
        "/login",
        data={
            "email": "new@example.org",
            "password": "another long password",
            "csrf_token": csrf_token(client),
        },
        follow_redirects=False,
    )
    assert logged_in.status_code == 303
    assert "Welcome to labelpool, Priya!" in client.get(logged_in.headers["location"]).text
    again = TestClient(client.app)
    log_in(again, "new@example.org", "another long password")
    assert "Welcome" not in again.get("/").text, "only the first log-in"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password": "short"}, "password"),
        ({"email": "not-an-address"}, "email"),
        ({"display_name": " "}, "display_name"),
        ({"organization_name": ""}, "organization_name"),
        ({"account_type": "admin"}, "account_type"),
    ],
)
def test_bad_input_is_refused_alike_for_new_and_taken_addresses(
    client: TestClient, db: Session, changes: dict[str, str], field: str
) -> None:
    make_user(db, email=TAKEN)
    others = {k: v for k, v in changes.items() if k != "email"}
    for email in ("new@example.org", TAKEN):
        posted, _ = _sign_up(TestClient(client.app), changes.get("email", email), **others)
        assert posted.status_code == 422, field
    db.rollback()
    assert db.scalar(select(func.count()).select_from(User)) == 1
    owner_id = db.scalar(select(User.id))
    assert owner_id is not None
    assert notifications.unread(db, owner_id) == []


def test_sign_up_service(db: Session) -> None:
    owner = make_user(db, email=TAKEN)
    assert signup.sign_up(db, email=TAKEN, password=PASSWORD, display_name="Someone") is None
    created = signup.sign_up(db, email="ana@example.org", password=PASSWORD, display_name="Ana")
    assert created is not None and created.role == Role.CONTRIBUTOR
    assert [n.kind for n in notifications.unread(db, owner.id)] == ["account.signup_attempt"]
    with pytest.raises(InvalidInput):
        signup.sign_up(db, email=TAKEN, password=PASSWORD, display_name="", role=Role.ADMIN)
