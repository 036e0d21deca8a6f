"""Bringing a workforce over: contributors created from a CSV (`labelpool contributors import`).

The columns and the checks of one row are in `bulk_import_rows` (no database). `check_file`
checks every row of a file, the e-mails against each other and against the database;
`create_contributors` then writes them all in the caller's transaction, batch by batch, with a
handful of bulk statements a batch whatever its size: the same rows the contributor services
write for one contributor who fills in the profile and submits it (account, profile, languages,
devices, the review checks the rules decide, state history, skills, events), and with an
activation reason the admin's decisions. A file with any bad row is refused before anything is
written; a row the database still refuses (an e-mail taken since the check) refuses the whole
import, by line.

Accounts get no usable password (`unusable_password_hash`): nobody can log in as an imported
contributor until an admin resets the password (`POST /users/{id}/password-reset`, or Reset
password on /admin/users). This also keeps an import of thousands fast, where Argon2 at
production cost takes 0.05-0.4 s a row. `write_invites` lists the created accounts for the
admin's mail merge, with that reset path.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from labelpool.accounts.actor import actor_of
from labelpool.accounts.models import User
from labelpool.accounts.passwords import unusable_password_hash
from labelpool.accounts.roles import Role
from labelpool.assessments.models import ContributorSkill
from labelpool.contributors.bulk_import_rows import (
    COLUMNS,
    DEFAULT_DOMAIN,
    DEFAULT_EXPERIENCE,
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    BadRow,
    CheckedFile,
    ContributorRow,
    RowProblem,
    activation_problem,
    parse_row,
    profile_facts,
    read_rows,
)
from labelpool.contributors.enums import CheckName, CheckStatus, ContributorState
from labelpool.contributors.models import (
    AccountStateChange,
    ContributorDevice,
    ContributorLanguage,
    ContributorProfile,
    VerificationCheck,
)
from labelpool.contributors.review import (
    NOT_SUBMITTED,
    ProfileFacts,
    evaluate_rules,
    identity_decision,
    language_decision,
    profile_completeness,
)
from labelpool.contributors.settings import ReviewSettings
from labelpool.contributors.state_changes import REVIEW_LINK
from labelpool.db.types import utcnow
from labelpool.errors import InvalidInput, LabelpoolError
from labelpool.events import Action
from labelpool.events.emit import Event, emit_many
from labelpool.jobs.models import OutboxJob
from labelpool.notifications.jobs import EMAIL_ATTEMPTS, SEND_EMAIL
from labelpool.notifications.models import Notification
from labelpool.policy.organizations import PlatformPolicy
from labelpool.policy.rules import authorize

__all__ = [
    "COLUMNS",
    "DEFAULT_DOMAIN",
    "DEFAULT_EXPERIENCE",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "BadRow",
    "CheckedFile",
    "ContributorRow",
    "ImportRefused",
    "RowProblem",
    "activation_problem",
    "check_file",
    "check_path",
    "create_contributors",
    "parse_row",
    "read_rows",
    "write_invites",
]

#: Rows written per batch: each batch is ~12 statements, whatever the number of rows.
BATCH = 1000
_LOOKUP_CHUNK = 500
INVITE_COLUMNS = ("email", "name", "user_id", "state", "password_reset", "note")


class ImportRefused(InvalidInput):
    """The file has bad rows (`problems`); nothing was written."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        super().__init__(
            f"{len(problems)} problem(s) in the file; nothing was imported.",
            details={"problems": [str(p) for p in problems]},
        )
        self.problems = list(problems)


class SkillSetter(Protocol):
    """`assessments.qualifications.set_skill_level`, for callers that want skills set through
    that service one at a time (slower) instead of written in bulk here."""

    def __call__(
        self, db: Session, admin: User, user_id: int, skill_key: str, level: int, reason: str = ""
    ) -> object: ...


# --- the whole file -------------------------------------------------------------------------


