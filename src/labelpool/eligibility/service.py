"""Eligibility: a project's requirements (load, save with an event), a contributor's facts
(read in a few queries), the explainer, and the contributor's work list.

`unmet_rules(db, user, project)` is what a claim asks (inside its transaction): an empty list
means the contributor may work on the project now. The work list also asks the work package,
through `register_holdback` (work sits above eligibility), whether its limits hold an eligible
contributor back although items are open (`daily_limit`, `fair_share`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session

from labelpool.accounts.actor import actor_of
from labelpool.accounts.models import Organization, User
from labelpool.assessments.attempts import policy_of
from labelpool.assessments.models import (
    AssessmentTest,
    Attempt,
    AttemptPurpose,
    ContributorSkill,
    Qualification,
    RequiredRefresher,
    TestKind,
    TestStatus,
)
from labelpool.assessments.refreshers import can_claim_work
from labelpool.assessments.retake import AttemptRecord, RetakeState, retake_status
from labelpool.contributors.enums import ContributorState, DeviceKind, Proficiency
from labelpool.contributors.models import ContributorDevice, ContributorLanguage, ContributorProfile
from labelpool.db.types import utcnow
from labelpool.eligibility.rules import (
    ContributorFacts,
    Requirements,
    RuleResult,
    TestProgress,
    evaluate,
    unmet,
    when_text,
)
from labelpool.errors import InvalidInput
from labelpool.events import Action, emit
from labelpool.policy.eligibility import OPEN_TO_THE_CROWD, EligibilityPolicy
from labelpool.policy.rules import Rule, authorize, get_authorized
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.work.models import Assignment, AssignmentStatus, ProjectRequirements

# A contributor "works on" a project while holding a lease there or having answered within:
RECENT_WORK = timedelta(days=7)
# Open items are counted up to this many (the count stays cheap on projects of any size).
OPEN_COUNT_CAP = 1000
# The work list shows at most this many projects.
MAX_LISTED_PROJECTS = 500


# --- requirements ----------------------------------------------------------------------------


def requirements_of(db: Session, project_id: int) -> Requirements:
    """The project's requirements (none stored: no rule beyond the always-on ones)."""
    row = db.get(ProjectRequirements, project_id)
    return _parse(row.rules) if row is not None else Requirements()


def _parse(rules: dict[str, Any] | None) -> Requirements:
    try:
        return Requirements.model_validate(rules or {})
    except ValidationError:
        # Stored rules that no longer validate (a country code retired...): keep what parses.
        good = {}
        for key, value in (rules or {}).items():
            try:
                Requirements.model_validate({key: value})
            except ValidationError:
                continue
            good[key] = value
        return Requirements.model_validate(good)


def requirements_for(db: Session, project_ids: Sequence[int]) -> dict[int, Requirements]:
    if not project_ids:
        return {}
    rows = db.scalars(
        select(ProjectRequirements).where(ProjectRequirements.project_id.in_(list(project_ids)))
    )
    found = {row.project_id: _parse(row.rules) for row in rows}
    return {pid: found.get(pid, Requirements()) for pid in project_ids}


def read_requirements(db: Session, user: User, project: Project) -> Requirements:
    authorize(actor_of(db, user), EligibilityPolicy.view_requirements(project))
    return requirements_of(db, project.id)


def diff(before: Requirements, after: Requirements) -> dict[str, dict[str, Any]]:
    """{rule: {"from": old, "to": new}} for every rule that changed (JSON values)."""
    old = before.model_dump(mode="json")
    new = after.model_dump(mode="json")
    return {key: {"from": old[key], "to": new[key]} for key in new if old.get(key) != new[key]}


