"""Error pages know who is logged in, also where no route (and so no auth dependency) ran."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.models import LoginSession
from labelpool.accounts.roles import Role
from tests.factories import log_in, make_user


def test_a_logged_in_users_404_shows_their_menu_not_log_in(client: TestClient, db: Session) -> None:
    user = make_user(db, role=Role.REQUESTER)
    log_in(client, user.email)
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "There is nothing at /no/such/page" in page.text
    assert user.display_name in page.text and "Log out" in page.text
    assert 'href="/projects"' in page.text  # the requester's navigation
    assert 'href="/signup"' not in page.text and 'href="/login"' not in page.text
    assert "Go to your dashboard" in page.text


def test_a_404_of_a_route_that_did_run_still_shows_the_menu(
    client: TestClient, db: Session
) -> None:
    user = make_user(db, role=Role.REQUESTER)
    log_in(client, user.email)
    page = client.get("/projects/987654")
    assert page.status_code == 404
    assert "Log out" in page.text and 'href="/signup"' not in page.text


def test_an_anonymous_404_offers_log_in(client: TestClient, db: Session) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert 'href="/login"' in page.text and 'href="/signup"' in page.text
    assert "Log out" not in page.text


def test_an_ended_session_gets_the_anonymous_404(client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(client, user.email)
    db.query(LoginSession).delete()
    db.commit()
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "Log out" not in page.text and 'href="/login"' in page.text


def test_the_api_404_stays_json(client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(client, user.email)
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
