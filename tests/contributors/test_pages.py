"""Contributor and admin review pages: they render, forms work, and every form needs CSRF."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.roles import Role
from labelpool.config import Settings
from labelpool.contributors import service
from labelpool.contributors.enums import CheckName, CheckStatus, ContributorState
from labelpool.contributors.models import IdentityDocument
from labelpool.contributors.settings import ReviewSettings
from tests.contributors.helpers import EXPERIENCE, PNG
from tests.factories import csrf_token, log_in, make_user


@pytest.fixture
def page_client(client: TestClient, settings: Settings) -> TestClient:
    settings.review = ReviewSettings(  # the app's one Settings (client's app.state.settings)
        review_allowed_countries=[], review_blocked_countries=[]
    )
    return client


def _form(client: TestClient, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "csrf_token": csrf_token(client),
        "country": "BR",
        "time_zone": "America/Sao_Paulo",
        "weekly_hours": "25",
        "language_0": "pt",
        "proficiency_0": "native",
        "language_1": "en",
        "proficiency_1": "advanced",
        "primary_domain": "ai-evaluation",
        "secondary_skills": ["writing", "translation"],
        "experience": EXPERIENCE,
        "device_desktop": "1",
        "os_desktop": "windows",
        "device_phone": "1",
        "os_phone": "android",
        "headphones": "1",
    }
    data.update(changes)
    return data


def test_profile_page_shows_completeness_and_missing(page_client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(page_client, user.email)
    page = page_client.get("/profile")
    assert page.status_code == 200
    assert "Profile completeness" in page.text
    assert "Choose the country you live in." in page.text
    assert 'name="csrf_token"' in page.text
    assert 'href="/profile"' in page.text  # nav


def test_save_and_submit_profile_through_the_form(page_client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(page_client, user.email)
    saved = page_client.post("/profile", data=_form(page_client), follow_redirects=False)
    assert saved.status_code == 303, saved.text
    summary = service.contributor_summary(db, user.id)
    assert summary is not None
    assert summary.country == "BR"
    assert summary.languages == {"pt": "native", "en": "advanced"}
    assert summary.secondary_skills == ("writing", "translation")
    assert summary.headphones and not summary.microphone
    page = page_client.get("/profile")
    assert "Everything is filled in." in page.text
    submitted = page_client.post(
        "/profile", data=_form(page_client, action="submit"), follow_redirects=False
    )
    assert submitted.status_code == 303
    assert submitted.headers["location"] == "/review"
    db.rollback()
    assert service.contributor_state(db, user.id) == ContributorState.UNDER_REVIEW


def test_form_errors_are_shown_next_to_the_field(page_client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(page_client, user.email)
    response = page_client.post(
        "/profile", data=_form(page_client, time_zone="Nowhere/Land", country="ZZ")
    )
    assert response.status_code == 422
    assert 'id="time_zone-error"' in response.text
    assert 'id="country-error"' in response.text
    assert "Nowhere/Land" in response.text  # the answer is kept


def test_review_page_lists_checks_history_and_uploads(page_client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(page_client, user.email)
    page_client.post("/profile", data=_form(page_client, action="submit"))
    page = page_client.get("/review")
    assert page.status_code == 200
    for label in ("Identity verified", "Profile complete", "Language verified", "Device eligible"):
        assert label in page.text
    assert "Under review" in page.text
    assert "Submitted the application." in page.text
    uploaded = page_client.post(
        "/review/identity-document",
        data={"csrf_token": csrf_token(page_client)},
        files={"file": ("id.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    assert db.query(IdentityDocument).filter_by(user_id=user.id).count() == 1
    assert "awaiting review" in page_client.get("/review").text


def test_forms_without_csrf_are_refused(page_client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(page_client, user.email)
    assert page_client.post("/profile", data={"country": "DE"}).status_code == 403
    assert page_client.post("/application").status_code == 403
    refused = page_client.post(
        "/review/identity-document", files={"file": ("id.png", PNG, "image/png")}
    )
    assert refused.status_code == 403
    assert db.query(IdentityDocument).count() == 0
    admin = make_user(db, role=Role.ADMIN)
    log_in(page_client, admin.email)
    decide = page_client.post(
        f"/admin/reviews/{user.id}/checks/identity_verified", data={"status": "failed"}
    )
    assert decide.status_code == 403
    state = page_client.post(f"/admin/reviews/{user.id}/state", data={"state": "suspended"})
    assert state.status_code == 403


def test_admin_queue_and_detail_pages(page_client: TestClient, db: Session) -> None:
    contributor = make_user(db)
    log_in(page_client, contributor.email)
    page_client.post("/profile", data=_form(page_client, action="submit"))
    page_client.post(
        "/review/identity-document",
        data={"csrf_token": csrf_token(page_client)},
        files={"file": ("id.png", PNG, "image/png")},
    )
    admin = make_user(db, role=Role.ADMIN)
    page_client.cookies.clear()
    log_in(page_client, admin.email)
    queue = page_client.get("/admin/reviews")
    assert queue.status_code == 200
    assert contributor.email in queue.text
    detail = page_client.get(f"/admin/reviews/{contributor.id}")
    assert detail.status_code == 200
    assert "Brazil (BR)" in detail.text
    assert "/api/v1/admin/identity-documents/" in detail.text
    document = db.query(IdentityDocument).filter_by(user_id=contributor.id).one()
    assert document.storage_key not in detail.text

    token = csrf_token(page_client)
    failed = page_client.post(
        f"/admin/reviews/{contributor.id}/checks/identity_verified",
        data={"csrf_token": token, "status": "failed", "reason": "Expired passport"},
        follow_redirects=False,
    )
    assert failed.status_code == 303
    db.rollback()
    checks = {c.name: c for c in service.checks_of(db, contributor.id)}
    assert checks[CheckName.IDENTITY_VERIFIED].status == CheckStatus.FAILED
    assert checks[CheckName.IDENTITY_VERIFIED].reason == "Expired passport"
    suspended = page_client.post(
        f"/admin/reviews/{contributor.id}/state",
        data={"csrf_token": token, "state": "suspended", "reason": "Fraud check"},
        follow_redirects=False,
    )
    assert suspended.status_code == 303
    db.rollback()
    assert service.contributor_state(db, contributor.id) == ContributorState.SUSPENDED
    assert "Fraud check" in page_client.get(f"/admin/reviews/{contributor.id}").text


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.REVIEWER, Role.REQUESTER])
def test_admin_pages_refuse_others(page_client: TestClient, db: Session, role: Role) -> None:
    target = make_user(db)
    user = make_user(db, role=role)
    log_in(page_client, user.email)
    assert page_client.get("/admin/reviews").status_code == 403
    assert page_client.get(f"/admin/reviews/{target.id}").status_code == 403


def test_contributor_pages_need_login_and_the_contributor_role(
    page_client: TestClient, db: Session
) -> None:
    response = page_client.get("/profile", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    requester = make_user(db, role=Role.REQUESTER)
    log_in(page_client, requester.email)
    assert page_client.get("/review").status_code == 403


def test_home_links_to_the_profile(page_client: TestClient, db: Session) -> None:
    user = make_user(db)
    log_in(page_client, user.email)
    assert 'href="/profile"' in page_client.get("/").text