def save_requirements(
    db: Session, user: User, project: Project, requirements: Requirements
) -> tuple[Requirements, dict[str, dict[str, Any]]]:
    """Replace the project's requirements; a change emits `project.requirements_changed` with
    the diff. Returns the requirements and the diff (empty: nothing changed, nothing logged)."""
    authorize(actor_of(db, user), EligibilityPolicy.edit_requirements(project))
    _check_tests(db, project, requirements.tests)
    row = db.get(ProjectRequirements, project.id)
    before = _parse(row.rules) if row is not None else Requirements()
    changes = diff(before, requirements)
    if not changes:
        return before, {}
    if row is None:
        row = ProjectRequirements(project_id=project.id)
        db.add(row)
    row.rules = requirements.model_dump(mode="json")
    row.updated_by = user.id
    row.updated_at = utcnow()
    db.flush()
    emit(
        db,
        Action.PROJECT_REQUIREMENTS_CHANGED,
        "project",
        project.id,
        actor_id=user.id,
        organization_id=project.organization_id,
        details={"changes": changes},
    )
    return requirements, changes


def _check_tests(db: Session, project: Project, test_ids: Sequence[int]) -> None:
    """Required tests must exist and be the project's organization's or platform-wide."""
    if not test_ids:
        return
    usable = set(
        db.scalars(
            select(AssessmentTest.id).where(
                AssessmentTest.id.in_(list(test_ids)),
                or_(
                    AssessmentTest.organization_id.is_(None),
                    AssessmentTest.organization_id == project.organization_id,
                ),
            )
        )
    )
    missing = [t for t in test_ids if t not in usable]
    if missing:
        raise InvalidInput(
            f"No test with id {', '.join(map(str, missing))} in this project's organization "
            "(or platform-wide).",
            details={"field": "tests"},
        )


# --- a contributor's facts -------------------------------------------------------------------


def _records(attempts: Iterable[Attempt]) -> list[AttemptRecord]:
    return [
        AttemptRecord(a.started_at, a.finished_at, a.passed)
        for a in attempts
        if a.purpose == AttemptPurpose.QUALIFY
    ]


def test_step(test: AssessmentTest, attempts: Sequence[Attempt], now: datetime) -> TestProgress:
    """The next step towards passing `test`, with the retake rules: "Take “Sentiment”:
    attempt 2 of 3 opens 3 Dec 14:00 UTC"."""
    title = f"“{test.title}”"
    href = f"/tests/{test.id}"
    if test.status != TestStatus.PUBLISHED:
        return TestProgress(test.id, test.title, f"{title} is not open for taking.", None, None)
    records = _records(attempts)
    status = retake_status(policy_of(test), records, now)
    used = sum(1 for r in records if r.finished_at is not None)
    of = f" of {test.max_attempts}" if test.max_attempts is not None else ""
    number = f"attempt {used + 1}{of}"
    if status.state == RetakeState.AVAILABLE:
        text = f"Take {title}: {number} is open now."
        return TestProgress(test.id, test.title, text, None, href)
    if status.state == RetakeState.COOLDOWN and status.next_attempt_at is not None:
        opens = status.next_attempt_at
        text = f"Take {title}: {number} opens {when_text(opens)}."
        return TestProgress(test.id, test.title, text, opens, href)
    if status.state == RetakeState.IN_PROGRESS:
        return TestProgress(test.id, test.title, f"Finish your attempt at {title}.", None, href)
    if status.state == RetakeState.LOCKED:
        text = f"{title} is locked for you: {status.reason}"
        return TestProgress(test.id, test.title, text, None, None)
    text = f"You passed {title}; the qualification will follow."
    return TestProgress(test.id, test.title, text, None, href)


def _test_progress(
    db: Session, user_id: int, tests: Sequence[AssessmentTest], now: datetime
) -> dict[int, TestProgress]:
    if not tests:
        return {}
    by_test: dict[int, list[Attempt]] = {t.id: [] for t in tests}
    for attempt in db.scalars(
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.test_id.in_(list(by_test)))
        .order_by(Attempt.started_at, Attempt.id)
    ):
        by_test[attempt.test_id].append(attempt)
    return {t.id: test_step(t, by_test[t.id], now) for t in tests}


