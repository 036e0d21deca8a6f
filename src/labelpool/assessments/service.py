"""Tests (assessments): building them, attempts, grading, qualifications and skill levels.

Requesters build tests for their organization's projects (admins also build platform-wide
skill tests). Who takes a test is decided in one place, `take_mode`: active contributors take
published tests for real; the test's own staff (its organization's requesters, reviewers and
admins) and platform admins only *preview* them (a preview grants nothing and is no attempt
under the retake rules); nobody else takes them. Correct answers and explanations leave
this module only through `feedback_for` (training mode, after the question is answered) and
the manager views; a contributor's view of an attempt (`AttemptView`) never carries them.

Time: every function takes `now` (tz-aware UTC) so tests can move the clock. An attempt left
open past its deadline is graded as submitted at the deadline, lazily whenever it is read or
a new one is started, and by `grade_expired_attempts` from a background job.

Services never commit.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from labelpool.accounts.models import Membership, Organization, User
from labelpool.accounts.service import slugify
from labelpool.assessments import refreshers
from labelpool.assessments.grading import (
    Grade,
    QuestionError,
    check_answer,
    check_question,
    grade,
    question_schema,
    score_answer,
    select_questions,
    skill_level,
)
from labelpool.assessments.models import (
    AssessmentTest,
    Attempt,
    AttemptAnswer,
    AttemptPurpose,
    AttemptStatus,
    ContributorSkill,
    Qualification,
    RequiredRefresher,
    TestKind,
    TestMode,
    TestQuestion,
    TestStatus,
)
from labelpool.assessments.retake import (
    AttemptRecord,
    RetakePolicy,
    RetakeState,
    RetakeStatus,
    retake_status,
)
from labelpool.catalog import TEMPLATES
from labelpool.catalog.model import TaskFamily
from labelpool.contributors import service as contributors
from labelpool.db.types import utcnow
from labelpool.enums import Role
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labelpool.events import Action, emit
from labelpool.guidelines.models import Guidelines, GuidelinesVersion
from labelpool.guidelines.sections import normalise_number
from labelpool.projects import access

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
SKILL_KEYS_SUGGESTED = ("reading", "attention_to_detail", "grammar", "categorisation")
MAX_TIME_LIMIT = 24 * 3600
MAX_COOLDOWN = 365 * 24 * 3600
SETTINGS = (
    "title",
    "description",
    "mode",
    "pass_mark",
    "time_limit_seconds",
    "shuffle",
    "subset_size",
    "cooldown_seconds",
    "max_attempts",
    "guidelines_id",
)
DRAFT_ONLY = ("kind", "skill_key", "project_id", "project_type", "qualification_key")


# --- access -------------------------------------------------------------------------------


def can_manage(db: Session, user: User, test: AssessmentTest) -> bool:
    if user.role == Role.ADMIN:
        return True
    if test.organization_id is None:
        return False
    return access.organization_role(db, user, test.organization_id) in access.MANAGE_ROLES


def _can_view(db: Session, user: User, test: AssessmentTest) -> bool:
    if user.role == Role.ADMIN:
        return True
    if test.organization_id is None:
        return False
    return access.organization_role(db, user, test.organization_id) in access.VIEW_ROLES


def test_for_manager(db: Session, user: User, test_id: int) -> AssessmentTest:
    """The test if `user` may change it; NotFound for other tenants, PermissionDenied for
    members who may only look."""
    test = db.get(AssessmentTest, test_id)
    if test is None or not _can_view(db, user, test):
        raise NotFound(f"No test with id {test_id}.")
    if not can_manage(db, user, test):
        raise PermissionDenied("Only the organization's requesters and admins can change tests.")
    return test


def test_for_taker(db: Session, user: User, test_id: int) -> AssessmentTest:
    """A published test (its managers also see drafts, to try them out)."""
    test = db.get(AssessmentTest, test_id)
    if test is None or (test.status != TestStatus.PUBLISHED and not _can_view(db, user, test)):
        raise NotFound(f"No test with id {test_id}.")
    return test


# --- who takes tests -------------------------------------------------------------------------


class TakeMode(StrEnum):
    QUALIFY = "qualify"  # an active contributor: counts for retakes, a pass grants
    PREVIEW = "preview"  # the test's own staff or a platform admin: grants nothing


NOT_A_TAKER = (
    "Tests are taken by contributors with an active account. Requesters, reviewers and "
    "admins of an organization can preview that organization's tests only; sign in with a "
    "contributor account to take this test."
)


@dataclass(frozen=True)
class TakerScope:
    """What one user may take: the rule every taker route goes through (see `take_mode`)."""

    platform_admin: bool
    contributor: bool
    staff_of: frozenset[int]  # organizations where the user is a requester, reviewer or admin

    def mode(self, test: AssessmentTest) -> TakeMode | None:
        """How this user may take `test` (ignoring account review), or None: not at all."""
        if self.platform_admin or (
            test.organization_id is not None and test.organization_id in self.staff_of
        ):
            return TakeMode.PREVIEW
        if self.contributor:
            return TakeMode.QUALIFY
        return None


def taker_scope(db: Session, user: User) -> TakerScope:
    return TakerScope(
        platform_admin=user.role == Role.ADMIN,
        contributor=user.role == Role.CONTRIBUTOR,
        staff_of=frozenset(access.visible_organization_ids(db, user)),
    )


def take_mode(db: Session, user: User, test: AssessmentTest) -> TakeMode:
    """How `user` may take `test`, or PermissionDenied saying what to do.

    Used by every way of taking a test (starting, refreshers, reading and answering an
    attempt, the list of tests), from the API and the pages alike.
    """
    mode = taker_scope(db, user).mode(test)
    if mode is None:
        raise PermissionDenied(NOT_A_TAKER, code="not_a_taker")
    if mode == TakeMode.QUALIFY:
        require_active_account(db, user)
    return mode


def may_take(db: Session, user: User, test: AssessmentTest) -> bool:
    try:
        take_mode(db, user, test)
    except PermissionDenied:
        return False
    return True


def _require_attempt_access(db: Session, user: User, attempt: Attempt) -> AssessmentTest:
    """The attempt's test, if `user` may still take it in the way the attempt was started."""
    test = db.get(AssessmentTest, attempt.test_id)
    if test is None:
        raise NotFound(f"No attempt with id {attempt.id}.")
    mode = take_mode(db, user, test)
    if mode == TakeMode.PREVIEW and attempt.purpose != AttemptPurpose.PREVIEW:
        raise PermissionDenied(
            "This attempt was not started as a preview, and as staff you can only preview "
            "tests; start a new preview from the test's page.",
            code="not_a_taker",
        )
    return test


