"""View shaping for the test pages a contributor sees: the list, a test, a question.

Presentation only: these read through the services (and look up the names a row shows) and
shape data for templates. Nothing here carries a correct answer a taker has not earned:
feedback comes from `service.attempt_view`, which holds it only for answered questions of
training tests.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments import refreshers, service
from labelpool.assessments.models import AssessmentTest, Attempt, TestKind
from labelpool.assessments.retake import RetakeState, RetakeStatus, format_duration
from labelpool.assessments.taker_views import QuestionView
from labelpool.config import Settings
from labelpool.errors import LabelpoolError, NotFound
from labelpool.guidelines.models import Guidelines
from labelpool.media.service import ItemMediaLinks
from labelpool.projects.models import Project
from labelpool.web.render import when

SIMPLE_WIDGETS = ("choice", "rating", "text")


def format_duration_or_none(seconds: int | None) -> str | None:
    return format_duration(timedelta(seconds=seconds)) if seconds else None


def card_view(card: service.TestCard, now: datetime) -> dict[str, Any]:
    test, status = card.test, card.status
    return {
        "id": test.id,
        "title": test.title,
        "description": test.description,
        "kind": test.kind.value,
        "skill_key": test.skill_key,
        "mode": test.mode.value,
        "pass_mark": test.pass_mark,
        "questions": card.question_count,
        "time_limit": format_duration_or_none(test.time_limit_seconds),
        "policy": service.policy_of(test).describe(),
        "state": status.state.value,
        "can_start": status.can_start,
        "reason": status.reason,
        "attempts_left": "Unlimited" if status.attempts_left is None else status.attempts_left,
        "next_attempt": _next_attempt(status, now),
        "attempts_used": card.attempts,
        "best_percent": card.best_percent,
        "qualified": card.qualified,
        "open_attempt_id": card.open_attempt_id,
        "preview": card.preview,
    }


def _next_attempt(status: RetakeStatus, now: datetime) -> str | None:
    """When the next attempt opens, in words; None when there is nothing to wait for (an
    attempt is in progress, or the test is passed): the pages then leave the line out."""
    if status.can_start:
        return "Now"
    if status.state in (RetakeState.IN_PROGRESS, RetakeState.PASSED):
        return None
    opens = status.next_attempt_at
    if opens is not None:
        return f"{when(opens)} (in {format_duration(opens - now)})"
    return "Never: the test is locked for you" if status.state == RetakeState.LOCKED else None


def account_block(db: Session, user: User) -> str | None:
    """Why this user cannot start tests yet (an account under review), or None."""
    try:
        service.require_active_account(db, user)
    except LabelpoolError as exc:
        return exc.message.replace(" (see /review)", "")  # the page links to the review
    return None


def take_block(db: Session, user: User, test: AssessmentTest) -> str | None:
    """Why this user cannot take `test` (an account under review, not a taker), or None."""
    try:
        service.take_mode(db, user, test)
    except LabelpoolError as exc:
        return exc.message.replace(" (see /review)", "")
    return None


def refresher_rows(db: Session, user: User) -> list[dict[str, Any]]:
    rows = []
    for refresher in refreshers.open_refreshers(db, user.id):
        test = db.get(AssessmentTest, refresher.test_id)
        project = db.get(Project, refresher.project_id)
        guidelines = db.get(Guidelines, refresher.guidelines_id)
        rows.append(
            {
                "test_id": refresher.test_id,
                "test": test.title if test else "",
                "project": project.name if project else "",
                "guidelines_id": refresher.guidelines_id,
                "guidelines": guidelines.title if guidelines else "",
                "version": refresher.version_number,
                "sections": ", ".join(refresher.sections),
                "questions": len(refresher.question_ids),
            }
        )
    return rows


def managed_rows(db: Session, user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": t.id,
            "title": t.title,
            "kind": t.kind.value,
            "target": t.skill_key if t.kind == TestKind.SKILL else target(db, t),
            "status": t.status.value,
            "mode": t.mode.value,
            "questions": len(service.question_ids_of(db, t)),
            "policy": service.policy_of(t).describe(),
        }
        for t in service.managed_tests(db, user)
    ]


def target(db: Session, test: AssessmentTest) -> str:
    if test.project_id is not None:
        project = db.get(Project, test.project_id)
        return f"Project: {project.name}" if project else "Project"
    return f"Type: {test.project_type}"


def guidelines_link(db: Session, test: AssessmentTest) -> dict[str, Any] | None:
    """The test's guidelines as the test page links them, or None."""
    guidelines = db.get(Guidelines, test.guidelines_id) if test.guidelines_id else None
    return {"id": guidelines.id, "title": guidelines.title} if guidelines else None