# Every claim asks these two (built once).
PROFILE_FACTS = select(
    ContributorProfile.id,
    ContributorProfile.state,
    ContributorProfile.country,
    ContributorProfile.weekly_hours,
).where(ContributorProfile.user_id == bindparam("p_user"))
REFRESHERS_OWED = select(RequiredRefresher.project_id).where(
    RequiredRefresher.user_id == bindparam("p_user"), RequiredRefresher.cleared_at.is_(None)
)


def gather_facts(
    db: Session,
    user_id: int,
    requirements: Iterable[Requirements] = (),
    *,
    now: datetime | None = None,
) -> ContributorFacts:
    """What the rules need of a contributor, for the given projects' requirements at once.

    Only what some rule asks is read: a claim on a project without language, skill, test,
    device or project-count rules reads the profile's columns and the refreshers owed, no more.
    """
    now = now or utcnow()
    wanted = list(requirements)
    test_ids = sorted({t for r in wanted for t in r.tests})
    skill_keys = sorted({s.skill for r in wanted for s in r.skills})
    profile = db.execute(PROFILE_FACTS, {"p_user": user_id}).one_or_none()
    languages: dict[str, Proficiency] = {}
    if profile is not None and any(r.languages for r in wanted):
        languages = {
            language: proficiency
            for language, proficiency in db.execute(
                select(ContributorLanguage.language, ContributorLanguage.proficiency).where(
                    ContributorLanguage.profile_id == profile.id
                )
            )
        }
    devices: frozenset[DeviceKind] = frozenset()
    if profile is not None and any(r.devices for r in wanted):
        devices = frozenset(
            db.scalars(
                select(ContributorDevice.kind).where(ContributorDevice.profile_id == profile.id)
            )
        )
    skills: dict[str, int] = {}
    if skill_keys:
        skills = {
            key: level
            for key, level in db.execute(
                select(ContributorSkill.skill_key, ContributorSkill.level).where(
                    ContributorSkill.user_id == user_id
                )
            )
        }
    qualified: frozenset[int] = frozenset()
    tests: list[AssessmentTest] = []
    if test_ids:
        qualified = frozenset(
            db.scalars(select(Qualification.test_id).where(Qualification.user_id == user_id))
        )
        tests = list(db.scalars(select(AssessmentTest).where(AssessmentTest.id.in_(test_ids))))
    skill_tests = _skill_tests(db, skill_keys)
    progress = _test_progress(db, user_id, [*tests, *skill_tests.values()], now)
    active_projects: frozenset[int] = frozenset()
    if any(r.max_active_projects is not None for r in wanted):
        active_projects = _active_project_ids(db, user_id, now)
    owed_projects = sorted(set(db.scalars(REFRESHERS_OWED, {"p_user": user_id})))
    owed = {pid: can_claim_work(db, user_id, pid)[1] for pid in owed_projects}
    state = profile.state if profile is not None else None
    return ContributorFacts(
        user_id=user_id,
        active=state == ContributorState.ACTIVE,
        state_label=state.label if state is not None else "No application",
        country=profile.country if profile is not None else None,
        languages=languages,
        skills=skills,
        qualified_test_ids=qualified,
        devices=devices,
        weekly_hours=profile.weekly_hours if profile is not None else None,
        quality_score=None,  # the quality feature fills this hook
        active_project_ids=active_projects,
        refreshers_owed={pid: text for pid, text in owed.items() if text},
        tests={t.id: progress[t.id] for t in tests},
        skill_tests={key: progress[test.id] for key, test in skill_tests.items()},
    )