def managed_tests(db: Session, user: User) -> list[AssessmentTest]:
    query = select(AssessmentTest).order_by(AssessmentTest.title, AssessmentTest.id)
    if user.role != Role.ADMIN:
        mine = select(Membership.organization_id).where(
            Membership.user_id == user.id, Membership.role.in_(access.VIEW_ROLES)
        )
        query = query.where(AssessmentTest.organization_id.in_(mine))
    return list(db.scalars(query))


# --- building tests -----------------------------------------------------------------------


def _key(value: str | None, field_name: str) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if not value:
        return None
    if not KEY_PATTERN.match(value):
        raise InvalidInput(
            f"'{value}' is not a valid key: use lower-case letters, digits, '_', '-' or '.', "
            "starting with a letter (at most 64 characters).",
            details={"field": field_name},
        )
    return value


def _check_settings(values: Mapping[str, Any]) -> None:
    pass_mark = values.get("pass_mark")
    if pass_mark is not None and not 1 <= pass_mark <= 100:
        raise InvalidInput(
            "The pass mark is a percentage from 1 to 100.", details={"field": "pass_mark"}
        )
    limit = values.get("time_limit_seconds")
    if limit is not None and not 30 <= limit <= MAX_TIME_LIMIT:
        raise InvalidInput(
            "The time limit must be from 30 seconds to 24 hours (or none).",
            details={"field": "time_limit_seconds"},
        )
    subset = values.get("subset_size")
    if subset is not None and subset < 1:
        raise InvalidInput(
            "The number of questions per attempt must be at least 1 (or none: all).",
            details={"field": "subset_size"},
        )
    cooldown = values.get("cooldown_seconds")
    if cooldown is not None and not 0 <= cooldown <= MAX_COOLDOWN:
        raise InvalidInput(
            "The cooldown must be from 0 (retake right away) to 365 days.",
            details={"field": "cooldown_seconds"},
        )
    max_attempts = values.get("max_attempts")
    if max_attempts is not None and not 1 <= max_attempts <= 1000:
        raise InvalidInput(
            "The maximum number of attempts must be from 1 to 1000 (or none: unlimited).",
            details={"field": "max_attempts"},
        )
    title = values.get("title")
    if title is not None and (not str(title).strip() or len(str(title)) > 200):
        raise InvalidInput("The title must be 1 to 200 characters.", details={"field": "title"})


def _check_guidelines(db: Session, organization_id: int | None, guidelines_id: int | None) -> None:
    if guidelines_id is None:
        return
    guidelines = db.get(Guidelines, guidelines_id)
    if guidelines is None or (
        organization_id is not None and guidelines.organization_id != organization_id
    ):
        raise InvalidInput(
            f"No guidelines with id {guidelines_id} in this organization.",
            details={"field": "guidelines_id"},
        )


def _check_target(
    db: Session,
    actor: User,
    organization_id: int | None,
    kind: TestKind,
    skill_key: str | None,
    project_id: int | None,
    project_type: str | None,
) -> None:
    if kind == TestKind.SKILL:
        if skill_key is None:
            raise InvalidInput(
                "A skill test needs the skill it measures, e.g. "
                f"{', '.join(SKILL_KEYS_SUGGESTED)}.",
                details={"field": "skill_key"},
            )
        if project_id is not None or project_type is not None:
            raise InvalidInput(
                "A skill test is general; make a qualification test for a project or type.",
                details={"field": "project_id"},
            )
        return
    if (project_id is None) == (project_type is None):
        raise InvalidInput(
            "A qualification test is for one project or for one project type; give exactly one.",
            details={"field": "project_id"},
        )
    if project_id is not None:
        project = access.project_for_manager(db, actor, project_id)
        if project.organization_id != organization_id:
            raise InvalidInput(
                "The project belongs to another organization.", details={"field": "project_id"}
            )
    elif project_type not in TEMPLATES and project_type not in {f.value for f in TaskFamily}:
        raise InvalidInput(
            f"'{project_type}' is not a project type: use a template key (e.g. text-sentiment) "
            f"or a task family ({', '.join(f.value for f in TaskFamily)}).",
            details={"field": "project_type"},
        )


