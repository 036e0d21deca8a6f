"""Sign-up, log-in and log-out pages; cookies; CSRF on every form; role checks on pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Membership, Organization, User
from labelpool.accounts.roles import Role
from labelpool.config import Settings
from tests.factories import PASSWORD, Response, csrf_token, log_in, make_user


def _set_cookie_headers(response: Response) -> list[str]:
    return response.headers.get_list("set-cookie")


def test_pages_redirect_to_login_and_back(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    response = client.get("/account", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/account"
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and 'name="next" value="/account"' in page.text
    logged_in = client.post(
        "/login",
        data={
            "email": "ana@example.org",
            "password": PASSWORD,
            "next": "/account",
            "csrf_token": csrf_token(client),
        },
        follow_redirects=False,
    )
    assert logged_in.headers["location"] == "/account"


def test_login_never_redirects_off_site(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    response = client.post(
        "/login",
        data={
            "email": "ana@example.org",
            "password": PASSWORD,
            "next": "//evil.example/",
            "csrf_token": csrf_token(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_session_cookie_is_httponly_and_samesite_lax(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    response = client.post(
        "/login",
        data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    cookie = next(c for c in _set_cookie_headers(response) if c.startswith("lp_session="))
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie, "plain http in tests"


def test_session_cookie_is_secure_over_https(settings: Settings, db: Session) -> None:
    from labelpool.app import create_app

    make_user(db, email="ana@example.org")
    with TestClient(create_app(settings), base_url="https://testserver") as https_client:
        response = https_client.post(
            "/login",
            data={
                "email": "ana@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(https_client),
            },
            follow_redirects=False,
        )
        cookie = next(c for c in _set_cookie_headers(response) if c.startswith("lp_session="))
        assert "Secure" in cookie


def test_wrong_password_shows_the_form_again(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    response = client.post(
        "/login",
        data={
            "email": "ana@example.org",
            "password": "not it at all",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 401
    assert "E-mail or password is wrong." in response.text
    assert 'value="ana@example.org"' in response.text
    assert "lp_session" not in client.cookies


def test_login_is_rate_limited_per_account(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    token = csrf_token(client)
    for _ in range(5):
        client.post(
            "/login",
            data={"email": "ana@example.org", "password": "nope nope nope", "csrf_token": token},
        )
    blocked = client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert blocked.status_code == 429
    assert "Too many failed log-ins" in blocked.text
    assert int(blocked.headers["retry-after"]) > 0
    assert "lp_session" not in client.cookies


def test_forms_without_the_csrf_token_are_refused(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    client.get("/login")
    response = client.post("/login", data={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 403
    assert "Reload the page" in response.text
    wrong = client.post(
        "/login", data={"email": "ana@example.org", "password": PASSWORD, "csrf_token": "x" * 43}
    )
    assert wrong.status_code == 403
    assert "lp_session" not in client.cookies


def test_logout_needs_csrf_and_ends_the_session(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    log_in(client, "ana@example.org")
    assert client.post("/logout", follow_redirects=False).status_code == 403
    assert client.get("/account").status_code == 200
    session_cookie = client.cookies["lp_session"]
    out = client.post("/logout", data={"csrf_token": csrf_token(client)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    client.cookies.set("lp_session", session_cookie)  # a stolen copy no longer works
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_signup_as_contributor_then_log_in(client: TestClient, db: Session) -> None:
    response = client.post(
        "/signup",
        data={
            "display_name": "Amara",
            "email": "amara@example.org",
            "password": PASSWORD,
            "account_type": "contributor",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 200
    assert response.url.path == "/login"
    assert "Thanks for signing up. Log in" in response.text
    assert "lp_session" not in client.cookies, "the same answer whether the address was taken"
    user = db.scalar(select(User).where(User.email == "amara@example.org"))
    assert user is not None and user.role == Role.CONTRIBUTOR
    log_in(client, "amara@example.org")


def test_signup_as_requester_creates_the_organization(client: TestClient, db: Session) -> None:
    client.post(
        "/signup",
        data={
            "display_name": "Rita",
            "email": "rita@example.org",
            "password": PASSWORD,
            "account_type": "requester",
            "organization_name": "Rita's Robots",
            "csrf_token": csrf_token(client),
        },
    )
    organization = db.scalar(select(Organization).where(Organization.name == "Rita's Robots"))
    assert organization is not None
    membership = db.scalar(select(Membership).where(Membership.organization_id == organization.id))
    assert membership is not None and membership.role == Role.REQUESTER


def test_signup_errors_keep_the_input_and_store_nothing(client: TestClient, db: Session) -> None:
    response = client.post(
        "/signup",
        data={
            "display_name": "Rita",
            "email": "rita@example.org",
            "password": "short",
            "account_type": "requester",
            "organization_name": "Robots",
            "csrf_token": csrf_token(client),
        },
    )
    assert response.status_code == 422
    assert "at least 10 characters" in response.text
    assert 'value="rita@example.org"' in response.text
    assert db.scalar(select(User).where(User.email == "rita@example.org")) is None
    assert db.scalar(select(Organization).where(Organization.name == "Robots")) is None


def test_admin_pages_are_for_admins_only(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    log_in(client, "ana@example.org")
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "admin" in response.text


def test_admin_resets_a_password_from_the_users_page(client: TestClient, db: Session) -> None:
    make_user(db, email="boss@example.org", role=Role.ADMIN)
    ana = make_user(db, email="ana@example.org")
    log_in(client, "boss@example.org")
    assert "ana@example.org" in client.get("/admin/users").text
    reset = client.post(
        f"/admin/users/{ana.id}/reset-password", data={"csrf_token": csrf_token(client)}
    )
    assert reset.status_code == 200
    shown = re.findall(r"<code[^>]*>\s*([^<\s]+)\s*</code>", reset.text)
    assert shown, "the page shows the temporary password"
    fresh = TestClient(client.app)
    log_in(fresh, "ana@example.org", shown[-1])
    with pytest.raises(AssertionError):
        log_in(TestClient(client.app), "ana@example.org", PASSWORD)


def test_account_page_creates_shows_once_and_revokes_tokens(
    client: TestClient, db: Session
) -> None:
    make_user(db, email="ana@example.org")
    log_in(client, "ana@example.org")
    created = client.post(
        "/account/tokens", data={"name": "laptop", "csrf_token": csrf_token(client)}
    )
    assert created.status_code == 201
    secret = re.search(r"lp_[A-Za-z0-9_-]{20,}", created.text)
    assert secret is not None
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret.group(0)}"}).status_code
        == 200
    )
    assert secret.group(0) not in client.get("/account").text, "shown once only"


def test_changing_the_password_logs_out_other_sessions(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    other_device = TestClient(client.app)
    log_in(other_device, "ana@example.org")
    log_in(client, "ana@example.org")
    wrong = client.post(
        "/account/password",
        data={
            "current_password": "guess guess",
            "new_password": "a brand new password",
            "csrf_token": csrf_token(client),
        },
    )
    assert wrong.status_code == 422 and "current password is not right" in wrong.text
    changed = client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new password",
            "csrf_token": csrf_token(client),
        },
    )
    assert changed.status_code == 200 and "Your password has been changed." in changed.text
    assert other_device.get("/account", follow_redirects=False).status_code == 303
    log_in(TestClient(client.app), "ana@example.org", "a brand new password")