def works_on_now(now: datetime) -> ColumnElement[bool]:
    """An assignment that makes its holder "work on" its project (joined to `Project`): a live
    lease, or an answer within `RECENT_WORK`, on a project open to the crowd."""
    return and_(
        or_(
            Assignment.status == AssignmentStatus.LIVE,
            (Assignment.status == AssignmentStatus.SUBMITTED)
            & (Assignment.closed_at >= now - RECENT_WORK),
        ),
        Project.status.in_(list(OPEN_TO_THE_CROWD)),
    )


def _active_project_ids(db: Session, user_id: int, now: datetime) -> frozenset[int]:
    """Projects open to the crowd the contributor holds a lease on or answered recently."""
    return frozenset(
        db.scalars(
            select(Assignment.project_id)
            .join(Project, Project.id == Assignment.project_id)
            .where(Assignment.user_id == user_id, works_on_now(now))
            .distinct()
        )
    )


def _skill_tests(db: Session, skill_keys: Sequence[str]) -> dict[str, AssessmentTest]:
    """A published skill test per skill key (platform-wide first), where there is one."""
    if not skill_keys:
        return {}
    found: dict[str, AssessmentTest] = {}
    for test in db.scalars(
        select(AssessmentTest)
        .where(
            AssessmentTest.kind == TestKind.SKILL,
            AssessmentTest.status == TestStatus.PUBLISHED,
            AssessmentTest.skill_key.in_(list(skill_keys)),
        )
        .order_by(AssessmentTest.organization_id.is_not(None), AssessmentTest.id)
    ):
        if test.skill_key is not None:
            found.setdefault(test.skill_key, test)
    return found


# --- the explainer ---------------------------------------------------------------------------


def explain(
    db: Session, user: User, project: Project, *, now: datetime | None = None
) -> list[RuleResult]:
    """Every rule of the project, met or not, for `user` (no authorization: see the policy)."""
    requirements = requirements_of(db, project.id)
    facts = gather_facts(db, user.id, [requirements], now=now)
    return evaluate(requirements, facts, project_id=project.id)


def unmet_rules(
    db: Session, user: User, project: Project, *, now: datetime | None = None
) -> list[RuleResult]:
    """The rules `user` does not meet for `project` (empty: eligible)."""
    return unmet(explain(db, user, project, now=now))


# --- the work list ---------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkProject:
    project_id: int
    name: str
    organization: str
    status: ProjectStatus
    open_items: int = 0  # items the contributor can take now (counted up to OPEN_COUNT_CAP)
    open_items_capped: bool = False  # there are at least that many
    # no work right now: paused | leases_held | all_done | daily_limit | fair_share
    reason: str | None = None
    reason_text: str | None = None
    come_back_at: datetime | None = None  # the earliest live lease ends, a limit lifts...
    last_work_at: datetime | None = None  # when the latest item arrived
    unmet: list[RuleResult] = field(default_factory=list)


@dataclass(frozen=True)
class Holdback:
    """Why an eligible contributor gets no new item although items are open."""

    reason: str  # daily_limit | fair_share
    text: str  # with the numbers
    come_back_at: datetime | None = None


HoldbackCheck = Callable[[Session, User, Project, datetime], Holdback | None]
_HOLDBACKS: dict[str, HoldbackCheck] = {}


def register_holdback(name: str, check: HoldbackCheck) -> None:
    """Let a higher layer (the work package's limits) hold a contributor back in the list."""
    _HOLDBACKS[name] = check


def _held_back(db: Session, user: User, project: Project, now: datetime) -> Holdback | None:
    for check in _HOLDBACKS.values():
        if (found := check(db, user, project, now)) is not None:
            return found
    return None


@dataclass(frozen=True)
class WorkOverview:
    open: list[WorkProject]
    no_work: list[WorkProject]
    not_yet: list[WorkProject]
    contributor_active: bool


