"""Attempts on SQLite and PostgreSQL: grading, qualifications, skills, retakes, expiry, races."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.assessments import models, service
from labelpool.assessments.grading import select_questions
from labelpool.assessments.models import (
    Attempt,
    AttemptStatus,
    ContributorSkill,
    Qualification,
)
from labelpool.audit.models import AuditEvent
from labelpool.contributors import service as contributors
from labelpool.contributors.enums import ContributorState
from labelpool.db.engine import make_session_factory
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tests.assessments.builders import (
    RATING_CONTROL,
    TAGS_CONTROL,
    make_project,
    make_test,
    org_with_requester,
)
from tests.factories import make_active_contributor, make_user


def answer_all(db: Session, user: User, attempt: Attempt, answers: list[object]) -> None:
    for qid, value in zip(attempt.question_ids, answers, strict=False):
        service.answer_question(db, user, attempt, qid, value, now=attempt.started_at)


def test_pass_grants_the_qualification_and_sets_the_skill_level(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=3, pass_mark=60)
    attempt = service.start_attempt(db, contributor, test)
    answer_all(db, contributor, attempt, ["negative", "negative", "positive"])
    service.submit_attempt(db, contributor, attempt)
    db.commit()
    assert attempt.status == AttemptStatus.SUBMITTED
    assert attempt.passed and attempt.score == pytest.approx(2 / 3)
    assert attempt.result is not None and attempt.result["percent"] == 66.7
    held = service.qualifications_of(db, contributor.id)
    assert [(q.test_id, q.key, q.attempt_id) for q in held] == [
        (test.id, test.qualification_key, attempt.id)
    ]
    assert service.qualification_keys(db, contributor.id) == {test.qualification_key}
    assert service.has_qualification(db, contributor.id, test_id=test.id)
    assert service.skill_levels(db, contributor.id) == {"grammar": 67}
    skill = service.skills_of(db, contributor.id)[0]
    assert (skill.source, skill.source_attempt_id) == ("test", attempt.id)
    status, _ = service.status_for(db, contributor, test, utcnow())
    assert status.state == "passed" and not status.can_start


def test_fail_changes_nothing_but_the_attempt(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=3, pass_mark=60)
    attempt = service.start_attempt(db, contributor, test)
    answer_all(db, contributor, attempt, ["negative", "positive", "positive"])
    service.submit_attempt(db, contributor, attempt)
    db.commit()
    assert attempt.passed is False
    assert db.scalar(select(func.count()).select_from(Qualification)) == 0
    assert db.scalar(select(func.count()).select_from(ContributorSkill)) == 0
    assert attempt.result is not None and attempt.result["restudy"] == ["2.2", "3"]


def test_partial_credit_counts_towards_the_pass_mark(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=0, publish=False, pass_mark=70)
    for control, correct in ((RATING_CONTROL, 5), (TAGS_CONTROL, ["price", "delivery"])):
        service.add_question(
            db, requester, test, data={"text": "x"}, control=control, correct_answer=correct
        )
    service.set_status(db, requester, test, models.TestStatus.PUBLISHED)
    attempt = service.start_attempt(db, contributor, test)
    answer_all(db, contributor, attempt, [4, ["price", "delivery"]])  # 0.75 and 1.0
    service.submit_attempt(db, contributor, attempt)
    assert attempt.score == pytest.approx(0.875) and attempt.passed


def test_training_mode_feedback_comes_only_after_answering_and_is_final(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=2, mode=models.TestMode.TRAINING)
    attempt = service.start_attempt(db, contributor, test)
    view = service.attempt_view(db, attempt)
    assert [q.feedback for q in view.questions] == [None, None]
    first = attempt.question_ids[0]
    _, feedback = service.answer_question(db, contributor, attempt, first, "positive")
    assert feedback is not None
    assert (feedback.correct, feedback.correct_answer, feedback.guideline_section) == (
        False,
        "negative",
        "2.1",
    )
    with pytest.raises(Conflict, match="answers are final"):
        service.answer_question(db, contributor, attempt, first, "negative")
    view = service.attempt_view(db, attempt)
    assert view.questions[0].feedback is not None and view.questions[1].feedback is None


def test_exam_answers_can_change_until_submitted_and_bad_answers_are_refused(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=1, pass_mark=100)
    attempt = service.start_attempt(db, contributor, test)
    qid = attempt.question_ids[0]
    _, feedback = service.answer_question(db, contributor, attempt, qid, "positive")
    assert feedback is None
    service.answer_question(db, contributor, attempt, qid, "negative")
    with pytest.raises(InvalidInput, match="not one of the options"):
        service.answer_question(db, contributor, attempt, qid, "angry")
    with pytest.raises(NotFound):
        service.answer_question(db, contributor, attempt, qid + 999, "negative")
    other = make_active_contributor(db)
    with pytest.raises(NotFound):
        service.answer_question(db, other, attempt, qid, "negative")
    service.submit_attempt(db, contributor, attempt)
    assert attempt.passed
    with pytest.raises(Conflict, match="finished"):
        service.answer_question(db, contributor, attempt, qid, "positive")
    again = service.submit_attempt(db, contributor, attempt)  # idempotent
    assert again.passed and again.status == AttemptStatus.SUBMITTED


def test_cooldown_max_attempts_and_lockout_through_the_service(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(
        db, requester, organization, questions=1, cooldown_seconds=3600, max_attempts=2
    )
    t0 = utcnow()
    first = service.start_attempt(db, contributor, test, now=t0)
    service.submit_attempt(db, contributor, first, now=t0)  # unanswered: fails
    with pytest.raises(Conflict) as cooling:
        service.start_attempt(db, contributor, test, now=t0 + timedelta(seconds=3599))
    assert cooling.value.code == "test_cooldown"
    assert cooling.value.details["attempts_left"] == 1
    second = service.start_attempt(db, contributor, test, now=t0 + timedelta(seconds=3600))
    service.submit_attempt(db, contributor, second, now=t0 + timedelta(seconds=3700))
    with pytest.raises(Conflict) as locked:
        service.start_attempt(db, contributor, test, now=t0 + timedelta(days=400))
    assert locked.value.code == "test_locked"
    # The lockout is for this test only.
    other = make_test(db, requester, organization, questions=1, title="Another test")
    assert service.start_attempt(db, contributor, other, now=t0 + timedelta(days=400))


def test_immediate_retake_and_a_second_open_attempt_is_refused(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=1)
    first = service.start_attempt(db, contributor, test)
    with pytest.raises(Conflict) as busy:
        service.start_attempt(db, contributor, test)
    assert busy.value.code == "attempt_in_progress"
    assert busy.value.details == {"attempt_id": first.id}
    service.submit_attempt(db, contributor, first)
    assert service.start_attempt(db, contributor, test).id != first.id


def test_expired_attempts_are_graded_as_submitted_when_read_or_by_the_job(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=2, time_limit_seconds=60, pass_mark=50)
    t0 = utcnow()
    attempt = service.start_attempt(db, contributor, test, now=t0)
    service.answer_question(db, contributor, attempt, attempt.question_ids[0], "negative", now=t0)
    db.commit()
    late = t0 + timedelta(seconds=60)
    with pytest.raises(Conflict, match="time ran out"):
        service.answer_question(
            db, contributor, attempt, attempt.question_ids[1], "negative", now=late
        )
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.finished_at == attempt.deadline_at
    assert attempt.passed and attempt.score == pytest.approx(0.5)  # graded like a submission
    assert service.has_qualification(db, contributor.id, test_id=test.id)

    other = make_active_contributor(db)
    open_one = service.start_attempt(db, other, test, now=t0)
    db.commit()
    assert service.grade_expired_attempts(db, t0 + timedelta(seconds=59)) == 0
    assert service.grade_expired_attempts(db, t0 + timedelta(seconds=61)) == 1
    assert open_one.status == AttemptStatus.EXPIRED and open_one.passed is False
    assert service.grade_expired_attempts(db, t0 + timedelta(seconds=120)) == 0
    # A new start grades the old one first and applies the policy to it.
    third = make_active_contributor(db)
    stale = service.start_attempt(db, third, test, now=t0)
    fresh = service.start_attempt(db, third, test, now=t0 + timedelta(minutes=5))
    assert stale.status == AttemptStatus.EXPIRED and fresh.status == AttemptStatus.IN_PROGRESS


def test_subset_is_drawn_once_and_stored_with_its_seed(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=6, subset_size=3, shuffle=True)
    attempt = service.start_attempt(db, contributor, test)
    db.commit()
    assert len(attempt.question_ids) == 3
    pool = service.question_ids_of(db, test)
    redrawn = select_questions(pool, attempt.seed, subset_size=3, shuffle=True)
    assert attempt.question_ids == redrawn
    view = service.attempt_view(db, attempt)
    assert [q.id for q in view.questions] == attempt.question_ids
    with pytest.raises(InvalidInput, match="cannot draw 7"):
        service.update_test(db, requester, test, {"subset_size": 7})


def test_concurrent_starts_by_two_sessions_are_refused(
    engine: Engine, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=1)
    factory = make_session_factory(engine)
    first, second = factory(), factory()
    outcome: dict[str, object] = {}
    try:
        user_a = first.get(User, contributor.id)
        test_a = first.get(type(test), test.id)
        assert user_a is not None and test_a is not None
        service.start_attempt(first, user_a, test_a)  # flushed, not committed

        def race() -> None:
            try:
                user_b = second.get(User, contributor.id)
                test_b = second.get(type(test), test.id)
                assert user_b is not None and test_b is not None
                service.start_attempt(second, user_b, test_b)
                second.commit()
                outcome["result"] = "started"
            except Conflict as exc:
                second.rollback()
                outcome["result"] = exc.code
            except Exception as exc:  # pragma: no cover - shown on failure
                outcome["result"] = repr(exc)

        thread = threading.Thread(target=race)
        thread.start()
        time.sleep(0.5)  # let the second session read and block on the first one's insert
        first.commit()
        thread.join(timeout=30)
    finally:
        first.close()
        second.close()
    assert outcome["result"] == "attempt_in_progress"
    assert db.scalar(select(func.count()).select_from(Attempt)) == 1


def test_building_tests_checks_targets_keys_and_tenancy(
    db: Session, organization: Organization, requester: User
) -> None:
    project = make_project(db, requester, organization)
    with pytest.raises(InvalidInput, match="needs the skill"):
        service.create_test(db, requester, organization.id, title="T", kind=models.TestKind.SKILL)
    with pytest.raises(InvalidInput, match="exactly one"):
        service.create_test(
            db, requester, organization.id, title="T", kind=models.TestKind.QUALIFICATION
        )
    with pytest.raises(InvalidInput, match="not a project type"):
        service.create_test(
            db,
            requester,
            organization.id,
            title="T",
            kind=models.TestKind.QUALIFICATION,
            project_type="smell",
        )
    by_type = service.create_test(
        db,
        requester,
        organization.id,
        title="Sentiment qualification",
        kind=models.TestKind.QUALIFICATION,
        project_type="text-sentiment",
    )
    assert by_type.qualification_key == f"sentiment-qualification-{by_type.id}"
    for_project = service.create_test(
        db,
        requester,
        organization.id,
        title="P",
        kind=models.TestKind.QUALIFICATION,
        project_id=project.id,
        qualification_key="Reviews.Q1",
    )
    assert for_project.qualification_key == "reviews.q1"
    with pytest.raises(Conflict, match="Add at least one question"):
        service.set_status(db, requester, for_project, models.TestStatus.PUBLISHED)
    other_org, stranger = org_with_requester(db, "Other")
    with pytest.raises(NotFound):
        service.test_for_manager(db, stranger, for_project.id)
    with pytest.raises(NotFound):
        service.create_test(
            db, stranger, organization.id, title="T", kind=models.TestKind.SKILL, skill_key="x"
        )
    with pytest.raises(NotFound):  # drafts are hidden from takers
        service.test_for_taker(db, make_user(db), for_project.id)
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    with pytest.raises(PermissionDenied):
        service.test_for_manager(db, reviewer, for_project.id)
    assert other_org.id != organization.id


def test_admins_set_skill_levels_by_hand_and_a_pass_never_lowers_them(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    admin = make_user(db, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        service.set_skill_level(db, requester, contributor.id, "grammar", 50)
    with pytest.raises(InvalidInput):
        service.set_skill_level(db, admin, contributor.id, "grammar", 101)
    service.set_skill_level(db, admin, contributor.id, "grammar", 90, "interview")
    db.commit()
    test = make_test(db, requester, organization, questions=3, pass_mark=60)
    attempt = service.start_attempt(db, contributor, test)
    answer_all(db, contributor, attempt, ["negative", "negative", "positive"])
    service.submit_attempt(db, contributor, attempt)
    assert attempt.passed
    assert service.skill_levels(db, contributor.id) == {"grammar": 90}
    assert service.skills_of(db, contributor.id)[0].source == "manual"
    logged = db.scalar(select(AuditEvent).where(AuditEvent.action == "skill.set"))
    assert logged is not None and logged.reason == "interview"
    assert logged.details == {"skill": "grammar", "from": None, "to": 90}


def test_only_active_contributors_start_tests(
    db: Session, organization: Organization, requester: User
) -> None:
    test = make_test(db, requester, organization, questions=2)
    applicant = make_user(db)
    with pytest.raises(PermissionDenied, match="not active yet") as caught:
        service.start_attempt(db, applicant, test)
    assert caught.value.code == "account_not_active"
    suspended = make_active_contributor(db)
    admin = make_user(db, role=Role.ADMIN)
    contributors.change_state(db, admin, suspended.id, ContributorState.SUSPENDED, "Fraud check")
    with pytest.raises(PermissionDenied, match="not active yet"):
        service.start_attempt(db, suspended, test)
    assert service.attempts_of(db, applicant, test, utcnow()) == []
