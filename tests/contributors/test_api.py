"""The contributors API: validation, roles, the review flow and identity-document privacy."""

from __future__ import annotations

import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.roles import Role
from labelpool.config import Settings
from labelpool.contributors.models import IdentityDocument
from labelpool.contributors.settings import ReviewSettings
from labelpool.media.storage import LocalStorage
from tests.contributors.helpers import PDF, PNG, complete_body
from tests.factories import api_token, make_user

API = "/api/v1"


@pytest.fixture
def review_client(client: TestClient, settings: Settings) -> TestClient:
    settings.review = ReviewSettings(  # the app's one Settings (client's app.state.settings)
        review_allowed_countries=[], review_blocked_countries=["KP"]
    )
    return client


def _contributor(db: Session) -> tuple[Any, dict[str, str]]:
    user = make_user(db)
    return user, api_token(db, user)


def _apply(client: TestClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    response = client.put(f"{API}/me/profile", json=complete_body(**changes), headers=headers)
    assert response.status_code == 200, response.text
    upload = client.post(
        f"{API}/me/identity-document",
        files={"file": ("passport.png", PNG, "image/png")},
        headers=headers,
    )
    assert upload.status_code == 201, upload.text
    submitted = client.post(f"{API}/me/application", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return dict(submitted.json())


def test_profile_round_trip_with_completeness(review_client: TestClient, db: Session) -> None:
    _, headers = _contributor(db)
    empty = review_client.get(f"{API}/me/profile", headers=headers).json()
    assert empty["state"] == "applied"
    assert empty["completeness"]["percent"] == 0
    assert len(empty["completeness"]["missing"]) == 7
    saved = review_client.put(
        f"{API}/me/profile", json=complete_body(country="de", time_zone=None), headers=headers
    ).json()
    assert saved["country"] == "DE" and saved["country_name"] == "Germany"
    assert saved["languages"][0] == {"code": "de", "name": "German", "proficiency": "native"}
    assert saved["completeness"]["missing"] == ["Choose your time zone."]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"country": "XX"}, "country", "ISO 3166-1"),
        ({"country": "Germany"}, "country", "ISO 3166-1"),
        ({"languages": [{"code": "xx", "proficiency": "native"}]}, "languages.0.code", "639-1"),
        ({"languages": [{"code": "en", "proficiency": "godlike"}]}, "languages.0.proficiency", ""),
        (
            {"languages": [{"code": "en", "proficiency": "native"}] * 2},
            "languages",
            "repeated: en",
        ),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "IANA"),
        ({"time_zone": "CEST"}, "time_zone", "IANA"),
        ({"primary_domain": "astrology"}, "primary_domain", "not a domain"),
        ({"secondary_skills": ["search-evaluation"]}, "secondary_skills", "primary domain"),
        ({"secondary_skills": ["law", "law"]}, "secondary_skills", "once"),
        ({"weekly_hours": 0}, "weekly_hours", ""),
        ({"weekly_hours": 81}, "weekly_hours", ""),
        ({"devices": [{"kind": "phone", "os": "windows"}]}, "devices.0", "does not run"),
        ({"devices": [{"kind": "toaster", "os": "linux"}]}, "devices.0.kind", ""),
        ({"nickname": "x"}, "nickname", "Unknown field"),
    ],
)
def test_validation_errors_name_the_field(
    review_client: TestClient,
    db: Session,
    change: dict[str, Any],
    field: str,
    words: str,
) -> None:
    _, headers = _contributor(db)
    response = review_client.put(f"{API}/me/profile", json=complete_body(**change), headers=headers)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    fields = [d["field"] for d in error["details"]]
    assert field in fields
    assert words in error["message"]


def test_submit_incomplete_profile_is_422_with_the_missing_list(
    review_client: TestClient, db: Session
) -> None:
    _, headers = _contributor(db)
    review_client.put(f"{API}/me/profile", json=complete_body(country=None), headers=headers)
    response = review_client.post(f"{API}/me/application", headers=headers)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "profile_incomplete"
    assert error["details"]["missing"] == ["Choose the country you live in."]


def test_review_shows_every_check_state_and_history(review_client: TestClient, db: Session) -> None:
    _, headers = _contributor(db)
    review = _apply(review_client, headers, country="KP")
    assert review["state"] == "under_review"
    checks = {c["name"]: c for c in review["checks"]}
    assert set(checks) == {
        "identity_verified",
        "profile_complete",
        "language_verified",
        "device_eligible",
        "location_eligible",
    }
    assert checks["location_eligible"]["status"] == "failed"
    assert "North Korea" in checks["location_eligible"]["reason"]
    assert checks["location_eligible"]["decided_by"] == "labelpool"
    assert checks["identity_verified"]["status"] == "needs_review"
    assert [h["to_state"] for h in review["history"]] == ["under_review", "applied"]
    assert review["identity_document"]["status"] == "awaiting_review"
    assert any("save" in s for s in review["next_steps"])
    again = review_client.get(f"{API}/me/review", headers=headers).json()
    assert again["checks"] == review["checks"]