def my_work(db: Session, user: User, *, now: datetime | None = None) -> WorkOverview:
    """The contributor's projects: eligible with work open, eligible with none right now (and
    why), and not yet eligible (the unmet rules with their next steps)."""
    authorize(actor_of(db, user), EligibilityPolicy.list_work())
    now = now or utcnow()
    rows = list(
        db.execute(
            select(Project, Organization.name)
            .join(Organization, Organization.id == Project.organization_id)
            .where(Project.status.in_(list(OPEN_TO_THE_CROWD)))
            .order_by(Project.id)
            .limit(MAX_LISTED_PROJECTS)
        ).all()
    )
    requirements = requirements_for(db, [p.id for p, _ in rows])
    facts = gather_facts(db, user.id, requirements.values(), now=now)
    open_, no_work, not_yet = [], [], []
    for project, organization in rows:
        missing = unmet(evaluate(requirements[project.id], facts, project_id=project.id))
        base = WorkProject(project.id, project.name, organization, project.status)
        if missing:
            not_yet.append(replace(base, unmet=missing))
            continue
        last = _last_work_at(db, project.id)
        if project.status == ProjectStatus.PAUSED:
            no_work.append(
                replace(
                    base,
                    reason="paused",
                    reason_text="The project is paused: no new tasks until its requester "
                    "resumes it.",
                    last_work_at=last,
                )
            )
            continue
        count = open_items(db, project.id, user.id)
        if count and (held := _held_back(db, user, project, now)) is not None:
            no_work.append(
                replace(
                    base,
                    reason=held.reason,
                    reason_text=held.text,
                    come_back_at=held.come_back_at,
                    last_work_at=last,
                )
            )
            continue
        if count:
            open_.append(
                replace(
                    base,
                    open_items=count,
                    open_items_capped=count >= OPEN_COUNT_CAP,
                    last_work_at=last,
                )
            )
            continue
        no_work.append(_no_work(db, project.id, user.id, base, last, now))
    return WorkOverview(open_, no_work, not_yet, facts.active)


def open_items(db: Session, project_id: int, user_id: int) -> int:
    """Items of the project still in the pool (not filled, not withdrawn) that the contributor
    has never been assigned, counted up to OPEN_COUNT_CAP along the open-pool index."""
    mine = (
        select(Assignment.id)
        .where(Assignment.item_id == Item.id, Assignment.user_id == user_id)
        .exists()
    )
    candidates = (
        select(Item.id)
        .where(
            Item.project_id == project_id,
            Item.filled.is_(False),
            Item.withdrawn.is_(False),
            ~mine,
        )
        .limit(OPEN_COUNT_CAP)
        .subquery()
    )
    return int(db.scalar(select(func.count()).select_from(candidates)) or 0)


def _last_work_at(db: Session, project_id: int) -> datetime | None:
    return db.scalar(
        select(Item.created_at)
        .where(Item.project_id == project_id)
        .order_by(Item.id.desc())
        .limit(1)
    )


def _no_work(
    db: Session,
    project_id: int,
    user_id: int,
    base: WorkProject,
    last: datetime | None,
    now: datetime,
) -> WorkProject:
    earliest = db.scalar(
        select(func.min(Assignment.expires_at)).where(
            Assignment.project_id == project_id,
            Assignment.status == AssignmentStatus.LIVE,
            Assignment.user_id != user_id,
        )
    )
    if earliest is not None:
        text = "Other contributors hold the last tasks; the earliest lease ends " + (
            "now: ask for work again." if earliest <= now else f"{when_text(earliest)}."
        )
        return replace(
            base,
            reason="leases_held",
            reason_text=text,
            come_back_at=max(earliest, now),
            last_work_at=last,
        )
    return replace(
        base,
        reason="all_done",
        reason_text="All done: every task open to you has been answered. New items may arrive.",
        last_work_at=last,
    )


def require_project(
    db: Session, user: User, project_id: int, rule: Callable[[Project], Rule]
) -> Project:
    """The project if `rule` lets `user` through (NotFound, said as for a missing id, else)."""
    return get_authorized(db, user, Project, project_id, rule, "project")