def create_test(
    db: Session,
    actor: User,
    organization_id: int | None,
    *,
    title: str,
    kind: TestKind,
    description: str = "",
    skill_key: str | None = None,
    qualification_key: str | None = None,
    project_id: int | None = None,
    project_type: str | None = None,
    guidelines_id: int | None = None,
    mode: TestMode = TestMode.EXAM,
    pass_mark: int = 80,
    time_limit_seconds: int | None = None,
    shuffle: bool = False,
    subset_size: int | None = None,
    cooldown_seconds: int = 0,
    max_attempts: int | None = None,
) -> AssessmentTest:
    """A draft test. `organization_id` None makes a platform-wide test (admins only)."""
    if organization_id is None:
        if actor.role != Role.ADMIN:
            raise InvalidInput(
                "Choose the organization the test belongs to.",
                details={"field": "organization_id"},
            )
    elif db.get(Organization, organization_id) is None or (
        actor.role != Role.ADMIN
        and organization_id not in access.manageable_organization_ids(db, actor)
    ):
        raise NotFound(f"You cannot create tests in an organization with id {organization_id}.")
    skill = _key(skill_key, "skill_key")
    project_type = (project_type or "").strip() or None
    _check_settings(locals())
    _check_target(db, actor, organization_id, kind, skill, project_id, project_type)
    _check_guidelines(db, organization_id, guidelines_id)
    test = AssessmentTest(
        organization_id=organization_id,
        title=title.strip(),
        description=description.strip(),
        kind=kind,
        skill_key=skill,
        qualification_key=_key(qualification_key, "qualification_key") or "pending",
        project_id=project_id,
        project_type=project_type,
        guidelines_id=guidelines_id,
        mode=mode,
        status=TestStatus.DRAFT,
        pass_mark=pass_mark,
        time_limit_seconds=time_limit_seconds,
        shuffle=shuffle,
        subset_size=subset_size,
        cooldown_seconds=cooldown_seconds,
        max_attempts=max_attempts,
        created_by=actor.id,
    )
    db.add(test)
    db.flush()
    if test.qualification_key == "pending":
        test.qualification_key = f"{slugify(test.title)[:80]}-{test.id}"
    emit(
        db,
        Action.TEST_CREATED,
        "test",
        test.id,
        actor_id=actor.id,
        organization_id=organization_id,
        details={"kind": kind.value},
    )
    db.flush()
    return test


def update_test(
    db: Session, actor: User, test: AssessmentTest, changes: Mapping[str, Any]
) -> AssessmentTest:
    """Change settings; what a test qualifies for changes only while it is a draft."""
    unknown = set(changes) - set(SETTINGS) - set(DRAFT_ONLY)
    if unknown:
        raise InvalidInput(f"'{sorted(unknown)[0]}' cannot be changed here.")
    if set(changes) & set(DRAFT_ONLY) and test.status != TestStatus.DRAFT:
        raise Conflict(
            "What a test qualifies for is fixed once it is published; create a new test instead."
        )
    _check_settings(changes)
    values = {
        key: changes.get(key, getattr(test, key))
        for key in ("kind", "skill_key", "project_id", "project_type")
    }
    if "skill_key" in changes:
        values["skill_key"] = _key(changes["skill_key"], "skill_key")
    if set(changes) & set(DRAFT_ONLY):
        _check_target(
            db,
            actor,
            test.organization_id,
            TestKind(values["kind"]),
            values["skill_key"],
            values["project_id"],
            values["project_type"],
        )
    if "guidelines_id" in changes:
        _check_guidelines(db, test.organization_id, changes["guidelines_id"])
    if "subset_size" in changes and changes["subset_size"] is not None:
        _check_subset(db, test, changes["subset_size"], strict=test.status != TestStatus.DRAFT)
    for key, value in changes.items():
        if key == "qualification_key":
            value = _key(value, key) or test.qualification_key
        elif key == "skill_key":
            value = values["skill_key"]
        elif key in ("title", "description") and isinstance(value, str):
            value = value.strip()
        setattr(test, key, value)
    test.updated_at = utcnow()
    emit(
        db,
        Action.TEST_UPDATED,
        "test",
        test.id,
        actor_id=actor.id,
        organization_id=test.organization_id,
        details={"fields": sorted(changes)},
    )
    db.flush()
    return test


def _check_subset(db: Session, test: AssessmentTest, subset: int | None, *, strict: bool) -> None:
    if subset is None or not strict:
        return
    count = len(question_ids_of(db, test))
    if subset > count:
        raise InvalidInput(
            f"The test has {count} question(s); it cannot draw {subset} per attempt.",
            details={"field": "subset_size"},
        )


def set_status(
    db: Session, actor: User, test: AssessmentTest, status: TestStatus
) -> AssessmentTest:
    """draft → published ⇄ archived. Publishing needs questions (and enough for the subset)."""
    if status == test.status:
        raise Conflict(f"The test is already {status.value}.")
    if status == TestStatus.DRAFT:
        raise Conflict("A published test cannot go back to draft; archive it instead.")
    if status == TestStatus.PUBLISHED:
        if not question_ids_of(db, test):
            raise Conflict("Add at least one question before publishing the test.")
        _check_subset(db, test, test.subset_size, strict=True)
    previous = test.status
    test.status = status
    emit(
        db,
        Action.TEST_STATUS_CHANGED,
        "test",
        test.id,
        actor_id=actor.id,
        organization_id=test.organization_id,
        details={"from": previous.value, "to": status.value},
    )
    db.flush()
    return test


def question_ids_of(db: Session, test: AssessmentTest) -> list[int]:
    return list(
        db.scalars(
            select(TestQuestion.id)
            .where(TestQuestion.test_id == test.id)
            .order_by(TestQuestion.position, TestQuestion.id)
        )
    )


def list_questions(db: Session, test: AssessmentTest) -> list[TestQuestion]:
    """Every question with its answer: for the test's managers only."""
    return list(
        db.scalars(
            select(TestQuestion)
            .where(TestQuestion.test_id == test.id)
            .order_by(TestQuestion.position, TestQuestion.id)
        )
    )


def _current_sections(db: Session, test: AssessmentTest) -> dict[str, str]:
    if test.guidelines_id is None:
        return {}
    row = db.execute(
        select(GuidelinesVersion.sections)
        .join(Guidelines, Guidelines.id == GuidelinesVersion.guidelines_id)
        .where(
            Guidelines.id == test.guidelines_id,
            GuidelinesVersion.number == Guidelines.current_version,
        )
    ).first()
    return {str(s["number"]): str(s["title"]) for s in row[0]} if row else {}


@dataclass(frozen=True)
class CheckedQuestion:
    """A question as stored: the normalised control config, correct answer and section."""

    data: dict[str, Any]
    control: dict[str, Any]
    gold: dict[str, Any]
    explanation: str
    guideline_section: str | None


