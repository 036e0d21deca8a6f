"""Every API route answers bad input with a 4xx error body, never a 5xx (a cheap fuzz)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.roles import Role
from labelpool.app import API_PREFIX, API_ROUTERS, PAGE_ROUTERS
from tests.factories import api_token, make_organization, make_user

BAD_IDS = ["abc", "0", "-1", "1.5", "99999999999999999999999", "%00", "1"]
BAD_BODIES: list[tuple[bytes, str]] = [
    (b"{", "application/json"),
    (b"null", "application/json"),
    (b"[]", "application/json"),
    (b'{"unexpected": 1}', "application/json"),
    (b'{"name": 5, "status": [], "answers": "x", "email": {}}', "application/json"),
    (b"\xff\xfe", "application/json"),
    (b"plain text", "text/plain"),
]


def _routes(routers: tuple[Any, ...], prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                assert route.methods is not None, route.path
                for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
                    found.append((method, prefix + route.path))
    return found


def _api_routes(client: TestClient) -> list[tuple[str, str]]:
    return _routes(API_ROUTERS, API_PREFIX)


def test_the_fuzz_reaches_every_route() -> None:
    api, pages = _routes(API_ROUTERS, API_PREFIX), _routes(PAGE_ROUTERS)
    assert len(api) > 60 and len(pages) > 40
    assert ("POST", "/api/v1/projects/{project_id}/imports") in api
    assert ("POST", "/login") in pages


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", value, path)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.CONTRIBUTOR])
def test_no_route_answers_bad_input_with_a_server_error(
    client: TestClient, db: Session, role: Role
) -> None:
    organization = make_organization(db, "Fuzz")
    headers = api_token(db, make_user(db, role=role, organization=organization))
    failures: list[Any] = []
    for method, path in _api_routes(client):
        paths = {_fill(path, value) for value in BAD_IDS} if "{" in path else {path}
        for url in sorted(paths):
            bodies = BAD_BODIES if method in ("POST", "PUT", "PATCH") else [(b"", "")]
            for body, content_type in bodies:
                extra = {"Content-Type": content_type} if content_type else {}
                response = client.request(method, url, content=body, headers={**headers, **extra})
                if response.status_code >= 500:
                    failures.append(
                        (method, url, body[:30], response.status_code, response.text[:200])
                    )
                elif response.status_code >= 400:
                    error = response.json().get("error")
                    if not (isinstance(error, dict) and error.get("message")):
                        failures.append(
                            (method, url, body[:30], "no error body", response.text[:200])
                        )
    assert failures == []


def _page_routes(client: TestClient) -> list[tuple[str, str]]:
    return [(m, p) for m, p in _routes(PAGE_ROUTERS) if not p.startswith("/media/")]


@pytest.mark.parametrize("role", [Role.ADMIN, Role.REQUESTER, Role.CONTRIBUTOR])
def test_no_page_answers_bad_forms_with_a_server_error(
    client: TestClient, db: Session, role: Role
) -> None:
    from tests.factories import csrf_token, log_in

    organization = make_organization(db, "Fuzz")
    user = make_user(db, role=role, organization=organization)
    log_in(client, user.email)
    token = csrf_token(client)
    forms = [
        {"csrf_token": token},
        {"csrf_token": token, "name": "x" * 5000, "status": "nope", "email": "@", "q": "\x00"},
        {"csrf_token": token, "answer": "[", "score": "NaN", "reason": "", "role": "god"},
    ]
    failures: list[Any] = []
    for method, path in _page_routes(client):
        if path == "/logout":
            continue
        paths = {_fill(path, value) for value in BAD_IDS} if "{" in path else {path}
        for url in sorted(paths):
            for form in forms if method == "POST" else [{}]:
                response = client.request(method, url, data=form or None, follow_redirects=False)
                if response.status_code >= 500:
                    failures.append((method, url, sorted(form), response.status_code))
    assert failures == []
