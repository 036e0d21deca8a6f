"""The accounts API: token auth and revocation, role checks, organization isolation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.roles import Role
from tests.factories import api_token, csrf_token, log_in, make_organization, make_user


def test_requests_without_credentials_get_401_with_the_error_body(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json() == {
        "error": {
            "code": "not_authenticated",
            "message": "Log in first, or send an API token as 'Authorization: Bearer <token>'.",
            "details": None,
        }
    }


def test_token_auth_me_and_last_used(client: TestClient, db: Session) -> None:
    org = make_organization(db, "Acme")
    user = make_user(db, role=Role.REQUESTER, organization=org, email="rita@example.org")
    response = client.get("/api/v1/me", headers=api_token(db, user))
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "rita@example.org" and body["role"] == "requester"
    assert body["organizations"] == [
        {"id": org.id, "name": "Acme", "slug": "acme", "role": "requester"}
    ]


def test_create_list_and_revoke_tokens_over_the_api(client: TestClient, db: Session) -> None:
    user = make_user(db)
    headers = api_token(db, user)
    created = client.post("/api/v1/tokens", json={"name": "nightly export"}, headers=headers)
    assert created.status_code == 201
    secret = created.json()["token"]
    new_headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me", headers=new_headers).status_code == 200

    listed = client.get("/api/v1/tokens", headers=headers).json()
    assert [t["name"] for t in listed] == ["tests", "nightly export"]
    assert all("token" not in t for t in listed), "secrets are never listed"
    assert listed[1]["last_used_at"] is not None

    revoked = client.delete(f"/api/v1/tokens/{created.json()['id']}", headers=headers)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
    refused = client.get("/api/v1/me", headers=new_headers)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "invalid_token"


def test_malformed_authorization_header_is_explained(client: TestClient) -> None:
    response = client.get("/api/v1/me", headers={"Authorization": "Token abc"})
    assert response.status_code == 401
    assert "Bearer" in response.json()["error"]["message"]


def test_only_admins_list_and_create_users(client: TestClient, db: Session) -> None:
    contributor = make_user(db)
    admin = make_user(db, role=Role.ADMIN)
    denied = client.get("/api/v1/users", headers=api_token(db, contributor))
    assert denied.status_code == 403
    assert denied.json()["error"]["code"] == "permission_denied"
    assert "admin" in denied.json()["error"]["message"]

    headers = api_token(db, admin)
    created = client.post(
        "/api/v1/users",
        json={
            "email": "new@example.org",
            "display_name": "New",
            "password": "a fine password",
            "role": "reviewer",
        },
        headers=headers,
    )
    assert created.status_code == 201 and created.json()["role"] == "reviewer"
    emails = [u["email"] for u in client.get("/api/v1/users", headers=headers).json()]
    assert "new@example.org" in emails


def test_admin_password_reset_over_the_api(client: TestClient, db: Session) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = make_user(db, email="ana@example.org")
    response = client.post(
        f"/api/v1/users/{user.id}/password-reset", json={}, headers=api_token(db, admin)
    )
    assert response.status_code == 200
    log_in(client, "ana@example.org", response.json()["password"])

    missing = client.post(
        "/api/v1/users/999999/password-reset", json={}, headers=api_token(db, admin)
    )
    assert missing.status_code == 404
    assert missing.json()["error"]["message"] == "No user with id 999999."


def test_organizations_do_not_see_each_other(client: TestClient, db: Session) -> None:
    acme, globex = make_organization(db, "Acme"), make_organization(db, "Globex")
    rita = make_user(db, role=Role.REQUESTER, organization=acme)
    make_user(db, role=Role.REQUESTER, organization=globex, email="hank@globex.example")
    headers = api_token(db, rita)
    assert (
        client.get(f"/api/v1/organizations/{acme.id}/members", headers=headers).status_code == 200
    )
    other = client.get(f"/api/v1/organizations/{globex.id}/members", headers=headers)
    assert other.status_code == 404
    assert "hank" not in other.text


def test_cookie_authenticated_api_writes_need_the_csrf_header(
    client: TestClient, db: Session
) -> None:
    make_user(db, email="ana@example.org")
    log_in(client, "ana@example.org")
    assert client.get("/api/v1/me").status_code == 200
    refused = client.post("/api/v1/tokens", json={"name": "x"})
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    accepted = client.post(
        "/api/v1/tokens", json={"name": "x"}, headers={"X-CSRF-Token": csrf_token(client)}
    )
    assert accepted.status_code == 201
