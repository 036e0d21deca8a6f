"""What a contributor sees of tests and attempts (never answers or explanations)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments.attempts import (
    Feedback,
    _feedback,
    _open_attempt,
    _records,
    policy_of,
    settle,
    status_for,
)
from labelpool.assessments.models import (
    AssessmentTest,
    Attempt,
    AttemptAnswer,
    AttemptPurpose,
    AttemptStatus,
    Qualification,
    TestMode,
    TestQuestion,
    TestStatus,
)
from labelpool.assessments.qualifications import has_qualification
from labelpool.assessments.questions import _current_sections, question_ids_of
from labelpool.assessments.retake import (
    RetakeState,
    RetakeStatus,
    retake_status,
)
from labelpool.assessments.taking import TakeMode, mode_for, take_mode
from labelpool.db.types import utcnow


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
    mode = mode_for(db, user, test) or TakeMode.QUALIFY
    qualified = has_qualification(db, user.id, test_id=test.id)
    return _card(db, test, attempts, mode, qualified, now)


def tests_for_taker(db: Session, user: User, now: datetime | None = None) -> list[TestCard]:
    """Published tests the user may take (or preview), with the user's status on each
    (attempts left, next attempt, passed). Contributors see them before their account is
    active (starting waits for the review); staff see their organizations' tests."""
    now = now or utcnow()
    tests = [
        (test, mode)
        for test in db.scalars(
            select(AssessmentTest)
            .where(AssessmentTest.status == TestStatus.PUBLISHED)
            .order_by(AssessmentTest.kind.desc(), AssessmentTest.title, AssessmentTest.id)
        )
        if (mode := mode_for(db, user, test)) is not None
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