def _check_question(
    db: Session,
    test: AssessmentTest,
    *,
    data: Mapping[str, Any],
    control: Mapping[str, Any],
    correct_answer: Any,
    explanation: str,
    guideline_section: str | None,
) -> CheckedQuestion:
    """Validate a question by the controls package; InvalidInput names the field at fault.

    The guideline section defaults to the control's own `guideline_section`; with guidelines
    attached to the test it must be one of their current sections.
    """
    try:
        schema, correct = check_question(control, data, correct_answer)
    except QuestionError as exc:
        raise InvalidInput(str(exc), details={"field": exc.field}) from None
    section = guideline_section or schema.controls[0].guideline_section
    if section is not None:
        try:
            section = normalise_number(section)
        except ValueError as exc:
            raise InvalidInput(str(exc), details={"field": "guideline_section"}) from None
        sections = _current_sections(db, test)
        if test.guidelines_id is not None and section not in sections:
            raise InvalidInput(
                f"Section {section} is not in the test's guidelines; sections: "
                f"{', '.join(sections)}.",
                details={"field": "guideline_section"},
            )
    if len(explanation) > 5000:
        raise InvalidInput("The explanation is too long.", details={"field": "explanation"})
    config = schema.to_json()["controls"][0]
    return CheckedQuestion(
        data=dict(data),
        control=config,
        gold={config["name"]: correct},
        explanation=explanation.strip(),
        guideline_section=section,
    )


def add_question(
    db: Session,
    actor: User,
    test: AssessmentTest,
    *,
    data: Mapping[str, Any],
    control: Mapping[str, Any],
    correct_answer: Any,
    explanation: str = "",
    guideline_section: str | None = None,
) -> TestQuestion:
    """A question of any control kind, checked by the controls package (see `_check_question`)."""
    checked = _check_question(
        db,
        test,
        data=data,
        control=control,
        correct_answer=correct_answer,
        explanation=explanation,
        guideline_section=guideline_section,
    )
    position = (
        db.scalar(
            select(TestQuestion.position)
            .where(TestQuestion.test_id == test.id)
            .order_by(TestQuestion.position.desc())
            .limit(1)
        )
        or 0
    ) + 1
    question = TestQuestion(
        test_id=test.id,
        position=position,
        data=checked.data,
        control=checked.control,
        gold=checked.gold,
        explanation=checked.explanation,
        guideline_section=checked.guideline_section,
    )
    db.add(question)
    test.updated_at = utcnow()
    db.flush()
    return question


QUESTIONS_FIXED = (
    "Contributors have taken this test, so its questions stay as they were answered; archive "
    "the test and publish a new one to change them."
)


def _taken(db: Session, test: AssessmentTest) -> bool:
    """Whether anyone but the test's staff has started an attempt (previews do not count)."""
    return (
        db.scalar(
            select(Attempt.id)
            .where(Attempt.test_id == test.id, Attempt.purpose != AttemptPurpose.PREVIEW)
            .limit(1)
        )
        is not None
    )


def question_edit_problem(db: Session, test: AssessmentTest) -> str | None:
    """Why the test's questions cannot be edited, or None: they can while it is a draft, and
    after publishing until a contributor has started an attempt (a preview does not count)."""
    if test.status != TestStatus.DRAFT and _taken(db, test):
        return QUESTIONS_FIXED
    return None


def _lock_test(db: Session, test: AssessmentTest) -> None:
    """Lock the test's row until commit and read its status again.

    Starting an attempt inserts a row referencing the test, which on PostgreSQL takes a key
    share lock on it; so an edit either waits for attempts being started (and then sees them)
    or makes them wait until the edit is committed. SQLite serialises writers anyway.
    """
    db.execute(select(AssessmentTest.id).where(AssessmentTest.id == test.id).with_for_update())
    db.refresh(test, attribute_names=["status"])


def _question_of(db: Session, test: AssessmentTest, question_id: int) -> TestQuestion:
    question = db.get(TestQuestion, question_id)
    if question is None or question.test_id != test.id:
        raise NotFound(f"No question with id {question_id} in this test.")
    return question


def get_question(db: Session, test: AssessmentTest, question_id: int) -> TestQuestion:
    """One question with its answer: for the test's managers only."""
    return _question_of(db, test, question_id)


def update_question(
    db: Session,
    actor: User,
    test: AssessmentTest,
    question_id: int,
    *,
    data: Mapping[str, Any],
    control: Mapping[str, Any],
    correct_answer: Any,
    explanation: str = "",
    guideline_section: str | None = None,
) -> TestQuestion:
    """Replace a question (same checks as `add_question`; it keeps its place in the test).

    Refused (409) once a contributor has started an attempt of a published or archived test:
    their answers were given, and scored, against the question as it was.
    """
    question = _question_of(db, test, question_id)
    _lock_test(db, test)
    if problem := question_edit_problem(db, test):
        raise Conflict(problem, code="questions_fixed")
    checked = _check_question(
        db,
        test,
        data=data,
        control=control,
        correct_answer=correct_answer,
        explanation=explanation,
        guideline_section=guideline_section,
    )
    question.data = checked.data
    question.control = checked.control
    question.gold = checked.gold
    question.explanation = checked.explanation
    question.guideline_section = checked.guideline_section
    test.updated_at = utcnow()
    emit(
        db,
        Action.TEST_QUESTION_UPDATED,
        "test",
        test.id,
        actor_id=actor.id,
        organization_id=test.organization_id,
        details={"question_id": question.id},
    )
    db.flush()
    return question


def delete_question(db: Session, actor: User, test: AssessmentTest, question_id: int) -> None:
    question = _question_of(db, test, question_id)
    _lock_test(db, test)
    if test.status != TestStatus.DRAFT:
        raise Conflict(
            "Questions of a published test stay (attempts refer to them); archive the test "
            "and publish a new one to remove questions.",
            code="questions_fixed",
        )
    db.delete(question)
    test.updated_at = utcnow()
    emit(
        db,
        Action.TEST_QUESTION_DELETED,
        "test",
        test.id,
        actor_id=actor.id,
        organization_id=test.organization_id,
        details={"question_id": question_id},
    )
    db.flush()


def correct_answer(question: TestQuestion) -> Any:
    return question.gold.get(str(question.control.get("name")))


