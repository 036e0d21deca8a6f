"""The bulk import's shape (both databases): its statements do not grow with the rows, and it
writes, for each contributor, exactly what the contributor services write one at a time."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.assessments.models import ContributorSkill
from labelpool.assessments.qualifications import set_skill_level
from labelpool.audit.models import AuditEvent
from labelpool.contributors.application import submit_application, update_profile
from labelpool.contributors.bulk_import import (
    ImportRefused,
    check_file,
    create_contributors,
)
from labelpool.contributors.bulk_import_rows import ContributorRow
from labelpool.contributors.checks import _set, ensure_checks
from labelpool.contributors.enums import CheckStatus, ContributorState
from labelpool.contributors.models import (
    AccountStateChange,
    ContributorProfile,
    VerificationCheck,
)
from labelpool.contributors.settings import ReviewSettings
from labelpool.contributors.state_changes import change_state
from labelpool.db.models import Base
from labelpool.db.types import utcnow
from labelpool.events import Action, emit
from labelpool.jobs.models import OutboxJob
from labelpool.notifications.models import Notification
from tests.factories import make_user

SETTINGS = ReviewSettings(review_blocked_countries=["KP"])
HEADER = "email,name,country,languages,skills,devices,weekly_hours,time_zone\n"
ANA = "ana@example.org,Ana Souza,BR,pt:native;en:fluent,grammar:80;audio:60,laptop:windows;phone,20,America/Sao_Paulo\n"  # noqa: E501
BO = "bo@example.org,Bo Chen,SG,zh:native,,desktop:linux,35,Asia/Singapore\n"
KIM = "kim@example.org,Kim,KP,ko:native,,phone:android,10,Asia/Pyongyang\n"
REASON = "Moved over from our previous tool; vetted there."


def _admin(db: Session) -> User:
    return make_user(db, role=Role.ADMIN, email="admin@example.org")


def _rows(db: Session, text: str, *, activate: bool = False) -> list[ContributorRow]:
    checked = check_file(db, io.StringIO(HEADER + text), SETTINGS, activate=activate)
    assert checked.ok, checked.problems
    return checked.rows


def _file(n: int) -> str:
    return "".join(
        ANA.replace("ana@", f"ana{i}@").replace("Ana Souza", f"Ana {i}") for i in range(n)
    )


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("activate", [False, True])
def test_the_statements_do_not_grow_with_the_rows(
    db: Session, engine: Engine, activate: bool
) -> None:
    admin = _admin(db)
    db.commit()
    counts = []
    for n in (20, 200):
        rows = _rows(db, _file(n), activate=activate)
        with _statements(engine) as seen:
            created = create_contributors(
                db, admin, rows, SETTINGS, activate_reason=REASON if activate else None
            )
        assert len(created) == n
        counts.append(len(seen))
        db.rollback()
    small, large = counts
    # ~12 statements a batch of up to 1,000 rows; PostgreSQL splits a bulk insert with
    # RETURNING into pages of 1,000 rows, so 2,000 audit rows may take one more statement.
    assert small <= 25, counts
    assert large - small <= 3, counts


# --- the same rows as the services ----------------------------------------------------------


def _one_at_a_time(
    db: Session, admin: User, rows: list[ContributorRow], reason: str | None, now: datetime
) -> list[User]:
    """The import as it was, through the services one row at a time (the reference)."""
    created = []
    for row in rows:
        user = accounts.create_user(
            db,
            email=row.email,
            password=None,
            display_name=row.name,
            actor=admin,
            details={"imported": True},
        )
        update_profile(db, user, row.profile, SETTINGS, now=now)
        submit_application(db, user, SETTINGS, now=now)
        for key, level in row.skills:
            set_skill_level(db, admin, user.id, key, level, "Imported.")
        if reason:
            for check in ensure_checks(db, user.id).values():
                if check.status != CheckStatus.PASSED:
                    _set(check, CheckStatus.PASSED, reason, admin.id, now)
                    emit(
                        db,
                        Action.CONTRIBUTOR_CHECK_DECIDED,
                        "user",
                        user.id,
                        actor_id=admin.id,
                        reason=reason,
                        details={"check": check.name.value, "status": "passed"},
                    )
            db.flush()
            change_state(db, admin, user.id, ContributorState.ACTIVE, reason, now=now)
        created.append(user)
    return created


def _snapshot(db: Session, admin: User, user: User) -> dict[str, Any]:
    """Everything written for `user`, with ids replaced by who they are."""
    db.flush()
    who = {admin.id: "admin", user.id: "self", None: None}
    profile = db.scalar(select(ContributorProfile).where(ContributorProfile.user_id == user.id))
    assert profile is not None
    db.refresh(profile)
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.target_id == user.id).order_by(AuditEvent.id)
    )
    notes = list(db.scalars(select(Notification).where(Notification.user_id == user.id)))
    jobs = db.scalar(
        select(func.count())
        .select_from(OutboxJob)
        .where(OutboxJob.payload["notification_id"].as_integer().in_([n.id for n in notes]))
    )
    return {
        "user": (user.email, user.display_name, user.role, user.password_hash[:10], user.is_active),
        "changed_at": user.password_changed_at is not None,
        "profile": (
            profile.state,
            profile.country,
            profile.primary_domain,
            profile.secondary_skills,
            profile.experience,
            profile.headphones,
            profile.microphone,
            profile.weekly_hours,
            profile.time_zone,
            profile.submitted_at is not None,
        ),
        "languages": [(lang.language, lang.proficiency) for lang in profile.languages],
        "devices": [(d.kind, d.os) for d in profile.devices],
        "checks": [
            (c.name, c.status, c.reason, who[c.decided_by_id], c.decided_at is not None)
            for c in db.scalars(
                select(VerificationCheck)
                .where(VerificationCheck.user_id == user.id)
                .order_by(VerificationCheck.name)
            )
        ],
        "history": [
            (c.from_state, c.to_state, who[c.actor_id], c.reason, c.details)
            for c in db.scalars(
                select(AccountStateChange)
                .where(AccountStateChange.user_id == user.id)
                .order_by(AccountStateChange.id)
            )
        ],
        "skills": sorted(
            (s.skill_key, s.level, s.source, s.source_attempt_id, who[s.updated_by])
            for s in db.scalars(select(ContributorSkill).where(ContributorSkill.user_id == user.id))
        ),
        "events": [
            (e.action, e.target_type, who[e.actor_id], e.reason, e.details, e.organization_id)
            for e in events
        ],
        "notifications": [(n.kind, n.title, n.body, n.link, n.read_at) for n in notes],
        "email_jobs": jobs,
    }


def _row_counts(db: Session) -> dict[str, int]:
    """How many rows every table holds."""
    db.flush()
    return {
        table.name: db.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
    }


@pytest.mark.parametrize("activate", [False, True])
def test_each_contributor_gets_what_the_services_write(db: Session, activate: bool) -> None:
    admin = _admin(db)
    db.commit()
    text = HEADER + ANA + BO + ("" if activate else KIM)  # KIM: a failed location check
    rows = check_file(db, io.StringIO(text), SETTINGS, activate=activate).rows
    reason = REASON if activate else None
    expected = [_snapshot(db, admin, u) for u in _one_at_a_time(db, admin, rows, reason, utcnow())]
    expected_counts = _row_counts(db)
    db.rollback()
    created = create_contributors(
        db, admin, rows, SETTINGS, activate_reason=reason, skill_reason="Imported."
    )
    got = [_snapshot(db, admin, u) for u in created]
    for before, after in zip(expected, got, strict=True):
        assert after == before
    assert _row_counts(db) == expected_counts  # and nothing anywhere else


def test_an_email_taken_since_the_check_refuses_the_import_by_line(db: Session) -> None:
    admin = _admin(db)
    rows = _rows(db, ANA + BO)
    make_user(db, email="bo@example.org")  # e.g. signed up between the check and the write
    with pytest.raises(ImportRefused) as refused:
        create_contributors(db, admin, rows, SETTINGS)
    assert [str(p) for p in refused.value.problems] == [
        "line 3: an account with bo@example.org already exists"
    ]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ContributorProfile)) == 0


def test_only_an_admin_imports(db: Session) -> None:
    requester = make_user(db, role=Role.REQUESTER, email="req@example.org")
    with pytest.raises(Exception, match="needs the role admin"):
        create_contributors(db, requester, _rows(db, ANA), SETTINGS)
