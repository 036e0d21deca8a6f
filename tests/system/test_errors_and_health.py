"""Bad input of every kind gets a 4xx with the error body; health reports the database."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool import __version__
from labelpool.accounts.roles import Role
from tests.factories import Response, api_token, make_user


def test_health_reports_version_and_database(client: TestClient) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["version"] == __version__
    assert body["database"]["status"] == "ok"
    assert body["database"]["backend"] in {"sqlite", "postgresql"}


def test_openapi_and_docs_are_served(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert "/api/v1/health" in spec["paths"] and "/api/v1/tokens" in spec["paths"]
    assert client.get("/docs").status_code == 200


@pytest.fixture
def admin_headers(db: Session) -> dict[str, str]:
    return api_token(db, make_user(db, role=Role.ADMIN))


def _error(response: Response) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    error: dict[str, Any] = body["error"]
    assert error["message"], "every error says what to do"
    return error


def test_malformed_json_is_400(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/users",
        content=b'{"email": "a@b.org",',
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert _error(response)["code"] == "malformed_json"


def test_wrong_types_name_the_field(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/users",
        json={"email": 5, "display_name": "x", "password": "long enough pw"},
        headers=admin_headers,
    )
    assert response.status_code == 422
    error = _error(response)
    assert error["code"] == "invalid_input"
    assert error["details"][0]["field"] == "email"


def test_unknown_fields_are_refused(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/users",
        json={"email": "a@b.org", "display_name": "x", "password": "long enough pw", "admin": 1},
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert "Unknown field 'admin'" in str(_error(response)["message"])


def test_bad_role_value_is_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post(
        "/api/v1/users",
        json={
            "email": "a@b.org",
            "display_name": "x",
            "password": "long enough pw",
            "role": "overlord",
        },
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert "role" in str(_error(response)["message"])


def test_service_validation_is_422_and_stores_nothing(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    response = client.post(
        "/api/v1/users",
        json={"email": "a@b.org", "display_name": "x", "password": "short"},
        headers=admin_headers,
    )
    assert response.status_code == 422
    assert _error(response)["details"] == {"field": "password"}
    emails = [u["email"] for u in client.get("/api/v1/users", headers=admin_headers).json()]
    assert "a@b.org" not in emails


def test_duplicate_email_is_409(client: TestClient, admin_headers: dict[str, str]) -> None:
    body = {"email": "dup@b.org", "display_name": "x", "password": "long enough pw"}
    assert client.post("/api/v1/users", json=body, headers=admin_headers).status_code == 201
    second = client.post("/api/v1/users", json=body, headers=admin_headers)
    assert second.status_code == 409 and _error(second)["code"] == "conflict"


def test_bad_ids_are_422(client: TestClient, admin_headers: dict[str, str]) -> None:
    response = client.post("/api/v1/users/abc/password-reset", json={}, headers=admin_headers)
    assert response.status_code == 422
    assert "'abc' is not a valid id" in str(_error(response)["message"])
    huge = client.delete("/api/v1/tokens/99999999999999999999999", headers=admin_headers)
    assert huge.status_code == 422
    assert _error(huge)["message"] == (
        "'99999999999999999999999' is not a valid id: "
        "token_id must be a whole number from 1 to 2^63-1."
    )


def test_oversized_bodies_are_413(client: TestClient, admin_headers: dict[str, str]) -> None:
    big = b'{"name": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    response = client.post(
        "/api/v1/tokens", content=big, headers={**admin_headers, "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert _error(response)["code"] == "body_too_large"


def test_oversized_chunked_bodies_are_413(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(12):
            yield b"x" * (1024 * 1024)

    response = client.post(
        "/api/v1/tokens",
        content=chunks(),
        headers={**admin_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 413


def test_unknown_api_paths_and_methods(client: TestClient) -> None:
    assert _error(client.get("/api/v1/nope"))["code"] == "not_found"
    response = client.put("/api/v1/health")
    assert response.status_code == 405 and _error(response)["code"] == "method_not_allowed"


def test_a_405_lists_every_method_the_path_accepts(client: TestClient) -> None:
    response = client.delete("/api/v1/tokens")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert "use GET, HEAD, POST" in _error(response)["message"]
    page = client.put("/login")
    assert page.status_code == 405 and page.headers["allow"] == "GET, HEAD, POST"


def test_openapi_documents_the_error_responses_of_every_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert "HTTPValidationError" not in schemas  # 422 bodies are ours, not FastAPI's
    assert set(schemas["ErrorOut"]["properties"]) == {"error"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            documented = set(operation["responses"])
            assert {"401", "403", "404", "409", "422", "503"} <= documented, (method, path)
            assert operation["responses"]["404"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ErrorOut"
            }