# --- attempts -----------------------------------------------------------------------------


def policy_of(test: AssessmentTest) -> RetakePolicy:
    return RetakePolicy(timedelta(seconds=test.cooldown_seconds), test.max_attempts)


def _attempts(db: Session, user_id: int, test_id: int) -> list[Attempt]:
    return list(
        db.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.test_id == test_id)
            .order_by(Attempt.started_at, Attempt.id)
        )
    )


def _records(attempts: Sequence[Attempt]) -> list[AttemptRecord]:
    return [
        AttemptRecord(a.started_at, a.finished_at, a.passed)
        for a in attempts
        if a.purpose == AttemptPurpose.QUALIFY
    ]


def settle(db: Session, attempt: Attempt, now: datetime) -> Attempt:
    """Grade the attempt as submitted (at its deadline) if its time ran out."""
    if (
        attempt.status == AttemptStatus.IN_PROGRESS
        and attempt.deadline_at is not None
        and now >= attempt.deadline_at
    ):
        _finish(db, attempt, AttemptStatus.EXPIRED, attempt.deadline_at)
    return attempt


def grade_expired_attempts(db: Session, now: datetime | None = None) -> int:
    """Grade every attempt left open past its time limit; returns how many (for a job)."""
    now = now or utcnow()
    expired = list(
        db.scalars(
            select(Attempt)
            .where(
                Attempt.status == AttemptStatus.IN_PROGRESS,
                Attempt.deadline_at.is_not(None),
                Attempt.deadline_at <= now,
            )
            .order_by(Attempt.id)
        )
    )
    return sum(
        1
        for attempt in expired
        if _finish(db, attempt, AttemptStatus.EXPIRED, attempt.deadline_at or now)
    )


def status_for(
    db: Session, user: User, test: AssessmentTest, now: datetime
) -> tuple[RetakeStatus, list[Attempt]]:
    """The retake status of `test` for `user` (after grading any expired attempt)."""
    attempts = _attempts(db, user.id, test.id)
    for attempt in attempts:
        settle(db, attempt, now)
    return retake_status(policy_of(test), _records(attempts), now), attempts


def _insert_attempt(db: Session, attempt: Attempt) -> Attempt:
    """Insert inside a savepoint: the partial unique index refuses a second open attempt.

    PostgreSQL reports the race as a unique violation; SQLite (WAL) as a busy database when
    the other writer committed after this transaction first read. Both mean 409.
    """
    try:
        with db.begin_nested():
            db.add(attempt)
            db.flush()
    except (IntegrityError, OperationalError) as exc:
        if isinstance(exc, OperationalError) and "locked" not in str(exc).lower():
            raise
        raise Conflict(
            "You already have an attempt of this test in progress; finish it first.",
            code="attempt_in_progress",
        ) from None
    return attempt


def _open_attempt(attempts: Sequence[Attempt]) -> Attempt | None:
    return next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)


def require_active_account(db: Session, user: User) -> None:
    """Contributors take tests only once their account review is done (and not suspended)."""
    if user.role == Role.CONTRIBUTOR and not contributors.is_active(db, user.id):
        raise PermissionDenied(
            "Your account is not active yet: complete your application and account review "
            "(see /review) before taking tests.",
            code="account_not_active",
        )


def start_attempt(
    db: Session, user: User, test: AssessmentTest, now: datetime | None = None
) -> Attempt:
    """Start an attempt; its questions are drawn now.

    An active contributor's attempt qualifies, if the retake policy allows. Staff of the
    test's organization (and platform admins) get a preview: not limited by the retake
    policy, never counted by it, and granting nothing.
    """
    now = now or utcnow()
    if test.status != TestStatus.PUBLISHED:
        raise Conflict("This test is not open for attempts.")
    mode = take_mode(db, user, test)
    status, attempts = status_for(db, user, test, now)
    open_attempt = _open_attempt(attempts)
    if open_attempt is not None:
        raise Conflict(
            "You already have an attempt of this test in progress; finish it first.",
            code="attempt_in_progress",
            details={"attempt_id": open_attempt.id},
        )
    if mode == TakeMode.QUALIFY and not status.can_start:
        raise Conflict(
            status.reason,
            code=f"test_{status.state.value}",
            details={
                "attempts_left": status.attempts_left,
                "next_attempt_at": status.next_attempt_at.isoformat()
                if status.next_attempt_at
                else None,
            },
        )
    pool = question_ids_of(db, test)
    if not pool:
        raise Conflict("This test has no questions yet.")
    seed = secrets.randbits(31)
    chosen = select_questions(pool, seed, subset_size=test.subset_size, shuffle=test.shuffle)
    attempt = Attempt(
        test_id=test.id,
        user_id=user.id,
        purpose=AttemptPurpose.PREVIEW if mode == TakeMode.PREVIEW else AttemptPurpose.QUALIFY,
        status=AttemptStatus.IN_PROGRESS,
        seed=seed,
        question_ids=chosen,
        started_at=now,
        deadline_at=now + timedelta(seconds=test.time_limit_seconds)
        if test.time_limit_seconds
        else None,
    )
    _insert_attempt(db, attempt)
    emit(
        db,
        Action.TEST_ATTEMPT_STARTED,
        "test",
        test.id,
        actor_id=user.id,
        organization_id=test.organization_id,
        details={"attempt_id": attempt.id, "purpose": attempt.purpose.value},
    )
    return attempt


