"""Each kind of notification follows its event, through real service calls and the job runner,
on both databases: written in the event's transaction (a rolled-back change notifies nobody),
never twice however often a job runs."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.assessments import models as assessment_models
from labelpool.assessments import service as assessments
from labelpool.assessments.models import AssessmentTest, Attempt
from labelpool.config import Settings
from labelpool.eligibility import service as eligibility
from labelpool.eligibility.rules import Requirements
from labelpool.guidelines import service as guidelines_service
from labelpool.jobs.models import OutboxJob
from labelpool.notifications import kinds
from labelpool.notifications.jobs import SEND_EMAIL
from labelpool.notifications.models import Notification
from labelpool.notifications.subscriptions import RETAKE_OPEN
from labelpool.projects import service as projects
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.work import claims, reported
from labelpool.work.models import Assignment, AssignmentStatus
from tests.assessments.builders import (
    GUIDELINES_V1,
    make_guidelines,
    make_project,
    make_test,
    org_with_requester,
)
from tests.factories import make_active_contributor
from tests.notifications.runs import count_all, drain, kinds_of, notifications_of, replay_done
from tests.work.helpers import contributors, work_project

WORK_KINDS = {
    kinds.NEW_PROJECT,
    kinds.RETAKE_OPEN,
    kinds.TEST_RESULT,
    kinds.REMOVED,
    kinds.REFRESHER_REQUIRED,
    kinds.TASK_WITHDRAWN,
}


def work_kinds(db: Session, user: User) -> list[str]:
    """The user's notifications of the work loop's kinds (not the account's), oldest first."""
    return [k for k in kinds_of(db, user.id) if k in WORK_KINDS]


def _told(db: Session) -> Counter[tuple[int, str, str | None]]:
    db.rollback()
    rows = db.execute(select(Notification.user_id, Notification.kind, Notification.link))
    return Counter((user_id, kind, link) for user_id, kind, link in rows)


def assert_replay_notifies_nobody_twice(db: Session, engine: Engine, settings: Settings) -> None:
    """Every job that ran runs once more: nobody told something gets it a second time."""
    before = _told(db)
    assert replay_done(db) > 0
    drain(engine, settings)
    after = _told(db)
    assert {key: after[key] for key in before} == dict(before)


def draft_project(db: Session, items: int = 2) -> tuple[User, Project]:
    """A draft project of the organization "Acme" with `items` items (not yet active)."""
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    project.overlap = 1
    for n in range(items):
        db.add(Item(project_id=project.id, data={"text": f"review {n}"}))
    project.item_count = items
    db.commit()
    return requester, project


def test_new_project_tells_the_eligible_contributors(
    db: Session, engine: Engine, settings: Settings
) -> None:
    kenyan = make_active_contributor(db, country="KE")
    german = make_active_contributor(db, country="DE")
    requester, project = draft_project(db)
    eligibility.save_requirements(db, requester, project, Requirements(countries_allowed=["KE"]))
    db.commit()
    drain(engine, settings)
    assert work_kinds(db, kenyan) == []  # a draft is nobody's news

    projects.change_status(db, requester, project, ProjectStatus.ACTIVE)
    db.commit()
    drain(engine, settings)
    (notice,) = notifications_of(db, kenyan.id, kinds.NEW_PROJECT)
    assert notice.title == "New project open to you: “Reviews”"
    assert notice.link == f"/work#project-{project.id}"
    assert work_kinds(db, german) == []  # not eligible: not told
    assert work_kinds(db, requester) == []

    # Paused and active again: not new any more.
    projects.change_status(db, requester, project, ProjectStatus.PAUSED)
    projects.change_status(db, requester, project, ProjectStatus.ACTIVE)
    db.commit()
    drain(engine, settings)
    assert work_kinds(db, kenyan) == [kinds.NEW_PROJECT]
    assert_replay_notifies_nobody_twice(db, engine, settings)


def move_back(db: Session, attempt: Attempt, by: timedelta) -> None:
    """As if the attempt had been made `by` earlier."""
    db.refresh(attempt)
    assert attempt.finished_at is not None
    db.execute(
        update(Attempt)
        .where(Attempt.id == attempt.id)
        .values(started_at=attempt.started_at - by, finished_at=attempt.finished_at - by)
    )
    db.commit()


def _failed_attempt(db: Session, contributor: User, test: AssessmentTest) -> Attempt:
    attempt = assessments.start_attempt(db, contributor, test)
    assessments.submit_attempt(db, contributor, attempt)  # nothing answered: fails
    db.commit()
    return attempt


def test_a_test_result_and_the_retake_opening(
    db: Session, engine: Engine, settings: Settings
) -> None:
    organization, requester = org_with_requester(db)
    test = make_test(
        db, requester, organization, questions=1, cooldown_seconds=3600, max_attempts=3
    )
    contributor = make_active_contributor(db)
    attempt = _failed_attempt(db, contributor, test)
    drain(engine, settings)
    (result,) = notifications_of(db, contributor.id, kinds.TEST_RESULT)
    assert result.title == "You did not pass “Sentiment test”"
    assert "the pass mark is 60%" in result.body and "Your next attempt opens" in result.body
    assert result.link == f"/attempts/{attempt.id}/result"
    assert notifications_of(db, contributor.id, kinds.RETAKE_OPEN) == []  # cooling down

    # An hour later (the attempt is moved back an hour, the runner runs an hour on).
    move_back(db, attempt, timedelta(hours=1))
    drain(engine, settings, later=3601)
    (retake,) = notifications_of(db, contributor.id, kinds.RETAKE_OPEN)
    assert retake.title == "You can take “Sentiment test” again"
    assert "2 attempts left" in retake.body and retake.link == f"/tests/{test.id}"
    assert_replay_notifies_nobody_twice(db, engine, settings)


def test_a_retake_notice_is_dropped_when_the_contributor_tried_again(
    db: Session, engine: Engine, settings: Settings
) -> None:
    organization, requester = org_with_requester(db)
    test = make_test(db, requester, organization, questions=1, cooldown_seconds=60)
    contributor = make_active_contributor(db)
    first = _failed_attempt(db, contributor, test)
    drain(engine, settings)
    move_back(db, first, timedelta(minutes=2))
    second = assessments.start_attempt(db, contributor, test)
    assessments.answer_question(db, contributor, second, second.question_ids[0], "negative")
    assessments.submit_attempt(db, contributor, second)
    db.commit()
    drain(engine, settings, later=120)
    titles = [n.title for n in notifications_of(db, contributor.id, kinds.TEST_RESULT)]
    assert titles == ["You did not pass “Sentiment test”", "You passed “Sentiment test”"]
    assert notifications_of(db, contributor.id, kinds.RETAKE_OPEN) == []
    ran = db.scalar(
        select(func.count()).select_from(OutboxJob).where(OutboxJob.handler == RETAKE_OPEN)
    )
    assert ran == 1  # it ran, and found the newer attempt


def test_cancelling_tells_everyone_who_worked_on_the_project(
    db: Session, engine: Engine, settings: Settings
) -> None:
    setup = work_project(db, items=3)
    drain(engine, settings)  # its "new project" notices go to nobody yet
    holder, other, bystander = contributors(db, 3)
    held = claims.claim(db, holder, setup.project.id)
    claims.claim(db, other, setup.project.id)
    db.commit()
    drain(engine, settings)

    projects.change_status(db, setup.requester, setup.project, ProjectStatus.CANCELLED)
    db.commit()
    drain(engine, settings)
    for worker in (holder, other):
        (notice,) = notifications_of(db, worker.id, kinds.REMOVED)
        assert notice.title == "“Reviews” was cancelled"
        assert "Every answer you submitted is kept" in notice.body
        assert work_kinds(db, worker) == [kinds.REMOVED]  # no second "task released" notice
    assert work_kinds(db, bystander) == []
    assert db.get(Assignment, held.assignment.id).status == AssignmentStatus.RELEASED  # type: ignore[union-attr]
    assert_replay_notifies_nobody_twice(db, engine, settings)


def test_requirements_that_leave_someone_out_tell_them(
    db: Session, engine: Engine, settings: Settings
) -> None:
    setup = work_project(db, items=3)
    drain(engine, settings)  # its "new project" notices go to nobody yet
    kenyan = make_active_contributor(db, country="KE")
    nigerian = make_active_contributor(db, country="NG")
    newcomer = make_active_contributor(db, country="KE")  # never worked on it
    for worker in (kenyan, nigerian):
        claims.claim(db, worker, setup.project.id)
    db.commit()
    eligibility.save_requirements(
        db, setup.requester, setup.project, Requirements(countries_allowed=["NG"])
    )
    db.commit()
    drain(engine, settings)
    (notice,) = notifications_of(db, kenyan.id, kinds.REMOVED)
    assert notice.title == "You no longer meet the requirements of “Reviews”"
    assert "Not met now: Lives in one of the project's countries (you: Kenya)" in notice.body
    assert work_kinds(db, nigerian) == []
    assert work_kinds(db, newcomer) == []
    assert_replay_notifies_nobody_twice(db, engine, settings)

    # Later changes that leave someone out tell them, again (a new event each).
    eligibility.save_requirements(
        db, setup.requester, setup.project, Requirements(countries_allowed=["KE"])
    )
    db.commit()
    drain(engine, settings)
    eligibility.save_requirements(
        db, setup.requester, setup.project, Requirements(countries_allowed=["NG", "GH"])
    )
    db.commit()
    drain(engine, settings)
    assert len(notifications_of(db, kenyan.id, kinds.REMOVED)) == 2
    assert len(notifications_of(db, nigerian.id, kinds.REMOVED)) == 1


def test_removing_an_item_tells_its_holder_their_task_was_withdrawn(
    db: Session, engine: Engine, settings: Settings
) -> None:
    setup = work_project(db, items=1)
    drain(engine, settings)  # its "new project" notices go to nobody yet
    (holder,) = contributors(db, 1)
    claimed = claims.claim(db, holder, setup.project.id)
    db.commit()
    reported.remove(db, setup.requester, setup.project, claimed.item.id, note="duplicate")
    db.commit()
    drain(engine, settings)
    (notice,) = notifications_of(db, holder.id, kinds.TASK_WITHDRAWN)
    assert notice.title == "A task you held on “Reviews” was withdrawn"
    assert notifications_of(db, holder.id, kinds.REMOVED) == []  # still on the project
    assert_replay_notifies_nobody_twice(db, engine, settings)


def _qualified_on_guidelines(db: Session) -> tuple[User, User, object]:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    guidelines = make_guidelines(db, requester, organization, [project])
    test = make_test(
        db,
        requester,
        organization,
        questions=3,
        pass_mark=100,
        kind=assessment_models.TestKind.QUALIFICATION,
        project_id=project.id,
        guidelines_id=guidelines.id,
    )
    contributor = make_active_contributor(db)
    attempt = assessments.start_attempt(db, contributor, test)
    for question_id in attempt.question_ids:
        assessments.answer_question(db, contributor, attempt, question_id, "negative")
    assessments.submit_attempt(db, contributor, attempt)
    db.commit()
    assert attempt.passed
    return requester, contributor, guidelines


def test_a_material_guideline_change_requires_a_refresher(
    db: Session, engine: Engine, settings: Settings
) -> None:
    requester, contributor, guidelines = _qualified_on_guidelines(db)
    drain(engine, settings)
    assert work_kinds(db, contributor) == [kinds.TEST_RESULT]
    body = GUIDELINES_V1.replace("Facts and questions", "Facts, greetings and questions")
    guidelines_service.publish_version(db, requester, guidelines, body, material=True)  # type: ignore[arg-type]
    db.commit()
    # Written with the publish, in its transaction, with its e-mail job.
    (notice,) = notifications_of(db, contributor.id, kinds.REFRESHER_REQUIRED)
    assert notice.title == "'Sentiment' updated to version 2: refresher required"
    assert "pass the short refresher" in notice.body and notice.link == "/tests"
    emails = db.scalars(select(OutboxJob.payload).where(OutboxJob.handler == SEND_EMAIL)).all()
    assert {"notification_id": notice.id} in emails
    drain(engine, settings)
    assert work_kinds(db, contributor) == [kinds.TEST_RESULT, kinds.REFRESHER_REQUIRED]
    assert_replay_notifies_nobody_twice(db, engine, settings)


def test_a_rolled_back_change_notifies_nobody(
    db: Session, engine: Engine, settings: Settings
) -> None:
    setup = work_project(db, items=2)
    drain(engine, settings)  # its "new project" notices go to nobody yet
    (worker,) = contributors(db, 1)
    claims.claim(db, worker, setup.project.id)
    db.commit()
    requester, contributor, guidelines = _qualified_on_guidelines(db)
    drain(engine, settings)
    notifications_before = count_all(db)
    jobs_before = db.scalar(select(func.count()).select_from(OutboxJob))

    projects.change_status(db, setup.requester, setup.project, ProjectStatus.CANCELLED)
    eligibility.save_requirements(
        db, setup.requester, setup.project, Requirements(countries_allowed=["NG"])
    )
    body = GUIDELINES_V1.replace("Facts and questions", "Facts, greetings and questions")
    guidelines_service.publish_version(db, requester, guidelines, body, material=True)  # type: ignore[arg-type]
    db.rollback()

    drain(engine, settings)
    assert count_all(db) == notifications_before
    assert db.scalar(select(func.count()).select_from(OutboxJob)) == jobs_before
    assert work_kinds(db, worker) == []
    assert work_kinds(db, contributor) == [kinds.TEST_RESULT]
    assert db.get(Project, setup.project.id).status == ProjectStatus.ACTIVE  # type: ignore[union-attr]


def test_requester_staff_get_no_work_notices(
    db: Session, engine: Engine, settings: Settings
) -> None:
    """Staff previewing a test are not told results (a preview grants nothing)."""
    organization, requester = org_with_requester(db)
    test = make_test(db, requester, organization, questions=1)
    assert requester.role == Role.REQUESTER
    preview = assessments.start_attempt(db, requester, test)
    assessments.submit_attempt(db, requester, preview)
    db.commit()
    drain(engine, settings)
    assert work_kinds(db, requester) == []
