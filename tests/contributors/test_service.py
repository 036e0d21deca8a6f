"""The review state machine, checks, auto-activation and identity documents (both databases)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.audit.models import AuditEvent
from labelpool.contributors import service
from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    Proficiency,
)
from labelpool.contributors.enums import OperatingSystem as OS
from labelpool.contributors.models import AccountStateChange, IdentityDocument
from labelpool.contributors.settings import ReviewSettings
from labelpool.db.engine import make_engine, make_session_factory
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound
from labelpool.jobs.builtin import load_handlers
from labelpool.jobs.context import JobContext
from labelpool.jobs.runner import run_due
from labelpool.media.storage import LocalStorage
from labelpool.notifications.models import Notification
from tests.contributors.helpers import PDF, complete_input, png_file
from tests.factories import make_user

SETTINGS = ReviewSettings(review_allowed_countries=[], review_blocked_countries=["KP"])


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


def _checks(db: Session, user_id: int) -> dict[CheckName, CheckStatus]:
    return {c.name: c.status for c in service.checks_of(db, user_id)}


def _submitted(db: Session, storage: LocalStorage, **changes: object) -> User:
    user = make_user(db)
    service.update_profile(db, user, complete_input(**changes), SETTINGS)
    service.upload_identity_document(db, user, png_file(), "id.png", storage, SETTINGS)
    service.submit_application(db, user, SETTINGS)
    db.commit()
    return user


def test_new_profile_is_applied_with_every_check_pending(db: Session) -> None:
    user = make_user(db)
    profile = service.get_or_create_profile(db, user)
    db.commit()
    assert profile.state == ContributorState.APPLIED
    assert set(_checks(db, user.id).values()) == {CheckStatus.PENDING}
    history = service.state_history(db, user.id)
    assert [(h.from_state, h.to_state) for h in history] == [(None, ContributorState.APPLIED)]


def test_profiles_are_for_contributors_only(db: Session) -> None:
    requester = make_user(db, role=Role.REQUESTER)
    with pytest.raises(NotFound):
        service.get_or_create_profile(db, requester)


def test_update_profile_replaces_languages_and_devices(db: Session) -> None:
    user = make_user(db)
    service.update_profile(db, user, complete_input(), SETTINGS)
    db.commit()
    service.update_profile(
        db,
        user,
        complete_input(
            languages=[("en", Proficiency.NATIVE)],
            devices=[(DeviceKind.DESKTOP, OS.WINDOWS), (DeviceKind.PHONE, OS.IOS)],
        ),
        SETTINGS,
    )
    db.commit()
    summary = service.contributor_summary(db, user.id)
    assert summary is not None
    assert summary.languages == {"en": "native"}
    assert summary.device_kinds == {DeviceKind.DESKTOP, DeviceKind.PHONE}
    assert summary.speaks("en", minimum=Proficiency.FLUENT)
    assert not summary.speaks("de")
    assert summary.country == "DE" and summary.time_zone == "Europe/Berlin"


def test_submitting_an_incomplete_profile_is_refused_naming_what_is_missing(db: Session) -> None:
    user = make_user(db)
    service.update_profile(db, user, complete_input(time_zone=None, country=None), SETTINGS)
    with pytest.raises(InvalidInput) as caught:
        service.submit_application(db, user, SETTINGS)
    assert caught.value.code == "profile_incomplete"
    assert len(caught.value.details["missing"]) == 2
    assert service.contributor_state(db, user.id) == ContributorState.APPLIED


def test_submit_moves_to_under_review_and_runs_rules(db: Session, storage: LocalStorage) -> None:
    user = _submitted(db, storage)
    assert service.contributor_state(db, user.id) == ContributorState.UNDER_REVIEW
    checks = _checks(db, user.id)
    assert checks[CheckName.PROFILE_COMPLETE] == CheckStatus.PASSED
    assert checks[CheckName.LOCATION_ELIGIBLE] == CheckStatus.PASSED
    assert checks[CheckName.DEVICE_ELIGIBLE] == CheckStatus.PASSED
    assert checks[CheckName.LANGUAGE_VERIFIED] == CheckStatus.NEEDS_REVIEW
    assert checks[CheckName.IDENTITY_VERIFIED] == CheckStatus.NEEDS_REVIEW
    change = service.state_history(db, user.id)[0]
    assert (change.from_state, change.to_state) == (
        ContributorState.APPLIED,
        ContributorState.UNDER_REVIEW,
    )
    assert change.actor_id == user.id and change.reason and change.created_at is not None


def test_all_checks_passing_activates_automatically(db: Session, storage: LocalStorage) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage)
    service.decide_check(
        db,
        admin,
        user.id,
        CheckName.IDENTITY_VERIFIED,
        CheckStatus.PASSED,
        "Passport matches",
        settings=SETTINGS,
        storage=storage,
    )
    assert service.contributor_state(db, user.id) == ContributorState.UNDER_REVIEW
    service.pass_check(
        db, user.id, CheckName.LANGUAGE_VERIFIED, "Passed the German test", None, settings=SETTINGS
    )
    db.commit()
    assert service.is_active(db, user.id)
    last = service.state_history(db, user.id)[0]
    assert last.to_state == ContributorState.ACTIVE
    assert last.actor_id is None  # the system
    assert "Every account check passed" in last.reason
    notes = db.scalars(select(Notification).where(Notification.user_id == user.id)).all()
    assert [n.kind for n in notes] == ["account.activated"]


def test_a_failed_check_keeps_the_account_under_review(db: Session, storage: LocalStorage) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage, country="KP")
    checks = _checks(db, user.id)
    assert checks[CheckName.LOCATION_ELIGIBLE] == CheckStatus.FAILED
    service.decide_check(
        db,
        admin,
        user.id,
        CheckName.IDENTITY_VERIFIED,
        CheckStatus.PASSED,
        "",
        settings=SETTINGS,
        storage=storage,
    )
    service.pass_check(db, user.id, CheckName.LANGUAGE_VERIFIED, "ok", admin, settings=SETTINGS)
    db.commit()
    assert service.contributor_state(db, user.id) == ContributorState.UNDER_REVIEW
    # Fixing the profile re-runs the rules; the last failed check passes and the account activates.
    service.update_profile(db, user, complete_input(country="AT"), SETTINGS)
    db.commit()
    assert _checks(db, user.id)[CheckName.LOCATION_ELIGIBLE] == CheckStatus.PASSED
    assert service.is_active(db, user.id)


def test_resubmitting_while_under_review_runs_the_rules_again(
    db: Session, storage: LocalStorage
) -> None:
    user = _submitted(db, storage, devices=[(DeviceKind.PHONE, OS.ANDROID)])
    assert _checks(db, user.id)[CheckName.DEVICE_ELIGIBLE] == CheckStatus.FAILED
    relaxed = ReviewSettings(review_required_devices=[])
    service.submit_application(db, user, relaxed)
    assert _checks(db, user.id)[CheckName.DEVICE_ELIGIBLE] == CheckStatus.PASSED
    assert service.contributor_state(db, user.id) == ContributorState.UNDER_REVIEW


def test_admin_failing_a_check_notifies_with_the_reason(db: Session, storage: LocalStorage) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage)
    with pytest.raises(InvalidInput):
        service.decide_check(
            db,
            admin,
            user.id,
            CheckName.LANGUAGE_VERIFIED,
            CheckStatus.FAILED,
            " ",
            settings=SETTINGS,
            storage=storage,
        )
    check = service.decide_check(
        db,
        admin,
        user.id,
        CheckName.LANGUAGE_VERIFIED,
        CheckStatus.FAILED,
        "No German sample",
        settings=SETTINGS,
        storage=storage,
    )
    db.commit()
    assert check.decided_by_id == admin.id and check.decided_at is not None
    note = db.scalars(select(Notification).where(Notification.user_id == user.id)).one()
    assert note.kind == "account.check_failed" and note.body == "No German sample"
    # Rules do not undo a person's language decision.
    service.submit_application(db, user, SETTINGS)
    assert _checks(db, user.id)[CheckName.LANGUAGE_VERIFIED] == CheckStatus.FAILED


def _activate(db: Session, storage: LocalStorage) -> tuple[User, User]:
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage)
    service.decide_check(
        db,
        admin,
        user.id,
        CheckName.IDENTITY_VERIFIED,
        CheckStatus.PASSED,
        "",
        settings=SETTINGS,
        storage=storage,
    )
    service.pass_check(db, user.id, CheckName.LANGUAGE_VERIFIED, "ok", admin, settings=SETTINGS)
    db.commit()
    assert service.is_active(db, user.id)
    return admin, user


def test_suspend_and_reinstate_are_logged_with_who_when_why(
    db: Session, storage: LocalStorage
) -> None:
    admin, user = _activate(db, storage)
    with pytest.raises(InvalidInput):
        service.change_state(db, admin, user.id, ContributorState.SUSPENDED, "  ")
    service.change_state(db, admin, user.id, ContributorState.SUSPENDED, "Copied answers")
    service.change_state(db, admin, user.id, ContributorState.ACTIVE, "Appeal accepted")
    db.commit()
    history = service.state_history(db, user.id)
    assert [(h.from_state, h.to_state, h.actor_id, h.reason) for h in history[:2]] == [
        (ContributorState.SUSPENDED, ContributorState.ACTIVE, admin.id, "Appeal accepted"),
        (ContributorState.ACTIVE, ContributorState.SUSPENDED, admin.id, "Copied answers"),
    ]
    assert all(h.created_at.tzinfo is not None for h in history)
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "contributor.state_changed")
    ).all()
    assert len(actions) >= 4


@pytest.mark.parametrize(
    ("setup", "target"),
    [
        ("applied", ContributorState.ACTIVE),
        ("applied", ContributorState.SUSPENDED),
        ("applied", ContributorState.UNDER_REVIEW),  # only the contributor submits
        ("under_review", ContributorState.APPLIED),
        ("under_review", ContributorState.ACTIVE),  # checks still open
        ("active", ContributorState.UNDER_REVIEW),
        ("active", ContributorState.APPLIED),
        ("active", ContributorState.ACTIVE),
        ("suspended", ContributorState.UNDER_REVIEW),
        ("suspended", ContributorState.SUSPENDED),
    ],
)
def test_refused_admin_transitions(
    db: Session, storage: LocalStorage, setup: str, target: ContributorState
) -> None:
    admin = make_user(db, role=Role.ADMIN)
    if setup == "applied":
        user = make_user(db)
        service.get_or_create_profile(db, user)
    elif setup == "under_review":
        user = _submitted(db, storage)
    else:
        admin, user = _activate(db, storage)
        if setup == "suspended":
            service.change_state(db, admin, user.id, ContributorState.SUSPENDED, "why")
    db.commit()
    before = len(service.state_history(db, user.id))
    with pytest.raises(Conflict):
        service.change_state(db, admin, user.id, target, "a reason")
    assert len(service.state_history(db, user.id)) == before


def test_suspend_from_under_review_and_reinstate_needs_passed_checks(
    db: Session, storage: LocalStorage
) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage)
    service.change_state(db, admin, user.id, ContributorState.SUSPENDED, "Duplicate account")
    with pytest.raises(Conflict, match="identity verified"):
        service.change_state(db, admin, user.id, ContributorState.ACTIVE, "Not a duplicate")
    with pytest.raises(Conflict):
        service.submit_application(db, user, SETTINGS)


def test_admin_can_activate_under_review_when_checks_passed(
    db: Session, storage: LocalStorage
) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage)
    service.change_state(db, admin, user.id, ContributorState.SUSPENDED, "hold")
    service.decide_check(
        db,
        admin,
        user.id,
        CheckName.IDENTITY_VERIFIED,
        CheckStatus.PASSED,
        "",
        settings=SETTINGS,
        storage=storage,
    )
    service.pass_check(db, user.id, CheckName.LANGUAGE_VERIFIED, "ok", admin, settings=SETTINGS)
    assert service.contributor_state(db, user.id) == ContributorState.SUSPENDED  # no auto move
    service.change_state(db, admin, user.id, ContributorState.ACTIVE, "Cleared")
    assert service.is_active(db, user.id)


# --- identity documents ----------------------------------------------------------------------


def test_identity_document_types_are_judged_by_content(db: Session, storage: LocalStorage) -> None:
    user = make_user(db)
    pdf = service.upload_identity_document(db, user, io.BytesIO(PDF), "scan.png", storage, SETTINGS)
    assert pdf.content_type == "application/pdf" and pdf.storage_key.endswith(".pdf")
    png = service.upload_identity_document(db, user, png_file(), "id.pdf", storage, SETTINGS)
    assert png.content_type == "image/png"
    db.commit()
    assert pdf.deleted_at is not None and not storage.exists(pdf.storage_key)  # replaced
    assert storage.exists(png.storage_key)
    with pytest.raises(InvalidInput) as caught:
        service.upload_identity_document(
            db, user, io.BytesIO(b"MZ\x90\x00 not a document"), "id.jpg", storage, SETTINGS
        )
    assert caught.value.code == "unsupported_media_type"
    with pytest.raises(InvalidInput):
        service.upload_identity_document(db, user, io.BytesIO(b""), "id.jpg", storage, SETTINGS)


def test_identity_document_size_limit(db: Session, storage: LocalStorage) -> None:
    user = make_user(db)
    small = ReviewSettings(identity_max_bytes=100)
    with pytest.raises(InvalidInput) as caught:
        service.upload_identity_document(
            db, user, io.BytesIO(PDF + b"x" * 200), "big.pdf", storage, small
        )
    assert caught.value.code == "document_too_large"
    assert not any(p.is_file() for p in storage.root.rglob("*") if ".tmp" not in p.parts)


def test_deciding_identity_deletes_the_document(db: Session, storage: LocalStorage) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage)
    document = service.current_identity_document(db, user.id)
    assert document is not None and storage.exists(document.storage_key)
    service.decide_check(
        db,
        admin,
        user.id,
        CheckName.IDENTITY_VERIFIED,
        CheckStatus.FAILED,
        "Blurred photo",
        settings=SETTINGS,
        storage=storage,
    )
    db.commit()
    assert not storage.exists(document.storage_key)
    stored = db.get(IdentityDocument, document.id)
    assert stored is not None and stored.deleted_at is not None
    with pytest.raises(NotFound):
        service.get_identity_document(db, document.id)
    # A failed identity check reopens with a new upload.
    service.upload_identity_document(db, user, png_file(), "id2.png", storage, SETTINGS)
    assert _checks(db, user.id)[CheckName.IDENTITY_VERIFIED] == CheckStatus.NEEDS_REVIEW


def test_identity_cannot_pass_without_a_document(db: Session, storage: LocalStorage) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = make_user(db)
    service.update_profile(db, user, complete_input(), SETTINGS)
    service.submit_application(db, user, SETTINGS)
    with pytest.raises(Conflict):
        service.decide_check(
            db,
            admin,
            user.id,
            CheckName.IDENTITY_VERIFIED,
            CheckStatus.PASSED,
            "",
            settings=SETTINGS,
            storage=storage,
        )


def test_retention_keeps_documents_until_purged(db: Session, storage: LocalStorage) -> None:
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage)
    document = service.current_identity_document(db, user.id)
    assert document is not None
    keep = ReviewSettings(identity_retention_days=7)
    decided = utcnow()
    service.decide_check(
        db,
        admin,
        user.id,
        CheckName.IDENTITY_VERIFIED,
        CheckStatus.PASSED,
        "",
        settings=keep,
        storage=storage,
        now=decided,
    )
    db.commit()
    assert storage.exists(document.storage_key)
    assert document.delete_after == decided + timedelta(days=7)
    assert service.purge_expired_documents(db, storage, decided + timedelta(days=6)) == 0
    assert service.purge_expired_documents(db, storage, decided + timedelta(days=7)) == 1
    db.commit()
    assert not storage.exists(document.storage_key)
    purged = db.get(IdentityDocument, document.id)
    assert purged is not None and purged.deleted_at is not None
    assert service.purge_expired_documents(db, storage, decided + timedelta(days=30)) == 0


def test_state_changes_table_holds_every_move(db: Session, storage: LocalStorage) -> None:
    _, user = _activate(db, storage)
    rows = db.scalars(
        select(AccountStateChange)
        .where(AccountStateChange.user_id == user.id)
        .order_by(AccountStateChange.id)
    ).all()
    assert [r.to_state for r in rows] == [
        ContributorState.APPLIED,
        ContributorState.UNDER_REVIEW,
        ContributorState.ACTIVE,
    ]


def test_the_hourly_job_purges_with_the_configured_database_and_storage(
    db: Session, settings: Any
) -> None:
    storage = LocalStorage(settings.media_dir)
    admin = make_user(db, role=Role.ADMIN)
    user = _submitted(db, storage)
    document = service.current_identity_document(db, user.id)
    assert document is not None
    keep = ReviewSettings(identity_retention_days=1)
    service.decide_check(
        db,
        admin,
        user.id,
        CheckName.IDENTITY_VERIFIED,
        CheckStatus.PASSED,
        "",
        settings=keep,
        storage=storage,
        now=utcnow() - timedelta(days=2),
    )
    db.commit()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        load_handlers()
        report = run_due(make_session_factory(engine), JobContext(settings))
    finally:
        engine.dispose()
    assert "contributors.purge_identity_documents" in report.scheduled and report.failed == 0
    assert not storage.exists(document.storage_key)
    db.refresh(document)
    assert document.deleted_at is not None
