"""Admins read the review's reasons about the contributor, not to them: "You work on a
laptop." is "Works on a laptop." on the admin's page, and stays as it is for the contributor."""

from __future__ import annotations

import re
from string import Formatter

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.roles import Role
from labelpool.contributors import review, service
from labelpool.contributors.enums import CheckName, CheckStatus, DeviceKind, OperatingSystem
from labelpool.contributors.review import (
    WORDINGS,
    ProfileFacts,
    Wording,
    evaluate_rules,
    for_admin,
    history_for_admin,
    identity_decision,
    language_decision,
    profile_completeness,
)
from labelpool.contributors.settings import ReviewSettings
from tests.contributors.helpers import complete_facts, complete_input
from tests.factories import log_in, make_active_contributor, make_user

SECOND_PERSON = re.compile(r"\b(you|your|yours|yourself)\b", re.I)
SETTINGS = [
    ReviewSettings(),
    ReviewSettings(review_allowed_countries=["DE", "AT"], review_required_devices=["laptop"]),
    ReviewSettings(review_blocked_countries=["DE"], review_required_devices=["desktop"]),
]
FACTS = [
    ProfileFacts(),
    complete_facts(),
    complete_facts(country="VI", devices=[(DeviceKind.PHONE, OperatingSystem.ANDROID)]),
    complete_facts(experience="Short.", weekly_hours=None, time_zone=None),
]


def _every_reason() -> list[str]:
    """Every reason the rules write, over profiles and settings that reach each branch."""
    reasons: list[str] = []
    for facts in FACTS:
        reasons += profile_completeness(facts).missing
        reasons.append(language_decision(facts).reason)
        for settings in SETTINGS:
            reasons += [d.reason for d in evaluate_rules(facts, settings).values()]
    reasons += [identity_decision(False).reason, identity_decision(True).reason]
    reasons += [review.NOT_SUBMITTED.say(), review.DOCUMENT_BEFORE_SUBMIT.say()]
    return reasons


@pytest.mark.parametrize("reason", sorted(set(_every_reason())))
def test_no_reason_the_review_writes_addresses_an_admin_as_you(reason: str) -> None:
    assert not SECOND_PERSON.search(for_admin(reason)), (reason, for_admin(reason))


def _sample(wording: Wording) -> dict[str, str]:
    names = {name for _, name, _, _ in Formatter().parse(wording.contributor) if name}
    missing = " ".join([review.MISSING_COUNTRY.say(), review.MISSING_TIME_ZONE.say()])
    return {n: missing if n in wording.nested else f"<{n}>" for n in names}


@pytest.mark.parametrize("wording", WORDINGS, ids=lambda w: w.contributor[:40])
def test_every_wording_reads_back_in_the_admins_words(wording: Wording) -> None:
    fields = _sample(wording)
    said = for_admin(wording.say(**fields))
    assert not SECOND_PERSON.search(said), said
    for name, value in fields.items():
        if name not in wording.nested:
            assert value in said, (name, said)


def test_the_contributors_words_are_kept_for_them_and_what_admins_type_is_untouched() -> None:
    assert review.DEVICE_OK.say(have="laptop") == "You work on a laptop."
    assert for_admin("You work on a laptop.") == "Works on a laptop."
    assert for_admin("Your passport photo is blurred; please send another.") == (
        "Your passport photo is blurred; please send another."
    )
    incomplete = for_admin(
        "Profile 71% complete. Still missing: Choose your time zone. Describe your experience "
        "in at least 50 characters (you have 6)."
    )
    assert incomplete == (
        "Profile 71% complete. Missing: No time zone. Experience under 50 characters (6)."
    )


def test_a_reopened_reviews_history_quotes_the_checks_in_the_admins_words() -> None:
    text = (
        "A check no longer passes. Device eligible: Work here needs a laptop; your profile "
        "lists only: phone. Add a laptop to your profile and submit again. Language verified: "
        "Waiting for an admin or a language test to confirm German (de)."
    )
    assert history_for_admin(text) == (
        "A check no longer passes. Device eligible: Work here needs a laptop; the profile "
        "lists only: phone. Language verified: Claims German (de); waiting for an admin or a "
        "language test to confirm."
    )
    assert history_for_admin("Submitted the application.") == "Submitted the application."


def test_the_admin_review_page_speaks_about_the_contributor(
    client: TestClient, db: Session
) -> None:
    admin = make_user(db, role=Role.ADMIN)
    contributor = make_user(db)
    settings = ReviewSettings(review_required_devices=["laptop"])
    service.update_profile(db, contributor, complete_input(), settings)
    service.submit_application(db, contributor, settings)
    service.decide_check(
        db,
        admin,
        contributor.id,
        CheckName.LANGUAGE_VERIFIED,
        CheckStatus.FAILED,
        "Your German test answers were machine translated.",
        settings=settings,
        storage=None,
    )
    db.commit()
    log_in(client, admin.email)
    page = client.get(f"/admin/reviews/{contributor.id}").text
    assert "Works on a laptop." in page and "You work on a laptop" not in page
    assert "No identity document uploaded yet." in page
    assert "Your German test answers were machine translated." in page  # typed: as it is

    own = TestClient(client.app)
    log_in(own, contributor.email)
    assert "You work on a laptop." in own.get("/review").text


def test_an_active_contributors_reopened_review_reads_in_the_third_person(
    client: TestClient, db: Session
) -> None:
    admin = make_user(db, role=Role.ADMIN)
    contributor = make_active_contributor(db)
    phone_only = [(DeviceKind.PHONE, OperatingSystem.ANDROID)]
    settings = ReviewSettings(review_required_devices=["laptop"])
    service.update_profile(db, contributor, complete_input(devices=phone_only), settings)
    db.commit()
    log_in(client, admin.email)
    page = client.get(f"/admin/reviews/{contributor.id}").text
    assert "A check no longer passes." in page
    assert "the profile lists only: phone" in page
    assert "your profile" not in page.lower()
