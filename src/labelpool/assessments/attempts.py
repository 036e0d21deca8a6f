"""Attempts: starting, answering, submitting, grading and granting."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments import refreshers
from labelpool.assessments.grading import (
    Grade,
    QuestionError,
    check_answer,
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
    TestMode,
    TestQuestion,
    TestStatus,
)
from labelpool.assessments.questions import _current_sections, correct_answer, question_ids_of
from labelpool.assessments.retake import (
    AttemptRecord,
    RetakePolicy,
    RetakeStatus,
    retake_status,
)
from labelpool.assessments.taking import TakeMode, _require_attempt_access, mode_for, take_mode
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labelpool.events import Action, emit


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


def _new_attempt(
    test: AssessmentTest,
    user: User,
    purpose: AttemptPurpose,
    pool: list[int],
    subset_size: int | None,
    now: datetime,
) -> Attempt:
    """An attempt in progress from `now` over questions drawn from `pool` with a fresh seed,
    due by the test's time limit (when it has one)."""
    seed = secrets.randbits(31)
    question_ids = select_questions(pool, seed, subset_size=subset_size, shuffle=test.shuffle)
    return Attempt(
        test_id=test.id,
        user_id=user.id,
        purpose=purpose,
        status=AttemptStatus.IN_PROGRESS,
        seed=seed,
        question_ids=question_ids,
        started_at=now,
        deadline_at=now + timedelta(seconds=test.time_limit_seconds)
        if test.time_limit_seconds
        else None,
    )


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
    purpose = AttemptPurpose.PREVIEW if mode == TakeMode.PREVIEW else AttemptPurpose.QUALIFY
    attempt = _insert_attempt(db, _new_attempt(test, user, purpose, pool, test.subset_size, now))
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
    return _insert_attempt(
        db, _new_attempt(test, user, AttemptPurpose.REFRESHER, wanted, None, now)
    )


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
    return user is not None and mode_for(db, user, test) == TakeMode.QUALIFY


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