def widget(control: dict[str, Any]) -> str:
    kind = str(control.get("kind"))
    return kind if kind in SIMPLE_WIDGETS else "json"


def answer_text(control: dict[str, Any], answer: Any) -> str:
    """An answer as the taker saw it: option labels for choices and ratings, else JSON."""
    shown_as = widget(control)
    if answer is None:
        return "Not applicable"
    if shown_as == "choice":
        labels = {
            o.get("value"): o.get("label") or o.get("value") for o in control.get("options", [])
        }
        values = answer if isinstance(answer, list) else [answer]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if shown_as == "rating":
        points = {p.get("value"): p.get("label") for p in control.get("scale", [])}
        label = points.get(answer)
        return f"{answer} · {label}" if label else str(answer)
    if shown_as == "text" and isinstance(answer, str):
        return answer
    return json.dumps(answer, ensure_ascii=False)


def widget_config(
    db: Session,
    settings: Settings,
    test: AssessmentTest,
    question: QuestionView,
) -> dict[str, Any]:
    """What the page's script needs to mount the labeling widget of a question: the control
    (no key), the item data with signed URLs of its media, the taker's answer and, once
    training feedback is given, the correct answer to show in a read-only widget."""
    data = dict(question.data or {})
    links = ItemMediaLinks(
        db,
        test.organization_id or 0,
        settings.signing_key,
        data.values(),
        ttl_seconds=settings.media.media_url_ttl_seconds,
    )
    media = {name: url for name, value in data.items() if (url := links.url(value))}
    config: dict[str, Any] = {
        "control": question.control,
        "data": data,
        "media": media,
        "answer": question.answer if question.answered else None,
        "answered": question.answered,
        "locked": question.feedback is not None,
    }
    if question.feedback is not None:
        config["correct"] = question.feedback.correct_answer
    return config


def _correct_values(answer: Any) -> list[str]:
    """The option values of a correct choice or rating answer, as the cards' values (text)."""
    values = answer if isinstance(answer, list) else [answer]
    return [str(v) for v in values if v is not None]


def question_context(
    db: Session,
    settings: Settings,
    attempt: Attempt,
    number: int,
    *,
    error: str | None = None,
) -> dict[str, Any]:
    """What the page of question `number` (1-based) of an attempt shows; NotFound past the end."""
    view = service.attempt_view(db, attempt)
    if not 1 <= number <= len(view.questions):
        raise NotFound(f"This attempt has no question {number}.")
    question = view.questions[number - 1]
    feedback = question.feedback
    shown_as = widget(question.control)
    return {
        "attempt": {
            "id": attempt.id,
            "purpose": attempt.purpose.value,
            "seconds_left": view.seconds_left,
            "deadline": when(attempt.deadline_at),
            "answered": sum(1 for q in view.questions if q.answered),
            "total": len(view.questions),
        },
        "test": {"id": view.test.id, "title": view.test.title, "mode": view.test.mode.value},
        "q": {
            "id": question.id,
            "index": question.index,
            "data": question.data,
            "control": question.control,
            "widget": shown_as,
            "widget_config": widget_config(db, settings, view.test, question),
            "correct_values": _correct_values(feedback.correct_answer) if feedback else [],
            "section": question.guideline_section,
            "section_title": question.section_title,
            "answered": question.answered,
            "answer": question.answer,
            "answer_json": json.dumps(question.answer, ensure_ascii=False, indent=2)
            if question.answered
            else "",
        },
        "feedback": (
            {
                "correct": feedback.correct,
                "percent": round(feedback.score * 100),
                "correct_answer": answer_text(question.control, feedback.correct_answer),
                "explanation": feedback.explanation,
                "section": feedback.guideline_section,
                "section_title": feedback.section_title,
            }
            if feedback
            else None
        ),
        "guidelines_id": view.test.guidelines_id,
        "nav": [{"index": q.index, "answered": q.answered} for q in view.questions],
        "error": error,
    }