def start_refresher(db: Session, user: User, test_id: int, now: datetime | None = None) -> Attempt:
    """An attempt of only the questions the user's open refreshers of this test ask for.

    Refreshers are not limited by the retake policy (the contributor is already qualified)
    and never change qualifications or skills; passing clears them.
    """
    now = now or utcnow()
    pending = [r for r in refreshers.open_refreshers(db, user.id) if r.test_id == test_id]
    if not pending:
        raise NotFound("You have no refresher to take for this test.")
    test = db.get(AssessmentTest, test_id)
    if test is None:
        raise NotFound(f"No test with id {test_id}.")
    if take_mode(db, user, test) != TakeMode.QUALIFY:
        raise PermissionDenied(
            "Refreshers are for contributors who hold the test's qualification; as staff, "
            "preview the test instead.",
            code="not_a_taker",
        )
    _, attempts = status_for(db, user, test, now)
    if _open_attempt(attempts) is not None:
        raise Conflict(
            "You already have an attempt of this test in progress; finish it first.",
            code="attempt_in_progress",
        )
    existing = set(question_ids_of(db, test))
    wanted = list(dict.fromkeys(q for r in pending for q in r.question_ids if q in existing))
    seed = secrets.randbits(31)
    chosen = select_questions(wanted, seed, subset_size=None, shuffle=test.shuffle)
    attempt = Attempt(
        test_id=test.id,
        user_id=user.id,
        purpose=AttemptPurpose.REFRESHER,
        status=AttemptStatus.IN_PROGRESS,
        seed=seed,
        question_ids=chosen,
        started_at=now,
        deadline_at=now + timedelta(seconds=test.time_limit_seconds)
        if test.time_limit_seconds
        else None,
    )
    return _insert_attempt(db, attempt)


def attempt_for_taker(
    db: Session, user: User, attempt_id: int, now: datetime | None = None
) -> Attempt:
    """The user's own attempt (graded first if its time ran out); others' ids are 404, and
    403 once the user may no longer take the test (see `take_mode`)."""
    attempt = db.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound(f"No attempt with id {attempt_id}.")
    _require_attempt_access(db, user, attempt)
    return settle(db, attempt, now or utcnow())


@dataclass(frozen=True)
class Feedback:
    """Shown after a question is answered in training mode (never before)."""

    question_id: int
    score: float
    correct: bool
    correct_answer: Any
    explanation: str
    guideline_section: str | None
    section_title: str | None


def _feedback(
    question: TestQuestion, answer: AttemptAnswer, sections: Mapping[str, str]
) -> Feedback:
    section = question.guideline_section
    return Feedback(
        question_id=question.id,
        score=answer.score,
        correct=answer.score >= 1.0 - 1e-9,
        correct_answer=correct_answer(question),
        explanation=question.explanation,
        guideline_section=section,
        section_title=sections.get(section) if section else None,
    )


def answer_question(
    db: Session,
    user: User,
    attempt: Attempt,
    question_id: int,
    answer: Any,
    now: datetime | None = None,
) -> tuple[AttemptAnswer, Feedback | None]:
    """Record an answer. Training mode: final, and feedback comes back; exam mode: may be
    changed until the attempt is submitted, and nothing about correctness comes back."""
    now = now or utcnow()
    if attempt.user_id != user.id:
        raise NotFound(f"No attempt with id {attempt.id}.")
    _require_attempt_access(db, user, attempt)
    settle(db, attempt, now)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(
            "This attempt is finished"
            + (" (the time ran out)." if attempt.status == AttemptStatus.EXPIRED else "."),
            code="attempt_finished",
        )
    if question_id not in attempt.question_ids:
        raise NotFound(f"Question {question_id} is not part of this attempt.")
    question = db.get(TestQuestion, question_id)
    test = db.get(AssessmentTest, attempt.test_id)
    if question is None or test is None:
        raise NotFound(f"Question {question_id} is not part of this attempt.")
    existing = db.scalar(
        select(AttemptAnswer).where(
            AttemptAnswer.attempt_id == attempt.id, AttemptAnswer.question_id == question_id
        )
    )
    training = test.mode == TestMode.TRAINING
    if existing is not None and training:
        raise Conflict(
            "You have answered this question already; in training mode answers are final.",
            code="already_answered",
        )
    schema = question_schema(question.control, question.data)
    try:
        normalised = check_answer(schema, question.data, answer)
    except QuestionError as exc:
        raise InvalidInput(str(exc), details={"field": "answer"}) from None
    score = score_answer(question.control, question.data, normalised, correct_answer(question))
    if existing is None:
        existing = AttemptAnswer(
            attempt_id=attempt.id,
            question_id=question_id,
            answer=normalised,
            score=score,
            answered_at=now,
        )
        try:
            with db.begin_nested():
                db.add(existing)
                db.flush()
        except IntegrityError:
            raise Conflict("This question was just answered.", code="already_answered") from None
    else:
        existing.answer = normalised
        existing.score = score
        existing.answered_at = now
        db.flush()
    feedback = _feedback(question, existing, _current_sections(db, test)) if training else None
    return existing, feedback


def submit_attempt(
    db: Session, user: User, attempt: Attempt, now: datetime | None = None
) -> Attempt:
    """Grade the attempt. Submitting a finished attempt again changes nothing."""
    now = now or utcnow()
    if attempt.user_id != user.id:
        raise NotFound(f"No attempt with id {attempt.id}.")
    _require_attempt_access(db, user, attempt)
    settle(db, attempt, now)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        _finish(db, attempt, AttemptStatus.SUBMITTED, now)
    return attempt


def _finish(db: Session, attempt: Attempt, status: AttemptStatus, at: datetime) -> bool:
    """Grade once: a conditional UPDATE decides which caller finishes the attempt."""
    won = db.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.IN_PROGRESS)
        .values(status=status, finished_at=at)
        .execution_options(synchronize_session=False)
    )
    if won.rowcount != 1:  # type: ignore[attr-defined]
        db.refresh(attempt)
        return False
    test = db.get(AssessmentTest, attempt.test_id)
    assert test is not None
    answers = {
        a.question_id: a.score
        for a in db.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))
    }
    sections: dict[int, str | None] = {
        qid: section
        for qid, section in db.execute(
            select(TestQuestion.id, TestQuestion.guideline_section).where(
                TestQuestion.id.in_(attempt.question_ids)
            )
        )
    }
    result = grade(
        [(qid, sections.get(qid)) for qid in attempt.question_ids], answers, test.pass_mark
    )
    attempt.status = status
    attempt.finished_at = at
    attempt.score = result.score
    attempt.passed = result.passed
    attempt.result = _result_json(result, answered=len(answers), total=len(attempt.question_ids))
    db.flush()
    if (
        result.passed
        and attempt.purpose == AttemptPurpose.QUALIFY
        and _qualifies(db, attempt, test)
    ):
        _grant(db, attempt, test, result, at)
    elif result.passed and attempt.purpose == AttemptPurpose.REFRESHER:
        refreshers.clear_passed(db, attempt.user_id, test.id, attempt.question_ids, attempt.id)
    emit(
        db,
        Action.TEST_ATTEMPT_GRADED,
        "test",
        test.id,
        actor_id=attempt.user_id,
        organization_id=test.organization_id,
        details={
            "attempt_id": attempt.id,
            "status": status.value,
            "percent": result.percent,
            "passed": result.passed,
            "purpose": attempt.purpose.value,
        },
    )
    return True


