"""Contributors from a CSV: one row checked alone (no database), the whole file checked, then
written through the services (both databases)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.passwords import verify_password
from labelpool.accounts.roles import Role
from labelpool.assessments.models import ContributorSkill
from labelpool.assessments.qualifications import set_skill_level
from labelpool.audit.models import AuditEvent
from labelpool.contributors import bulk_import
from labelpool.contributors.bulk_import import (
    DEFAULT_EXPERIENCE,
    BadRow,
    ImportRefused,
    check_file,
    create_contributors,
    parse_row,
)
from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    OperatingSystem,
    Proficiency,
)
from labelpool.contributors.models import AccountStateChange
from labelpool.contributors.review import MIN_EXPERIENCE_CHARS
from labelpool.contributors.service import checks_of, get_profile, is_active
from labelpool.contributors.settings import ReviewSettings
from labelpool.errors import InvalidInput
from labelpool.events import Action
from tests.factories import make_user

SETTINGS = ReviewSettings(review_blocked_countries=["KP"])
HEADER = "email,name,country,languages,skills,devices,weekly_hours,time_zone\n"
ANA = "ana@example.org,Ana Souza,BR,pt:native;en:fluent,grammar:80;audio:60,laptop:windows;phone,20,America/Sao_Paulo\n"  # noqa: E501
BO = "Bo@Example.org,Bo Chen,SG,zh:native,,desktop:linux,35,Asia/Singapore\n"
REASON = "Moved over from our previous tool; vetted there."


def _values(**changes: str) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        "email": "ana@example.org",
        "name": "Ana Souza",
        "country": "br",
        "languages": "pt:native; en:Fluent",
        "skills": "grammar:80;audio:60",
        "devices": "laptop:windows;phone",
        "weekly_hours": "20",
        "time_zone": "America/Sao_Paulo",
    }
    values.update(changes)
    return values


def _problems(**changes: str) -> list[str]:
    with pytest.raises(BadRow) as bad:
        parse_row(_values(**changes), 7)
    return bad.value.problems


def _check(db: Session, text: str, *, activate: bool = False) -> bulk_import.CheckedFile:
    return check_file(db, io.StringIO(text), SETTINGS, activate=activate)


def _users(db: Session) -> int:
    query = select(func.count()).select_from(User).where(User.role == Role.CONTRIBUTOR)
    return db.scalar(query) or 0


def _admin(db: Session) -> User:
    return make_user(db, role=Role.ADMIN, email="admin@example.org")


# --- one row ----------------------------------------------------------------------------


def test_a_good_row_becomes_the_profile_the_services_take() -> None:
    row = parse_row(_values(), 2)
    assert (row.line, row.email, row.name) == (2, "ana@example.org", "Ana Souza")
    assert row.profile.country == "BR"
    assert row.profile.languages == (("pt", Proficiency.NATIVE), ("en", Proficiency.FLUENT))
    assert row.profile.devices == (
        (DeviceKind.LAPTOP, OperatingSystem.WINDOWS),
        (DeviceKind.PHONE, OperatingSystem.OTHER),
    )
    assert (row.profile.weekly_hours, row.profile.time_zone) == (20, "America/Sao_Paulo")
    assert row.profile.primary_domain == "general"
    assert len(DEFAULT_EXPERIENCE) >= MIN_EXPERIENCE_CHARS
    assert row.skills == (("grammar", 80), ("audio", 60))


def test_optional_columns_and_empty_skills() -> None:
    row = parse_row(
        _values(skills="", primary_domain="translation", experience="x" * MIN_EXPERIENCE_CHARS), 3
    )
    assert row.skills == ()
    assert row.profile.primary_domain == "translation"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"country": "XX"}, "country 'XX' is not an ISO country code (e.g. DE, BR)"),
        ({"email": "ana.example.org"}, "e-mail 'ana.example.org' is not an e-mail address"),
        ({"name": " "}, "name is empty"),
        (
            {"languages": "pt:native;en:good"},
            "language 'en' has 'good'; use one of native, fluent, advanced, intermediate, basic",
        ),
        ({"languages": "pt"}, "language 'pt' has no proficiency; use one of native, fluent"),
        ({"languages": "xx:native"}, "language 'xx' is not an ISO 639-1 language code"),
        ({"languages": "pt:native;pt:basic"}, "each language once; repeated: pt"),
        ({"skills": "grammar:101"}, "skill 'grammar' has level '101'; use a whole number"),
        ({"skills": "9lives:10"}, "skill '9lives' is not a skill key"),
        ({"skills": "audio:1;audio:2"}, "each skill once; repeated: audio"),
        ({"devices": "toaster"}, "device 'toaster' is not a device kind; use one of desktop"),
        ({"devices": "phone:windows"}, "a phone does not run 'windows'; use one of android, ios"),
        ({"devices": "phone;phone:other"}, "each device once; repeated: phone:other"),
        ({"weekly_hours": "lots"}, "weekly hours 'lots' is not a whole number"),
        ({"weekly_hours": "81"}, "weekly hours 81 is not from 1 to 80"),
        ({"time_zone": "Mars/Olympus"}, "time zone 'Mars/Olympus' is not an IANA time zone"),
        ({"primary_domain": "cooking"}, "primary domain 'cooking' is not one of general"),
        ({"experience": "short"}, "experience is 5 characters long; at least 50"),
    ],
)
def test_a_bad_value_is_named(changes: dict[str, str], problem: str) -> None:
    problems = _problems(**changes)
    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_every_problem_of_a_row_is_named() -> None:
    assert _problems(country="XX", weekly_hours="0", time_zone="") == [
        "time_zone is empty",
        "country 'XX' is not an ISO country code (e.g. DE, BR)",
        "weekly hours 0 is not from 1 to 80",
    ]


# --- the file ---------------------------------------------------------------------------


def test_bad_rows_are_reported_by_line_and_nothing_is_created(db: Session) -> None:
    admin = _admin(db)
    text = (
        HEADER
        + ANA
        + BO.replace(",SG,", ",XX,")
        + "\n"  # a blank line is skipped, but counted
        + 'cy@example.org,"Cy\nDoe",DE,de:native,,laptop,10,Europe/Berlin\n'
        + "dee@example.org,Dee,DE,de:native,,laptop,ten,Europe/Berlin\n"
        + "eve@example.org,Eve,DE,de:native,,laptop,10,Europe/Berlin,extra\n"
    )
    checked = _check(db, text)
    assert [str(p) for p in checked.problems] == [
        "line 3: country 'XX' is not an ISO country code (e.g. DE, BR)",
        "line 7: weekly hours 'ten' is not a whole number",
        "line 8: 9 values but the header names 8 columns",
    ]
    assert not checked.ok and checked.rows == []
    with pytest.raises(InvalidInput):
        raise ImportRefused(checked.problems)
    assert create_contributors(db, admin, checked.rows, SETTINGS, set_skill=set_skill_level) == []
    assert _users(db) == 0


def test_the_header_is_checked(db: Session) -> None:
    (problem,) = _check(db, "email,name,langauges\n" + ANA).problems
    assert str(problem).startswith(
        "line 1: missing column(s) country, languages, devices, weekly_hours, time_zone; "
        "unknown column(s) 'langauges'; the columns are email, name,"
    )
    assert [str(p) for p in _check(db, "").problems] == [
        "line 1: the file is empty; the first line names the columns"
    ]


def test_duplicate_emails_in_the_file_and_in_the_database(db: Session) -> None:
    make_user(db, email="bo@example.org")
    text = HEADER + ANA + BO + ANA.replace("Ana Souza", "Ana S.").replace("ana@", "ANA@")
    assert [str(p) for p in _check(db, text).problems] == [
        "line 3: an account with bo@example.org already exists",
        "line 4: e-mail ana@example.org is also on line 2",
    ]


def test_activation_needs_the_review_rules_to_pass(db: Session) -> None:
    text = HEADER + ANA + BO.replace(",SG,", ",KP,")
    assert _check(db, text).ok  # without --activate they are created, and stay under review
    (problem,) = _check(db, text, activate=True).problems
    assert str(problem).startswith("line 3: cannot be activated (location eligible: ")


# --- writing ----------------------------------------------------------------------------


def test_a_good_file_creates_contributors_under_review(db: Session) -> None:
    admin = _admin(db)
    checked = _check(db, HEADER + ANA + BO)
    created = create_contributors(
        db, admin, checked.rows, SETTINGS, set_skill=set_skill_level, skill_reason="From X."
    )
    db.commit()
    ana, bo = created
    assert (bo.email, bo.display_name, bo.role) == ("bo@example.org", "Bo Chen", Role.CONTRIBUTOR)
    assert not verify_password(ana.password_hash, "")  # no log-in until an admin resets it
    profile = get_profile(db, ana.id)
    assert profile is not None and profile.state == ContributorState.UNDER_REVIEW
    assert profile.submitted_at is not None
    assert [(lang.language, lang.proficiency) for lang in profile.languages] == [
        ("pt", Proficiency.NATIVE),
        ("en", Proficiency.FLUENT),
    ]
    assert {(d.kind, d.os) for d in profile.devices} == {
        (DeviceKind.LAPTOP, OperatingSystem.WINDOWS),
        (DeviceKind.PHONE, OperatingSystem.OTHER),
    }
    assert (profile.country, profile.weekly_hours, profile.time_zone) == (
        "BR",
        20,
        "America/Sao_Paulo",
    )
    skills = db.scalars(select(ContributorSkill).where(ContributorSkill.user_id == ana.id))
    assert {(s.skill_key, s.level, s.source, s.updated_by) for s in skills} == {
        ("grammar", 80, "manual", admin.id),
        ("audio", 60, "manual", admin.id),
    }
    assert not is_active(db, ana.id) and not is_active(db, bo.id)
    created_by = db.scalar(
        select(AuditEvent.actor_id).where(
            AuditEvent.action == Action.USER_CREATED.value, AuditEvent.target_id == ana.id
        )
    )
    assert created_by == admin.id


def test_activate_records_the_admins_decision_with_the_reason(db: Session) -> None:
    admin = _admin(db)
    checked = _check(db, HEADER + ANA + BO, activate=True)
    created = create_contributors(
        db, admin, checked.rows, SETTINGS, set_skill=set_skill_level, activate_reason=REASON
    )
    db.commit()
    for user in created:
        assert is_active(db, user.id)
        assert {c.name: c.status for c in checks_of(db, user.id)} == {
            name: CheckStatus.PASSED for name in CheckName
        }
        last = db.scalars(
            select(AccountStateChange)
            .where(AccountStateChange.user_id == user.id)
            .order_by(AccountStateChange.id.desc())
        ).first()
        assert last is not None
        assert (last.from_state, last.to_state, last.actor_id, last.reason) == (
            ContributorState.UNDER_REVIEW,
            ContributorState.ACTIVE,
            admin.id,
            REASON,
        )
        audit = db.scalars(
            select(AuditEvent).where(
                AuditEvent.target_type == "user",
                AuditEvent.target_id == user.id,
                AuditEvent.action == Action.CONTRIBUTOR_STATE_CHANGED.value,
            )
        ).all()
        assert [(a.actor_id, a.reason, a.details["to"]) for a in audit][-1] == (
            admin.id,
            REASON,
            "active",
        )
        decided = db.scalars(
            select(AuditEvent.details).where(
                AuditEvent.target_id == user.id,
                AuditEvent.action == Action.CONTRIBUTOR_CHECK_DECIDED.value,
                AuditEvent.actor_id == admin.id,
            )
        ).all()
        assert {d["check"] for d in decided} >= {"identity_verified", "language_verified"}


def test_activation_needs_a_reason(db: Session) -> None:
    admin = _admin(db)
    rows = _check(db, HEADER + ANA).rows
    with pytest.raises(InvalidInput, match="reason"):
        create_contributors(
            db, admin, rows, SETTINGS, set_skill=set_skill_level, activate_reason="  "
        )


def test_a_service_refusing_a_row_names_its_line_and_the_transaction_keeps_nothing(
    db: Session,
) -> None:
    admin = _admin(db)
    rows = _check(db, HEADER + BO + ANA).rows

    def refuse(
        db: Session, admin: User, user_id: int, skill_key: str, level: int, reason: str = ""
    ) -> object:
        raise InvalidInput(f"no skill {skill_key} here")

    with pytest.raises(ImportRefused) as refused:
        create_contributors(db, admin, rows, SETTINGS, set_skill=refuse)
    assert [str(p) for p in refused.value.problems] == ["line 3: no skill grammar here"]
    db.rollback()
    assert _users(db) == 0
