"""Notifications that follow events: a test result, a retake opening, a project cancelled
(everyone who worked on it), a task withdrawn because the requester removed its item.

Each handler runs as an outbox job queued by the event in the event's own transaction, so the
notification exists exactly when the change committed (a rolled-back change queues nothing),
and a crash after the commit loses nothing: the job waits in the outbox for the next runner.
A handler writes its notification in the job's transaction, together with the job's "done",
and skips whoever already has that notification (`notify_once`), so a job that runs twice (the
runner promises at least once) does not notify twice.

(Eligibility's notices, a new project open to you and requirements you no longer meet, are in
`eligibility/notices.py`: the layers let only eligibility say who is eligible.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments.attempts import status_for
from labelpool.assessments.models import AssessmentTest, Attempt, AttemptPurpose, TestStatus
from labelpool.assessments.retake import RetakeState, RetakeStatus
from labelpool.db.types import utcnow
from labelpool.eligibility.rules import when_text
from labelpool.events import Action
from labelpool.events.emit import on
from labelpool.jobs.outbox import enqueue
from labelpool.jobs.registry import handler
from labelpool.notifications import kinds
from labelpool.notifications.service import (
    already_notified,
    event_time,
    notified_user_ids,
    notify_once,
)
from labelpool.projects.models import Project, ProjectStatus
from labelpool.work.models import Assignment

if TYPE_CHECKING:
    from labelpool.jobs.context import JobContext

TEST_RESULT = "notifications.test_result"
RETAKE_OPEN = "notifications.retake_open"
TASK_RELEASED = "notifications.task_released"
PROJECT_CANCELLED = "notifications.project_cancelled"


@on(Action.TEST_ATTEMPT_GRADED, TEST_RESULT)
def test_result(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    """ "You passed / did not pass “T”", linking to the result; a failed qualifying attempt
    says when the next one opens and schedules the retake notice for that moment."""
    attempt = db.get(Attempt, (payload.get("details") or {}).get("attempt_id"))
    if attempt is None or attempt.purpose == AttemptPurpose.PREVIEW or attempt.passed is None:
        return
    test = db.get(AssessmentTest, attempt.test_id)
    user = db.get(User, attempt.user_id)
    if test is None or user is None:
        return
    link = f"/attempts/{attempt.id}/result"
    if notified_user_ids(db, [user.id], kinds.TEST_RESULT, link):
        return  # a repeated job: told already (and the retake notice is scheduled)
    what = (
        f"the refresher of “{test.title}”"
        if attempt.purpose == AttemptPurpose.REFRESHER
        else (f"“{test.title}”")
    )
    score = f"You scored {_percent(attempt)} (the pass mark is {test.pass_mark}%)."
    if attempt.passed:
        title = f"You passed {what}"
        body = score + (
            " The refresher is done: you may claim work again."
            if attempt.purpose == AttemptPurpose.REFRESHER
            else " The projects it qualifies you for are listed on your Work page."
        )
    else:
        title = f"You did not pass {what}"
        body = score + " " + _next_attempt(db, user, test, attempt)
    notify_once(db, [user.id], kinds.TEST_RESULT, title, body, link)


def _percent(attempt: Attempt) -> str:
    percent = (attempt.result or {}).get("percent")
    return f"{percent:g}%" if isinstance(percent, int | float) else "below the pass mark"


def _next_attempt(db: Session, user: User, test: AssessmentTest, attempt: Attempt) -> str:
    """What the result says about trying again; schedules the retake notice when it waits."""
    if attempt.purpose != AttemptPurpose.QUALIFY:
        return "Take the refresher again from your Tests page."
    status, _ = status_for(db, user, test, utcnow())
    if status.state == RetakeState.AVAILABLE:
        return "You may take it again now."
    if status.state == RetakeState.COOLDOWN and status.next_attempt_at is not None:
        _schedule_retake(db, user.id, test.id, attempt.id, status)
        return (
            f"Your next attempt opens {when_text(status.next_attempt_at)}; we will tell you then."
        )
    if status.state == RetakeState.LOCKED:
        return "No attempts are left on this test."
    return ""


def _schedule_retake(
    db: Session, user_id: int, test_id: int, attempt_id: int, status: RetakeStatus
) -> None:
    enqueue(
        db,
        RETAKE_OPEN,
        {"user_id": user_id, "test_id": test_id, "attempt_id": attempt_id},
        run_after=status.next_attempt_at,
    )


@handler(RETAKE_OPEN)
def retake_open(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    """At the moment a cooldown ends: "Your next attempt at “T” is open", unless the
    contributor tried again meanwhile (or the test closed); a longer cooldown set since
    moves the notice to the new time."""
    user = db.get(User, payload["user_id"])
    test = db.get(AssessmentTest, payload["test_id"])
    if user is None or test is None or test.status != TestStatus.PUBLISHED:
        return
    status, attempts = status_for(db, user, test, utcnow())
    finished = [
        a for a in attempts if a.purpose == AttemptPurpose.QUALIFY and a.finished_at is not None
    ]
    if not finished or finished[-1].id != payload["attempt_id"]:
        return  # a newer attempt was made: its own result said what comes next
    if status.state == RetakeState.COOLDOWN and status.next_attempt_at is not None:
        _schedule_retake(db, user.id, test.id, payload["attempt_id"], status)
        return
    if status.state != RetakeState.AVAILABLE:
        return
    left = (
        f" ({status.attempts_left} attempt{'s' if status.attempts_left != 1 else ''} left)"
        if status.attempts_left is not None
        else ""
    )
    notify_once(
        db,
        [user.id],
        kinds.RETAKE_OPEN,
        f"You can take “{test.title}” again",
        f"Your next attempt is open now{left}. Review the sections your last result pointed "
        "to before you start.",
        f"/tests/{test.id}",
        since=finished[-1].finished_at,
    )


@on(Action.PROJECT_STATUS_CHANGED, PROJECT_CANCELLED)
def project_cancelled(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    """ "“P” was cancelled": everyone who ever held a task on it, once each (a notice of the same
    kind before the cancellation, "you no longer meet its requirements", does not count)."""
    if (payload.get("details") or {}).get("to") != ProjectStatus.CANCELLED.value:
        return
    project = db.get(Project, payload["target_id"])
    if project is None or project.status != ProjectStatus.CANCELLED:
        return
    workers = db.scalars(
        select(Assignment.user_id).where(Assignment.project_id == project.id).distinct()
    )
    notify_once(
        db,
        sorted(workers),
        kinds.REMOVED,
        f"“{project.name}” was cancelled",
        "The requester cancelled this project: its tasks can no longer be claimed or answered, "
        "and a task you held on it has ended. Every answer you submitted is kept.",
        f"/work#project-{project.id}",
        since=event_time(db, payload),
    )


@on(Action.ASSIGNMENT_RELEASED, TASK_RELEASED)
def task_released(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    """ "A task you held on “P” was withdrawn" (its item was removed): once per contributor and
    project while unread. A cancelled project's released tasks are told by `project_cancelled`."""
    details = payload.get("details") or {}
    project = db.get(Project, details.get("project_id"))
    user_id = details.get("user_id")
    if project is None or user_id is None or project.status == ProjectStatus.CANCELLED:
        return
    link = f"/work#project-{project.id}"
    if already_notified(db, user_id, kinds.TASK_WITHDRAWN, link):
        return  # several tasks released at once: one notification says it
    notify_once(
        db,
        [user_id],
        kinds.TASK_WITHDRAWN,
        f"A task you held on “{project.name}” was withdrawn",
        "The requester removed the item you were working on, so your task ended and cannot be "
        "answered any more. Claim another from your Work page.",
        link,
        since=event_time(db, payload),
    )