def _result_json(result: Grade, *, answered: int, total: int) -> dict[str, Any]:
    return {
        "percent": result.percent,
        "answered": answered,
        "total": total,
        "sections": [
            {"section": s.section, "questions": s.questions, "percent": round(s.score * 100, 1)}
            for s in result.sections
        ],
        "restudy": result.restudy,
    }


def _qualifies(db: Session, attempt: Attempt, test: AssessmentTest) -> bool:
    """Whether a pass of this attempt may grant: only to someone who takes the test for real
    (an attempt staff started before previews existed grants nothing)."""
    user = db.get(User, attempt.user_id)
    return user is not None and taker_scope(db, user).mode(test) == TakeMode.QUALIFY


def _grant(
    db: Session, attempt: Attempt, test: AssessmentTest, result: Grade, at: datetime
) -> None:
    existing = db.scalar(
        select(Qualification).where(
            Qualification.user_id == attempt.user_id, Qualification.test_id == test.id
        )
    )
    if existing is None:
        db.add(
            Qualification(
                user_id=attempt.user_id,
                test_id=test.id,
                key=test.qualification_key,
                granted_at=at,
                score=result.score,
                attempt_id=attempt.id,
            )
        )
    if test.skill_key:
        level = skill_level(result.score)
        skill = db.scalar(
            select(ContributorSkill).where(
                ContributorSkill.user_id == attempt.user_id,
                ContributorSkill.skill_key == test.skill_key,
            )
        )
        if skill is None:
            db.add(
                ContributorSkill(
                    user_id=attempt.user_id,
                    skill_key=test.skill_key,
                    level=level,
                    source="test",
                    source_attempt_id=attempt.id,
                    updated_at=at,
                )
            )
        elif level > skill.level:  # a pass never lowers a skill
            skill.level = level
            skill.source = "test"
            skill.source_attempt_id = attempt.id
            skill.updated_by = None
            skill.updated_at = at
    db.flush()


# --- what the contributor sees ------------------------------------------------------------


@dataclass(frozen=True)
class QuestionView:
    """A question as the taker sees it: no correct answer, no explanation."""

    id: int
    index: int
    data: dict[str, Any]
    control: dict[str, Any]
    guideline_section: str | None
    section_title: str | None
    answered: bool
    answer: Any
    feedback: Feedback | None  # training mode, once answered


@dataclass(frozen=True)
class AttemptView:
    attempt: Attempt
    test: AssessmentTest
    questions: list[QuestionView]
    seconds_left: int | None
    restudy: list[dict[str, str]] = field(default_factory=list)


def attempt_view(db: Session, attempt: Attempt, now: datetime | None = None) -> AttemptView:
    now = now or utcnow()
    test = db.get(AssessmentTest, attempt.test_id)
    assert test is not None
    questions = {
        q.id: q
        for q in db.scalars(select(TestQuestion).where(TestQuestion.id.in_(attempt.question_ids)))
    }
    answers = {
        a.question_id: a
        for a in db.scalars(select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id))
    }
    sections = _current_sections(db, test)
    training = test.mode == TestMode.TRAINING
    views: list[QuestionView] = []
    for index, qid in enumerate(attempt.question_ids, start=1):
        question = questions.get(qid)
        if question is None:
            continue
        given = answers.get(qid)
        views.append(
            QuestionView(
                id=qid,
                index=index,
                data=question.data,
                control=_public_control(question.control),
                guideline_section=question.guideline_section,
                section_title=sections.get(question.guideline_section or ""),
                answered=given is not None,
                answer=given.answer if given else None,
                feedback=_feedback(question, given, sections) if training and given else None,
            )
        )
    seconds_left = None
    if attempt.status == AttemptStatus.IN_PROGRESS and attempt.deadline_at is not None:
        seconds_left = max(0, int((attempt.deadline_at - now).total_seconds()))
    restudy = [
        {"section": s, "title": sections.get(s, "")}
        for s in (attempt.result or {}).get("restudy", [])
    ]
    return AttemptView(attempt, test, views, seconds_left, restudy)


def _public_control(control: Mapping[str, Any]) -> dict[str, Any]:
    """The control config as shown to a taker (configs carry no answers; copied defensively)."""
    return {k: v for k, v in control.items() if k not in ("gold", "answer", "correct_answer")}


@dataclass(frozen=True)
class TestCard:
    test: AssessmentTest
    status: RetakeStatus
    attempts: int
    best_percent: float | None
    open_attempt_id: int | None
    qualified: bool
    question_count: int
    preview: bool = False  # the user only previews this test (staff): nothing counts


def _preview_status(open_attempt: Attempt | None, now: datetime) -> RetakeStatus:
    if open_attempt is not None:
        return RetakeStatus(
            False,
            None,
            None,
            "You have a preview in progress; finish it first.",
            RetakeState.IN_PROGRESS,
        )
    return RetakeStatus(
        True,
        None,
        now,
        "Preview: you take the test as contributors see it; it grants nothing and does not "
        "count as an attempt.",
        RetakeState.AVAILABLE,
    )


