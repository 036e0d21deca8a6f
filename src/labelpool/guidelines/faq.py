"""Questions readers ask about a section, the managers' answers, and the FAQ they make."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labelpool.accounts.actor import MANAGE_ROLES
from labelpool.accounts.models import Membership, User
from labelpool.db.types import utcnow
from labelpool.errors import InvalidInput, NotFound, PermissionDenied
from labelpool.guidelines.access import can_manage
from labelpool.guidelines.documents import MAX_TEXT, _checked_section
from labelpool.guidelines.models import GuidelineQuestion, Guidelines
from labelpool.notifications.service import notify


def ask_question(
    db: Session, user: User, guidelines: Guidelines, *, section: str, question: str
) -> GuidelineQuestion:
    """A reader asks about a section; the organization's requesters are notified."""
    number = _checked_section(db, guidelines, section)
    text = question.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(
            "Write your question (1 to 5,000 characters).", details={"field": "question"}
        )
    asked = GuidelineQuestion(
        guidelines_id=guidelines.id,
        section=number,
        version_number=guidelines.current_version,
        asked_by=user.id,
        question=text,
    )
    db.add(asked)
    db.flush()
    managers = db.scalars(
        select(Membership.user_id).where(
            Membership.organization_id == guidelines.organization_id,
            Membership.role.in_(MANAGE_ROLES),
        )
    )
    notify(
        db,
        [m for m in managers if m != user.id],
        "guidelines.question",
        f"New question on section {number} of '{guidelines.title}'",
        text[:500],
        f"/guidelines/{guidelines.id}#section-{number}",
    )
    return asked


def answer_question(
    db: Session, actor: User, guidelines: Guidelines, question_id: int, answer: str
) -> GuidelineQuestion:
    """A requester answers; the answer appears in the section's FAQ and the asker is told."""
    if not can_manage(db, actor, guidelines):
        raise PermissionDenied("Only the organization's requesters and admins answer questions.")
    asked = db.get(GuidelineQuestion, question_id)
    if asked is None or asked.guidelines_id != guidelines.id:
        raise NotFound(f"No question with id {question_id} on these guidelines.")
    text = answer.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput("Write the answer (1 to 5,000 characters).", details={"field": "answer"})
    asked.answer = text
    asked.answered_by = actor.id
    asked.answered_at = utcnow()
    db.flush()
    notify(
        db,
        [asked.asked_by],
        "guidelines.answer",
        f"Your question on section {asked.section} of '{guidelines.title}' was answered",
        text[:500],
        f"/guidelines/{guidelines.id}#section-{asked.section}",
    )
    return asked


def list_questions(
    db: Session, user: User, guidelines: Guidelines, *, unanswered_only: bool = False
) -> list[GuidelineQuestion]:
    """Managers see every question; others see answered ones (the FAQ) and their own."""
    query = (
        select(GuidelineQuestion)
        .where(GuidelineQuestion.guidelines_id == guidelines.id)
        .order_by(GuidelineQuestion.id)
    )
    if not can_manage(db, user, guidelines):
        query = query.where(
            or_(GuidelineQuestion.answer.is_not(None), GuidelineQuestion.asked_by == user.id)
        )
    if unanswered_only:
        query = query.where(GuidelineQuestion.answer.is_(None))
    return list(db.scalars(query))


def faq(db: Session, guidelines: Guidelines) -> dict[str, list[GuidelineQuestion]]:
    """Answered questions by section, oldest first."""
    grouped: dict[str, list[GuidelineQuestion]] = {}
    for asked in db.scalars(
        select(GuidelineQuestion)
        .where(
            GuidelineQuestion.guidelines_id == guidelines.id,
            GuidelineQuestion.answer.is_not(None),
        )
        .order_by(GuidelineQuestion.answered_at, GuidelineQuestion.id)
    ):
        grouped.setdefault(asked.section, []).append(asked)
    return grouped