def test_full_admin_flow_activates_and_deletes_the_document(
    review_client: TestClient, db: Session, settings: Any
) -> None:
    user, headers = _contributor(db)
    admin = make_user(db, role=Role.ADMIN)
    admin_headers = api_token(db, admin)
    _apply(review_client, headers)

    queue = review_client.get(f"{API}/admin/reviews", headers=admin_headers).json()
    assert [row["user"]["id"] for row in queue] == [user.id]
    assert set(queue[0]["needs_review"]) == {"identity_verified", "language_verified"}

    detail = review_client.get(f"{API}/admin/reviews/{user.id}", headers=admin_headers).json()
    document = detail["documents"][0]
    assert "storage_key" not in document and "identity/" not in str(detail)
    file = review_client.get(document["url"], headers=admin_headers)
    assert file.status_code == 200
    assert file.content == PNG
    assert file.headers["content-type"] == "image/png"
    assert "no-store" in file.headers["cache-control"]

    bad = review_client.post(
        f"{API}/admin/reviews/{user.id}/checks/language_verified",
        json={"status": "failed", "reason": ""},
        headers=admin_headers,
    )
    assert bad.status_code == 422
    for check in ("language_verified", "identity_verified"):
        response = review_client.post(
            f"{API}/admin/reviews/{user.id}/checks/{check}",
            json={"status": "passed", "reason": "Looks right"},
            headers=admin_headers,
        )
        assert response.status_code == 200, response.text
    after = response.json()
    assert after["profile"]["state"] == "active"
    assert after["history"][0]["actor"] == "labelpool"
    assert after["documents"][0]["deleted_at"] is not None
    assert after["documents"][0]["url"] is None

    gone = review_client.get(document["url"], headers=admin_headers)
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "document_deleted"
    stored = db.get(IdentityDocument, document["id"])
    assert stored is not None and stored.deleted_at is not None
    assert not LocalStorage(settings.media_dir).exists(stored.storage_key)

    mine = review_client.get(f"{API}/me/review", headers=headers).json()
    assert mine["state"] == "active"
    assert mine["identity_document"]["status"] == "deleted"

    suspended = review_client.post(
        f"{API}/admin/contributors/{user.id}/state",
        json={"state": "suspended", "reason": "Shared account"},
        headers=admin_headers,
    )
    assert suspended.status_code == 200
    refused = review_client.post(
        f"{API}/admin/contributors/{user.id}/state",
        json={"state": "under_review", "reason": "x"},
        headers=admin_headers,
    )
    assert refused.status_code == 409
    history = review_client.get(f"{API}/me/review", headers=headers).json()["history"]
    assert history[0]["to_state"] == "suspended"
    assert history[0]["reason"] == "Shared account"
    assert history[0]["actor"] == admin.display_name


def test_identity_document_is_private(review_client: TestClient, db: Session) -> None:
    owner, owner_headers = _contributor(db)
    _, other_headers = _contributor(db)
    reviewer_headers = api_token(db, make_user(db, role=Role.REVIEWER))
    requester_headers = api_token(db, make_user(db, role=Role.REQUESTER))
    upload = review_client.post(
        f"{API}/me/identity-document",
        files={"file": ("id.pdf", PDF, "application/pdf")},
        headers=owner_headers,
    )
    assert upload.status_code == 201
    assert set(upload.json()) == {"uploaded_at", "content_type", "size_bytes", "filename", "status"}
    document = db.query(IdentityDocument).filter_by(user_id=owner.id).one()
    url = f"{API}/admin/identity-documents/{document.id}"
    for headers in (owner_headers, other_headers, reviewer_headers, requester_headers):
        response = review_client.get(url, headers=headers)
        assert response.status_code == 403
        assert PDF not in response.content
    assert review_client.get(url).status_code == 401
    for headers in (owner_headers, other_headers):
        body = review_client.get(f"{API}/me/review", headers=headers).text
        assert document.storage_key not in body
        assert "identity/" not in body


def test_unsupported_document_type_is_refused(review_client: TestClient, db: Session) -> None:
    _, headers = _contributor(db)
    response = review_client.post(
        f"{API}/me/identity-document",
        files={"file": ("id.png", io.BytesIO(b"hello, I am text"), "image/png")},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.REQUESTER, Role.CONTRIBUTOR])
def test_admin_routes_refuse_other_roles(
    review_client: TestClient, db: Session, role: Role
) -> None:
    target = make_user(db)
    headers = api_token(db, make_user(db, role=role))
    assert review_client.get(f"{API}/admin/reviews", headers=headers).status_code == 403
    assert review_client.get(f"{API}/admin/reviews/{target.id}", headers=headers).status_code == 403
    decide = review_client.post(
        f"{API}/admin/reviews/{target.id}/checks/identity_verified",
        json={"status": "passed", "reason": ""},
        headers=headers,
    )
    assert decide.status_code == 403
    state = review_client.post(
        f"{API}/admin/contributors/{target.id}/state",
        json={"state": "suspended", "reason": "x"},
        headers=headers,
    )
    assert state.status_code == 403


def test_me_routes_are_for_contributors(review_client: TestClient, db: Session) -> None:
    headers = api_token(db, make_user(db, role=Role.REQUESTER))
    assert review_client.get(f"{API}/me/profile", headers=headers).status_code == 403
    assert review_client.get(f"{API}/me/review", headers=headers).status_code == 403


def test_admin_detail_of_a_non_contributor_is_404(review_client: TestClient, db: Session) -> None:
    admin_headers = api_token(db, make_user(db, role=Role.ADMIN))
    requester = make_user(db, role=Role.REQUESTER)
    response = review_client.get(f"{API}/admin/reviews/{requester.id}", headers=admin_headers)
    assert response.status_code == 404


def test_options_list_the_allowed_values(review_client: TestClient, db: Session) -> None:
    _, headers = _contributor(db)
    options = review_client.get(f"{API}/contributors/options", headers=headers).json()
    assert {"code": "DE", "name": "Germany"} in options["countries"]
    assert {"code": "en", "name": "English"} in options["languages"]
    assert "Europe/Berlin" in options["time_zones"]
    assert options["proficiencies"] == ["native", "fluent", "advanced", "intermediate", "basic"]