def _taken(db: Session, emails: Sequence[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(emails), _LOOKUP_CHUNK):
        chunk = emails[start : start + _LOOKUP_CHUNK]
        taken.update(db.scalars(select(User.email).where(User.email.in_(chunk))))
    return taken


def check_file(
    db: Session,
    lines: Iterable[str],
    settings: ReviewSettings,
    *,
    activate: bool = False,
    progress: Callable[[int], None] | None = None,
) -> CheckedFile:
    """Check every row: each alone (`parse_row`), the e-mails against each other and against
    existing accounts, and with `activate` the review rules each contributor must pass."""
    checked = CheckedFile()
    first_line: dict[str, int] = {}
    for n, item in enumerate(read_rows(lines), start=1):
        if progress is not None and n % 100 == 0:
            progress(n)
        if isinstance(item, RowProblem):
            checked.problems.append(item)
            continue
        line, values = item
        try:
            row = parse_row(values, line)
        except BadRow as bad:
            checked.problems.extend(RowProblem(line, p) for p in bad.problems)
            continue
        if row.email in first_line:
            checked.problems.append(
                RowProblem(line, f"e-mail {row.email} is also on line {first_line[row.email]}")
            )
            continue
        first_line[row.email] = line
        if activate and (problem := activation_problem(row, settings)):
            checked.problems.append(RowProblem(line, problem))
            continue
        checked.rows.append(row)
    for email in sorted(_taken(db, list(first_line)), key=first_line.__getitem__):
        checked.problems.append(
            RowProblem(first_line[email], f"an account with {email} already exists")
        )
    checked.problems.sort(key=lambda p: p.line)
    if checked.problems:
        checked.rows = []
    return checked


def check_path(
    db: Session,
    path: Path,
    settings: ReviewSettings,
    *,
    activate: bool = False,
    progress: Callable[[int], None] | None = None,
) -> CheckedFile:
    try:
        with path.open(encoding="utf-8-sig", newline="") as lines:
            return check_file(db, lines, settings, activate=activate, progress=progress)
    except UnicodeDecodeError as exc:
        return CheckedFile(problems=[RowProblem(1, f"the file is not UTF-8 text ({exc.reason})")])


# --- what one contributor gets (no database) ------------------------------------------------


@dataclass
class _Check:
    """A review check as `checks.ensure_checks` creates it, then decided as `checks._set` does."""

    name: CheckName
    status: CheckStatus = CheckStatus.PENDING
    reason: str = NOT_SUBMITTED.say()
    decided_by_id: int | None = None
    decided_at: datetime | None = None

    def set(self, status: CheckStatus, reason: str, actor_id: int | None, now: datetime) -> bool:
        changed = (self.status, self.reason, self.decided_by_id) != (status, reason, actor_id)
        if changed:
            self.status, self.reason, self.decided_by_id, self.decided_at = (
                status,
                reason,
                actor_id,
                now,
            )
        return changed


def _rules_run(facts: ProfileFacts, settings: ReviewSettings, now: datetime) -> list[_Check]:
    """The checks after `decisions.run_rules` on a new, submitted profile: the rules decide
    profile, location and device; language is claimed (needs review); identity has no
    document, so it stays open and the system never activates an imported account itself."""
    checks = {name: _Check(name) for name in CheckName}
    for name, decision in evaluate_rules(facts, settings).items():
        checks[name].set(decision.status, decision.reason, None, now)
    language = language_decision(facts)
    checks[CheckName.LANGUAGE_VERIFIED].set(language.status, language.reason, None, now)
    identity = identity_decision(False)
    checks[CheckName.IDENTITY_VERIFIED].set(identity.status, identity.reason, None, now)
    return [checks[name] for name in CheckName]


@dataclass
class _Plan:
    """Every row a batch writes besides the users and profiles (which come first, for ids)."""

    languages: list[dict[str, Any]]
    devices: list[dict[str, Any]]
    checks: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    skills: list[dict[str, Any]]
    events: list[Event]


def _plan(
    rows: Sequence[ContributorRow],
    user_ids: Sequence[int],
    profile_ids: Sequence[int],
    admin_id: int,
    settings: ReviewSettings,
    now: datetime,
    reason: str,
    skill_reason: str | None,
) -> _Plan:
    """What `update_profile`, `submit_application`, the skills and (with `reason`) the admin's
    check decisions and `change_state` to active write for each new contributor, in order.
    `skill_reason` None: the skills are left to a `SkillSetter`."""
    plan = _Plan([], [], [], [], [], [])
    started = ContributorState.APPLIED
    for row, user_id, profile_id in zip(rows, user_ids, profile_ids, strict=True):
        facts = profile_facts(row)
        if not profile_completeness(facts).complete:  # parse_row asks for every part
            missing = " ".join(profile_completeness(facts).missing)
            raise ImportRefused([RowProblem(row.line, f"the profile is incomplete: {missing}")])
        events = plan.events
        events.append(
            Event(
                Action.USER_CREATED,
                "user",
                user_id,
                actor_id=admin_id,
                details={"role": Role.CONTRIBUTOR.value, "imported": True},
            )
        )
        plan.languages.extend(
            {"profile_id": profile_id, "language": code, "proficiency": level}
            for code, level in row.profile.languages
        )
        plan.devices.extend(
            {"profile_id": profile_id, "kind": kind, "os": os}
            for kind, os in dict.fromkeys(row.profile.devices)
        )
        events.append(Event(Action.CONTRIBUTOR_PROFILE_UPDATED, "user", user_id, actor_id=user_id))
        moves: list[tuple[ContributorState | None, ContributorState, int, str]] = [
            (None, started, user_id, "Started the application."),
            (started, ContributorState.UNDER_REVIEW, user_id, "Submitted the application."),
        ]
        checks = _rules_run(facts, settings, now)
        if reason:
            moves.append((ContributorState.UNDER_REVIEW, ContributorState.ACTIVE, admin_id, reason))
        for before, after, actor, why in moves[1:2]:
            events.append(_state_event(user_id, before, after, actor, why))
        events.append(
            Event(
                Action.CONTRIBUTOR_RULES_RUN,
                "user",
                user_id,
                details={c.name.value: c.status.value for c in checks},
            )
        )
        if skill_reason is not None:
            for key, level in row.skills:
                plan.skills.append(
                    {
                        "user_id": user_id,
                        "skill_key": key,
                        "level": level,
                        "source": "manual",
                        "source_attempt_id": None,
                        "updated_by": admin_id,
                        "updated_at": now,
                    }
                )
                events.append(
                    Event(
                        Action.SKILL_SET,
                        "user",
                        user_id,
                        actor_id=admin_id,
                        reason=skill_reason.strip()[:1000] or None,
                        details={"skill": key, "from": None, "to": level},
                    )
                )
        if reason:
            for check in checks:
                if check.status != CheckStatus.PASSED:
                    check.set(CheckStatus.PASSED, reason, admin_id, now)
                    events.append(
                        Event(
                            Action.CONTRIBUTOR_CHECK_DECIDED,
                            "user",
                            user_id,
                            actor_id=admin_id,
                            reason=reason,
                            details={"check": check.name.value, "status": "passed"},
                        )
                    )
            for before, after, actor, why in moves[2:]:
                events.append(_state_event(user_id, before, after, actor, why))
        plan.checks.extend(
            {
                "user_id": user_id,
                "name": c.name,
                "status": c.status,
                "reason": c.reason,
                "decided_by_id": c.decided_by_id,
                "decided_at": c.decided_at,
            }
            for c in checks
        )
        plan.changes.extend(
            {
                "user_id": user_id,
                "from_state": before,
                "to_state": after,
                "actor_id": actor,
                "reason": why,
                "details": {},
                "created_at": now,
            }
            for before, after, actor, why in moves
        )
    return plan


def _state_event(
    user_id: int,
    before: ContributorState | None,
    after: ContributorState,
    actor_id: int,
    reason: str,
) -> Event:
    """The event `state_changes._move` emits."""
    return Event(
        Action.CONTRIBUTOR_STATE_CHANGED,
        "user",
        user_id,
        actor_id=actor_id,
        reason=reason,
        details={"from": before.value if before else None, "to": after.value},
    )


# --- writing --------------------------------------------------------------------------------


def _insert_users(db: Session, rows: Sequence[ContributorRow], now: datetime) -> list[int]:
    """The accounts, as `accounts.create_user(password=None)` makes them; an e-mail taken
    since the check refuses the import, naming its line."""
    values = [
        {
            "email": row.email,
            "display_name": row.name[:200],
            "password_hash": unusable_password_hash(),
            "role": Role.CONTRIBUTOR,
            "password_changed_at": now,
        }
        for row in rows
    ]
    # Mapped back by e-mail (unique), so no reliance on RETURNING's order.
    statement = insert(User).execution_options(render_nulls=True).returning(User.id, User.email)
    try:
        with db.begin_nested():
            ids = {email: user_id for user_id, email in db.execute(statement, values)}
            return [ids[row.email] for row in rows]
    except IntegrityError:
        taken = _taken(db, [row.email for row in rows])
        if not taken:
            raise
        raise ImportRefused(
            [
                RowProblem(row.line, f"an account with {row.email} already exists")
                for row in rows
                if row.email in taken
            ]
        ) from None


def _insert_profiles(
    db: Session,
    rows: Sequence[ContributorRow],
    user_ids: Sequence[int],
    state: ContributorState,
    now: datetime,
) -> list[int]:
    values = [
        {
            "user_id": user_id,
            "state": state,
            "country": row.profile.country,
            "primary_domain": row.profile.primary_domain,
            "secondary_skills": list(row.profile.secondary_skills),
            "experience": row.profile.experience,
            "headphones": row.profile.headphones,
            "microphone": row.profile.microphone,
            "weekly_hours": row.profile.weekly_hours,
            "time_zone": row.profile.time_zone,
            "submitted_at": now,
            "updated_at": now,
        }
        for row, user_id in zip(rows, user_ids, strict=True)
    ]
    statement = (
        insert(ContributorProfile)
        .execution_options(render_nulls=True)
        .returning(ContributorProfile.id, ContributorProfile.user_id)
    )
    ids = {user_id: profile_id for profile_id, user_id in db.execute(statement, values)}
    return [ids[user_id] for user_id in user_ids]


def _insert_rows(db: Session, model: type[Any], values: Sequence[dict[str, Any]]) -> None:
    """A Core bulk insert: one executemany (every dict names the same columns). The ORM's
    bulk insert costs more a row and starts a new statement wherever a None appears or
    disappears."""
    if values:
        db.execute(insert(cast(Table, model.__table__)), values)


def _notify_active(db: Session, user_ids: Sequence[int], reason: str) -> None:
    """What `change_state` to active tells each contributor: `notifications.notify`'s rows
    (the notification and its e-mail job), in two statements instead of two a row."""
    values = [
        {
            "user_id": user_id,
            "kind": "account.active",
            "title": "Your account is active",
            "body": reason,
            "link": REVIEW_LINK,
        }
        for user_id in user_ids
    ]
    statement = (
        insert(Notification)
        .execution_options(render_nulls=True)
        .returning(Notification.id, Notification.user_id)
    )
    ids = {user_id: note_id for note_id, user_id in db.execute(statement, values)}
    now = utcnow()
    jobs = [
        {
            "handler": SEND_EMAIL,
            "payload": {"notification_id": ids[user_id]},
            "run_after": now,
            "max_attempts": EMAIL_ATTEMPTS,
        }
        for user_id in user_ids
    ]
    _insert_rows(db, OutboxJob, jobs)


def _set_skills(
    db: Session,
    admin: User,
    rows: Sequence[ContributorRow],
    user_ids: Sequence[int],
    set_skill: SkillSetter,
    reason: str,
) -> None:
    for row, user_id in zip(rows, user_ids, strict=True):
        try:
            for key, level in row.skills:
                set_skill(db, admin, user_id, key, level, reason)
        except LabelpoolError as exc:
            raise ImportRefused([RowProblem(row.line, exc.message)]) from exc


def _write_batch(
    db: Session,
    admin: User,
    rows: Sequence[ContributorRow],
    settings: ReviewSettings,
    *,
    now: datetime,
    reason: str,
    skill_reason: str,
    set_skill: SkillSetter | None,
) -> list[int]:
    user_ids = _insert_users(db, rows, now)
    state = ContributorState.ACTIVE if reason else ContributorState.UNDER_REVIEW
    profile_ids = _insert_profiles(db, rows, user_ids, state, now)
    bulk_skills = skill_reason if set_skill is None else None
    plan = _plan(rows, user_ids, profile_ids, admin.id, settings, now, reason, bulk_skills)
    for model, values in (
        (ContributorLanguage, plan.languages),
        (ContributorDevice, plan.devices),
        (VerificationCheck, plan.checks),
        (AccountStateChange, plan.changes),
        (ContributorSkill, plan.skills),
    ):
        _insert_rows(db, model, values)
    emit_many(db, plan.events)
    if set_skill is not None:
        _set_skills(db, admin, rows, user_ids, set_skill, skill_reason)
    if reason:
        _notify_active(db, user_ids, reason)
    return user_ids


def create_contributors(
    db: Session,
    admin: User,
    rows: Sequence[ContributorRow],
    settings: ReviewSettings,
    *,
    set_skill: SkillSetter | None = None,
    activate_reason: str | None = None,
    skill_reason: str = "Imported.",
    progress: Callable[[int], None] | None = None,
) -> list[User]:
    """Create the checked contributors in the caller's transaction: account, profile,
    submitted application, skills; with `activate_reason`, the admin passes the open checks
    and activates each account with that reason. Returns the accounts, in the rows' order.

    `admin` must be a platform admin. A row the database or `set_skill` refuses raises
    `ImportRefused` naming its line; the caller's transaction must then roll back (nothing is
    half-created).
    """
    reason = (activate_reason or "").strip()
    if activate_reason is not None and not reason:
        raise InvalidInput("Give a reason for the activation.", details={"field": "reason"})
    if not rows:
        return []
    authorize(actor_of(db, admin), PlatformPolicy.administer("Importing contributors"))
    now = utcnow()
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        ids += _write_batch(
            db,
            admin,
            batch,
            settings,
            now=now,
            reason=reason,
            skill_reason=skill_reason,
            set_skill=set_skill,
        )
        if progress is not None:
            progress(start + len(batch))
    found: dict[int, User] = {}
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found.update((u.id, u) for u in db.scalars(select(User).where(User.id.in_(chunk))))
    return [found[i] for i in ids]


def write_invites(path: Path, users: Iterable[User], *, active: bool) -> int:
    """The created accounts as a CSV for the admin's mail merge (`INVITE_COLUMNS`): each has no
    password yet; the admin's reset (`password_reset`, the API path) gives one to send."""
    state = "active" if active else "under review"
    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(INVITE_COLUMNS)
        for user in users:
            writer.writerow(
                [
                    user.email,
                    user.display_name,
                    user.id,
                    state,
                    f"/api/v1/users/{user.id}/password-reset",
                    "No password yet: an admin sets one (POST the password_reset path, or "
                    "Reset password on /admin/users) and sends it; the contributor logs in "
                    "with it and changes it.",
                ]
            )
            count += 1
    return count
