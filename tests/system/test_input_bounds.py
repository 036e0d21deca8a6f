"""Values no column can hold are refused with a 422 before anything runs, on every route.

Integers beyond 64 bits used to raise OverflowError (500) — some on routes a contributor
reaches before any permission check — and `null` for a field that cannot be null raised on
enum conversion or NOT NULL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import annotated_types
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.roles import Role
from labelpool.app import API_ROUTERS, PAGE_ROUTERS
from labelpool.web.schemas import MAX_ID, InputModel, storable_problem
from tests.assessments.builders import make_project, make_test, org_with_requester
from tests.factories import api_token, make_active_contributor

HUGE = 2**70


def _params(dependant: Dependant) -> Iterator[Any]:
    yield from dependant.path_params
    yield from dependant.query_params
    yield from dependant.header_params
    yield from dependant.cookie_params
    yield from dependant.body_params
    for sub in dependant.dependencies:
        yield from _params(sub)


def _upper_bound(field: Any) -> int | None:
    for rule in field.field_info.metadata:
        if isinstance(rule, annotated_types.Le):
            assert isinstance(rule.le, int), rule
            return rule.le
        if isinstance(rule, annotated_types.Lt):
            assert isinstance(rule.lt, int), rule
            return rule.lt - 1
    return None


def test_every_whole_number_a_route_takes_has_a_64_bit_bound() -> None:
    """Path, query, header, cookie and form integers; a new route without a bound fails here."""
    unbounded = []
    for router in (*API_ROUTERS, *PAGE_ROUTERS):
        for route in router.routes:
            if not isinstance(route, APIRoute):
                continue
            for field in _params(route.dependant):
                if "int" not in str(field.field_info.annotation):
                    continue
                bound = _upper_bound(field)
                if bound is None or bound > MAX_ID:
                    unbounded.append((route.path, field.name))
    assert unbounded == []


def test_every_body_model_refuses_what_cannot_be_stored() -> None:
    assert storable_problem({"a": [1, {"b": HUGE}]}) is not None
    assert storable_problem(-(2**63) - 1) is not None
    assert storable_problem(float("nan")) is not None
    assert storable_problem(["ok", "nul\x00"]) is not None
    assert storable_problem({"k\x00": 1}) is not None
    assert storable_problem({"fine": [True, 2**63 - 1, -(2**63), 1.5, "text"]}) is None
    assert len(InputModel.__subclasses__()) > 20  # every API body inherits the check


@pytest.fixture
def requester_setup(db: Session) -> tuple[dict[str, str], int, int]:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    test = make_test(db, requester, organization, publish=False)
    return api_token(db, requester), project.id, test.id


def _problem(response: Any, field: str) -> str:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    fields = {d["field"]: d["problem"] for d in error["details"]}
    assert field in fields, fields
    return str(fields[field])


def test_huge_integers_in_bodies_and_queries_are_422(
    client: TestClient, requester_setup: tuple[dict[str, str], int, int]
) -> None:
    headers, project_id, test_id = requester_setup
    created = client.post(
        "/api/v1/tests",
        json={"title": "T", "kind": "skill", "skill_key": "grammar", "organization_id": HUGE},
        headers=headers,
    )
    assert "2^63-1" in _problem(created, "organization_id")
    patched = client.patch(
        f"/api/v1/tests/{test_id}", json={"guidelines_id": HUGE}, headers=headers
    )
    _problem(patched, "guidelines_id")
    items = client.get(f"/api/v1/projects/{project_id}/items?after={HUGE}", headers=headers)
    _problem(items, "after")
    nested = client.patch(
        f"/api/v1/projects/{project_id}",
        json={"label_schema": {"controls": [{"name": "x", "max": HUGE}]}},
        headers=headers,
    )
    _problem(nested, "label_schema")


def test_a_contributor_sending_huge_numbers_gets_422_not_500(
    client: TestClient, db: Session
) -> None:
    headers = api_token(db, make_active_contributor(db))
    answered = client.put(
        "/api/v1/attempts/1/answers/1", json={"answer": {"value": HUGE}}, headers=headers
    )
    _problem(answered, "answer")
    not_a_number = client.put(
        "/api/v1/attempts/1/answers/1",
        content=b'{"answer": NaN}',
        headers={**headers, "Content-Type": "application/json"},
    )
    assert "finite" in _problem(not_a_number, "answer")
    nul = client.put("/api/v1/me/profile", json={"experience": "a\x00b"}, headers=headers)
    assert "NUL" in _problem(nul, "experience")


def test_null_for_a_field_that_cannot_be_null_is_422_and_changes_nothing(
    client: TestClient, requester_setup: tuple[dict[str, str], int, int]
) -> None:
    headers, project_id, test_id = requester_setup
    for field in ("name", "overlap", "label_schema", "description"):
        response = client.patch(
            f"/api/v1/projects/{project_id}", json={field: None}, headers=headers
        )
        assert "leave the field out" in _problem(response, field)
    for field in ("title", "mode", "pass_mark", "shuffle", "cooldown_seconds", "kind"):
        response = client.patch(f"/api/v1/tests/{test_id}", json={field: None}, headers=headers)
        assert "cannot be null" in _problem(response, field)
    project = client.get(f"/api/v1/projects/{project_id}", headers=headers).json()
    assert project["name"] == "Reviews" and project["overlap"] >= 1


def test_null_clears_the_optional_settings_of_a_test(
    client: TestClient, requester_setup: tuple[dict[str, str], int, int]
) -> None:
    headers, _, test_id = requester_setup
    limited = client.patch(
        f"/api/v1/tests/{test_id}",
        json={"time_limit_seconds": 600, "max_attempts": 3},
        headers=headers,
    )
    assert limited.status_code == 200, limited.text
    cleared = client.patch(
        f"/api/v1/tests/{test_id}",
        json={"time_limit_seconds": None, "max_attempts": None},
        headers=headers,
    )
    assert cleared.status_code == 200, cleared.text
    body = cleared.json()
    assert body["time_limit_seconds"] is None and body["max_attempts"] is None


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR])
def test_huge_ids_in_forms_are_422_on_pages(client: TestClient, db: Session, role: Role) -> None:
    from tests.factories import log_in

    user = make_active_contributor(db)
    assert user.role == role
    log_in(client, user.email)
    response = client.get(f"/guidelines/1/changes?to={HUGE}")
    assert response.status_code == 422