def _card(
    db: Session,
    test: AssessmentTest,
    attempts: Sequence[Attempt],
    mode: TakeMode,
    qualified: bool,
    now: datetime,
) -> TestCard:
    regular = [a for a in attempts if a.purpose == AttemptPurpose.QUALIFY]
    scores = [a.score for a in regular if a.score is not None]
    open_attempt = _open_attempt(attempts)
    preview = mode == TakeMode.PREVIEW
    return TestCard(
        test=test,
        status=_preview_status(open_attempt, now)
        if preview
        else retake_status(policy_of(test), _records(attempts), now),
        attempts=len([a for a in regular if a.finished_at is not None]),
        best_percent=round(max(scores) * 100, 1) if scores else None,
        open_attempt_id=open_attempt.id if open_attempt else None,
        qualified=qualified,
        question_count=test.subset_size or len(question_ids_of(db, test)),
        preview=preview,
    )


def test_card(
    db: Session, user: User, test: AssessmentTest, now: datetime | None = None
) -> TestCard:
    """The user's status on one test (drafts included, for their builders)."""
    now = now or utcnow()
    _, attempts = status_for(db, user, test, now)
    mode = taker_scope(db, user).mode(test) or TakeMode.QUALIFY
    qualified = has_qualification(db, user.id, test_id=test.id)
    return _card(db, test, attempts, mode, qualified, now)


def tests_for_taker(db: Session, user: User, now: datetime | None = None) -> list[TestCard]:
    """Published tests the user may take (or preview), with the user's status on each
    (attempts left, next attempt, passed). Contributors see them before their account is
    active (starting waits for the review); staff see their organizations' tests."""
    now = now or utcnow()
    scope = taker_scope(db, user)
    tests = [
        (test, mode)
        for test in db.scalars(
            select(AssessmentTest)
            .where(AssessmentTest.status == TestStatus.PUBLISHED)
            .order_by(AssessmentTest.kind.desc(), AssessmentTest.title, AssessmentTest.id)
        )
        if (mode := scope.mode(test)) is not None
    ]
    mine: dict[int, list[Attempt]] = {}
    for attempt in db.scalars(
        select(Attempt).where(Attempt.user_id == user.id).order_by(Attempt.started_at, Attempt.id)
    ):
        settle(db, attempt, now)
        mine.setdefault(attempt.test_id, []).append(attempt)
    held = set(db.scalars(select(Qualification.test_id).where(Qualification.user_id == user.id)))
    return [
        _card(db, test, mine.get(test.id, []), mode, test.id in held, now) for test, mode in tests
    ]


def attempts_of(db: Session, user: User, test: AssessmentTest, now: datetime) -> list[Attempt]:
    return status_for(db, user, test, now)[1]


def attempts_for_taker(
    db: Session, user: User, test: AssessmentTest, now: datetime | None = None
) -> list[Attempt]:
    """The user's attempts of `test` with their contents, while the user may take it."""
    take_mode(db, user, test)
    return attempts_of(db, user, test, now or utcnow())


# --- qualifications and skills (read by matching and quality) ------------------------------


def qualifications_of(db: Session, user_id: int) -> list[Qualification]:
    return list(
        db.scalars(
            select(Qualification)
            .where(Qualification.user_id == user_id)
            .order_by(Qualification.granted_at)
        )
    )


def qualification_keys(db: Session, user_id: int) -> set[str]:
    """The qualification keys the user holds (what matching rules ask for)."""
    return set(db.scalars(select(Qualification.key).where(Qualification.user_id == user_id)))


def has_qualification(
    db: Session, user_id: int, *, test_id: int | None = None, key: str | None = None
) -> bool:
    query = select(Qualification.id).where(Qualification.user_id == user_id)
    if test_id is not None:
        query = query.where(Qualification.test_id == test_id)
    if key is not None:
        query = query.where(Qualification.key == key)
    return db.scalar(query.limit(1)) is not None


def skill_levels(db: Session, user_id: int) -> dict[str, int]:
    """{skill key: level 0-100} of one contributor."""
    return {
        key: level
        for key, level in db.execute(
            select(ContributorSkill.skill_key, ContributorSkill.level).where(
                ContributorSkill.user_id == user_id
            )
        )
    }


def skills_of(db: Session, user_id: int) -> list[ContributorSkill]:
    return list(
        db.scalars(
            select(ContributorSkill)
            .where(ContributorSkill.user_id == user_id)
            .order_by(ContributorSkill.skill_key)
        )
    )


def set_skill_level(
    db: Session, admin: User, user_id: int, skill_key: str, level: int, reason: str = ""
) -> ContributorSkill:
    """Set a skill by hand (admins); logged with who, when and why."""
    if admin.role != Role.ADMIN:
        raise PermissionDenied("Only admins set skill levels by hand.")
    if db.get(User, user_id) is None:
        raise NotFound(f"No user with id {user_id}.")
    key = _key(skill_key, "skill_key")
    if key is None:
        raise InvalidInput("Name the skill.", details={"field": "skill_key"})
    if not 0 <= level <= 100:
        raise InvalidInput("A skill level is from 0 to 100.", details={"field": "level"})
    now = utcnow()
    skill = db.scalar(
        select(ContributorSkill).where(
            ContributorSkill.user_id == user_id, ContributorSkill.skill_key == key
        )
    )
    previous = skill.level if skill else None
    if skill is None:
        skill = ContributorSkill(user_id=user_id, skill_key=key, level=level, source="manual")
        db.add(skill)
    skill.level = level
    skill.source = "manual"
    skill.source_attempt_id = None
    skill.updated_by = admin.id
    skill.updated_at = now
    emit(
        db,
        Action.SKILL_SET,
        "user",
        user_id,
        actor_id=admin.id,
        reason=reason.strip()[:1000] or None,
        details={"skill": key, "from": previous, "to": level},
    )
    db.flush()
    return skill


def refreshers_for(db: Session, user: User) -> list[RequiredRefresher]:
    return refreshers.open_refreshers(db, user.id)
