"""A test's questions: checked by the controls package, stored with their correct answers,
edited until contributors have answered them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments.grading import QuestionError, check_question
from labelpool.assessments.models import (
    AssessmentTest,
    Attempt,
    AttemptPurpose,
    TestQuestion,
    TestStatus,
)
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound
from labelpool.events import Action, emit
from labelpool.guidelines.models import Guidelines, GuidelinesVersion
from labelpool.guidelines.sections import normalise_number


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

    def apply_to(self, question: TestQuestion) -> None:
        question.data = self.data
        question.control = self.control
        question.gold = self.gold
        question.explanation = self.explanation
        question.guideline_section = self.guideline_section


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
    question = TestQuestion(test_id=test.id, position=position)
    checked.apply_to(question)
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
    checked.apply_to(question)
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
