"""An active account always has every check passed (issue 18 B): changing a reviewed part of
the profile decides those checks again, and a check that no longer passes puts the account
back under review until it does, through the same service the API and the pages use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.config import Settings
from labelpool.contributors import service
from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    Proficiency,
)
from labelpool.contributors.enums import OperatingSystem as OS
from labelpool.contributors.review import reopened_checks
from labelpool.contributors.service import ProfileInput
from labelpool.contributors.settings import ReviewSettings
from labelpool.media.storage import LocalStorage
from labelpool.notifications.models import Notification
from tests.contributors.helpers import complete_body, complete_facts, complete_input, png_file
from tests.factories import PASSWORD, api_token, csrf_token, log_in, make_user

SETTINGS = ReviewSettings(review_allowed_countries=[], review_blocked_countries=["KP", "IR"])
S = ContributorState


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


def _checks(db: Session, user_id: int) -> dict[CheckName, CheckStatus]:
    return {c.name: c.status for c in service.checks_of(db, user_id)}


def _active(db: Session, storage: LocalStorage, **profile: Any) -> tuple[User, User]:
    """(admin, contributor): an application that passed every check, with `profile` changes."""
    admin = make_user(db, role=Role.ADMIN)
    user = make_user(db)
    service.update_profile(db, user, complete_input(**profile), SETTINGS)
    service.upload_identity_document(db, user, png_file(), "id.png", storage, SETTINGS)
    service.submit_application(db, user, SETTINGS)
    for name in (CheckName.IDENTITY_VERIFIED, CheckName.LANGUAGE_VERIFIED):
        service.decide_check(
            db, admin, user.id, name, CheckStatus.PASSED, "", settings=SETTINGS, storage=storage
        )
    db.commit()
    assert service.contributor_state(db, user.id) == S.ACTIVE
    return admin, user


def _last_move(db: Session, user_id: int) -> tuple[S | None, S, int | None]:
    last = service.state_history(db, user_id)[0]
    return last.from_state, last.to_state, last.actor_id


# --- which checks a change reopens (pure) ------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "reopened"),
    [
        ({"secondary_skills": ("writing",)}, set()),
        ({"headphones": False, "microphone": True}, set()),
        ({"weekly_hours": None}, {CheckName.PROFILE_COMPLETE}),
        ({"time_zone": "Europe/Paris"}, {CheckName.PROFILE_COMPLETE}),
        ({"country": "AT"}, {CheckName.PROFILE_COMPLETE, CheckName.LOCATION_ELIGIBLE}),
        (
            {"devices": ((DeviceKind.PHONE, OS.ANDROID),)},
            {CheckName.PROFILE_COMPLETE, CheckName.DEVICE_ELIGIBLE},
        ),
        (
            {"languages": (("de", Proficiency.NATIVE), ("ja", Proficiency.BASIC))},
            {CheckName.PROFILE_COMPLETE, CheckName.LANGUAGE_VERIFIED},
        ),
        (  # a stronger claim than was verified
            {"languages": (("de", Proficiency.NATIVE), ("en", Proficiency.NATIVE))},
            {CheckName.PROFILE_COMPLETE, CheckName.LANGUAGE_VERIFIED},
        ),
        (  # fewer or weaker claims need no new verification
            {"languages": (("de", Proficiency.FLUENT),)},
            {CheckName.PROFILE_COMPLETE},
        ),
    ],
)
def test_reopened_checks_follow_the_fields_they_rest_on(
    changes: dict[str, Any], reopened: set[CheckName]
) -> None:
    assert reopened_checks(complete_facts(), complete_facts(**changes)) == reopened


def test_the_same_profile_in_another_order_reopens_nothing() -> None:
    before = complete_facts()
    after = complete_facts(languages=tuple(reversed(before.languages)))
    assert reopened_checks(before, after) == frozenset()


# --- the service --------------------------------------------------------------------------------


def test_blanking_the_profile_of_an_active_account_puts_it_under_review(
    db: Session, storage: LocalStorage
) -> None:
    _, user = _active(db, storage)
    service.update_profile(db, user, ProfileInput(), SETTINGS)
    db.commit()
    assert service.contributor_state(db, user.id) == S.UNDER_REVIEW
    assert not service.is_active(db, user.id)
    checks = _checks(db, user.id)
    assert checks[CheckName.PROFILE_COMPLETE] == CheckStatus.FAILED
    assert checks[CheckName.LOCATION_ELIGIBLE] == CheckStatus.PENDING
    assert checks[CheckName.DEVICE_ELIGIBLE] == CheckStatus.PENDING
    assert _last_move(db, user.id) == (S.ACTIVE, S.UNDER_REVIEW, None)
    note = db.scalars(
        select(Notification).where(
            Notification.user_id == user.id, Notification.kind == "account.under_review"
        )
    ).one()
    assert "Profile complete" in note.body and note.link == "/review"


def test_blanking_one_required_field_reopens_and_restoring_it_reactivates(
    db: Session, storage: LocalStorage
) -> None:
    _, user = _active(db, storage)
    service.update_profile(db, user, complete_input(weekly_hours=None), SETTINGS)
    db.commit()
    assert service.contributor_state(db, user.id) == S.UNDER_REVIEW
    assert "hours a week" in service.state_history(db, user.id)[0].reason
    service.update_profile(db, user, complete_input(), SETTINGS)
    db.commit()
    assert service.contributor_state(db, user.id) == S.ACTIVE
    assert set(_checks(db, user.id).values()) == {CheckStatus.PASSED}


def test_changing_the_country_decides_location_again(db: Session, storage: LocalStorage) -> None:
    _, user = _active(db, storage)
    service.update_profile(db, user, complete_input(country="AT"), SETTINGS)
    assert service.contributor_state(db, user.id) == S.ACTIVE, "still eligible"
    check = service.ensure_checks(db, user.id)[CheckName.LOCATION_ELIGIBLE]
    assert "Austria" in check.reason
    service.update_profile(db, user, complete_input(country="KP"), SETTINGS)
    db.commit()
    assert _checks(db, user.id)[CheckName.LOCATION_ELIGIBLE] == CheckStatus.FAILED
    assert service.contributor_state(db, user.id) == S.UNDER_REVIEW


def test_a_check_passed_by_hand_is_decided_again_when_its_field_changes(
    db: Session, storage: LocalStorage
) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = make_user(db)
    service.update_profile(db, user, complete_input(country="KP"), SETTINGS)
    service.upload_identity_document(db, user, png_file(), "id.png", storage, SETTINGS)
    service.submit_application(db, user, SETTINGS)
    for name in CheckName:
        if _checks(db, user.id)[name] != CheckStatus.PASSED:
            service.decide_check(
                db, admin, user.id, name, CheckStatus.PASSED, "", settings=SETTINGS, storage=storage
            )
    assert service.contributor_state(db, user.id) == S.ACTIVE
    # An unrelated edit keeps the admin's exception ...
    service.update_profile(db, user, complete_input(country="KP", headphones=False), SETTINGS)
    assert service.contributor_state(db, user.id) == S.ACTIVE
    # ... a new country is decided by the rules again.
    service.update_profile(db, user, complete_input(country="IR"), SETTINGS)
    db.commit()
    location = service.ensure_checks(db, user.id)[CheckName.LOCATION_ELIGIBLE]
    assert (location.status, location.decided_by_id) == (CheckStatus.FAILED, None)
    assert service.contributor_state(db, user.id) == S.UNDER_REVIEW


def test_a_new_language_goes_back_to_the_admin_queue(db: Session, storage: LocalStorage) -> None:
    _, user = _active(db, storage)
    fewer = [("de", Proficiency.NATIVE)]
    service.update_profile(db, user, complete_input(languages=fewer), SETTINGS)
    assert service.contributor_state(db, user.id) == S.ACTIVE, "dropping a language is fine"
    more = [("de", Proficiency.NATIVE), ("ja", Proficiency.NATIVE)]
    service.update_profile(db, user, complete_input(languages=more), SETTINGS)
    db.commit()
    assert _checks(db, user.id)[CheckName.LANGUAGE_VERIFIED] == CheckStatus.NEEDS_REVIEW
    assert service.contributor_state(db, user.id) == S.UNDER_REVIEW
    assert user.id in [row.user.id for row in service.review_queue(db)]


def test_changes_to_unreviewed_fields_keep_the_account_active(
    db: Session, storage: LocalStorage
) -> None:
    _, user = _active(db, storage)
    moves = len(service.state_history(db, user.id))
    service.update_profile(
        db, user, complete_input(secondary_skills=["writing"], microphone=True), SETTINGS
    )
    db.commit()
    assert service.contributor_state(db, user.id) == S.ACTIVE
    assert len(service.state_history(db, user.id)) == moves


def test_an_admin_failing_a_check_of_an_active_account_reopens_the_review(
    db: Session, storage: LocalStorage
) -> None:
    admin, user = _active(db, storage)
    service.decide_check(
        db,
        admin,
        user.id,
        CheckName.LANGUAGE_VERIFIED,
        CheckStatus.FAILED,
        "The German sample was machine translated.",
        settings=SETTINGS,
        storage=storage,
    )
    db.commit()
    assert _last_move(db, user.id) == (S.ACTIVE, S.UNDER_REVIEW, admin.id)


def test_a_reopened_account_cannot_take_tests(db: Session, storage: LocalStorage) -> None:
    from labelpool.assessments import service as assessments
    from tests.assessments.builders import make_test, org_with_requester

    organization, requester = org_with_requester(db)
    test = make_test(db, requester, organization)
    _, user = _active(db, storage)
    assert assessments.may_take(db, user, test)
    service.update_profile(db, user, complete_input(devices=[]), SETTINGS)
    assert not assessments.may_take(db, user, test)


# --- the API and the pages ------------------------------------------------------------------


def test_api_profile_edit_of_an_active_account_reopens_the_review(
    client: TestClient, db: Session, settings: Settings, storage: LocalStorage
) -> None:
    settings.review = SETTINGS
    _, user = _active(db, storage)
    headers = api_token(db, user)
    saved = client.put("/api/v1/me/profile", json=complete_body(weekly_hours=None), headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["state"] == "under_review"
    review = client.get("/api/v1/me/review", headers=headers).json()
    failed = {c["name"] for c in review["checks"] if c["status"] == "failed"}
    assert failed == {"profile_complete"}


def test_page_profile_edit_of_an_active_account_says_the_review_reopened(
    client: TestClient, db: Session, settings: Settings, storage: LocalStorage
) -> None:
    settings.review = SETTINGS
    _, user = _active(db, storage)
    log_in(client, user.email, PASSWORD)
    form = {
        "csrf_token": csrf_token(client),
        "country": "KP",
        "time_zone": "Europe/Berlin",
        "weekly_hours": "20",
        "language_0": "de",
        "proficiency_0": "native",
        "language_1": "en",
        "proficiency_1": "fluent",
        "primary_domain": "search-evaluation",
        "experience": complete_input().experience,
        "device_laptop": "1",
        "os_laptop": "linux",
    }
    saved = client.post("/profile", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"] == "/review"
    page = client.get("/review")
    assert "under review until it does" in page.text
    db.rollback()
    assert service.contributor_state(db, user.id) == S.UNDER_REVIEW
