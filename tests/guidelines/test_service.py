"""Guidelines on SQLite and PostgreSQL: versions, diffs, examples, Q&A, refreshers."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.assessments import models as assessment_models
from labelpool.assessments import refreshers
from labelpool.assessments import service as assessments
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labelpool.guidelines import service
from labelpool.notifications.models import Notification
from labelpool.projects.models import ProjectStatus
from tests.assessments.builders import (
    GUIDELINES_V1,
    make_guidelines,
    make_project,
    make_test,
    org_with_requester,
)
from tests.factories import make_active_contributor

CHANGED_2_1 = GUIDELINES_V1.replace("Likes or dislikes.", "Likes, praises, or dislikes.")


def notifications(db: Session, user: User) -> list[Notification]:
    """Unread notifications (the fixtures' contributors start with an empty inbox)."""
    return list(
        db.scalars(
            select(Notification).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
    )


def test_versions_are_numbered_immutable_and_diffed(
    db: Session, organization: Organization, requester: User
) -> None:
    guidelines = make_guidelines(db, requester, organization)
    first = service.get_version(db, guidelines)
    assert (first.number, first.changes["added"]) == (1, ["1", "2", "2.1", "2.2", "3"])
    assert [s["number"] for s in first.sections] == ["1", "2", "2.1", "2.2", "3"]
    published = service.publish_version(
        db, requester, guidelines, CHANGED_2_1 + "\n## 4. Emojis\nCount them.\n", note="Praise."
    )
    db.commit()
    assert guidelines.current_version == 2
    assert published.version.changes == {"added": ["4"], "removed": [], "changed": ["2.1"]}
    assert service.get_version(db, guidelines, 1).body == GUIDELINES_V1  # unchanged
    assert [v.number for v in service.list_versions(db, guidelines)] == [2, 1]
    diff = service.compare_versions(db, guidelines, 1, 2)
    assert diff.text_diff.startswith("--- version 1\n+++ version 2\n")
    with pytest.raises(Conflict, match="Nothing changed"):
        service.publish_version(db, requester, guidelines, published.version.body)
    with pytest.raises(InvalidInput, match="no numbered sections"):
        service.publish_version(db, requester, guidelines, "Just text.")
    with pytest.raises(NotFound, match="no version 7"):
        service.get_version(db, guidelines, 7)


def test_examples_questions_and_the_faq(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    project = make_project(db, requester, organization)
    guidelines = make_guidelines(db, requester, organization, [project])
    # Contributors read guidelines only once they are in use.
    with pytest.raises(NotFound):
        service.guidelines_for_reader(db, contributor, guidelines.id)
    project.status = ProjectStatus.ACTIVE
    db.commit()
    assert service.guidelines_for_reader(db, contributor, guidelines.id) is guidelines
    assert guidelines in service.list_guidelines(db, contributor)
    with pytest.raises(PermissionDenied):
        service.guidelines_for_manager(db, contributor, guidelines.id)

    example = service.add_example(
        db,
        requester,
        guidelines,
        section="2.1",
        data={"text": "Love it"},
        answer="positive",
        explanation="Clear praise.",
    )
    assert service.examples_by_section(db, guidelines) == {"2.1": [example]}
    with pytest.raises(InvalidInput, match="Section 9 is not in the current version"):
        service.add_example(
            db,
            requester,
            guidelines,
            section="9",
            data={"text": "x"},
            answer=None,
            explanation="x",
        )
    asked = service.ask_question(
        db, contributor, guidelines, section="3.", question="Is irony sarcasm?"
    )
    assert asked.section == "3" and asked.version_number == 1
    assert [n.kind for n in notifications(db, requester)] == ["guidelines.question"]
    other = make_active_contributor(db)
    assert service.list_questions(db, other, guidelines) == []  # not answered yet, not theirs
    assert service.list_questions(db, contributor, guidelines) == [asked]
    assert service.faq(db, guidelines) == {}
    with pytest.raises(PermissionDenied):
        service.answer_question(db, contributor, guidelines, asked.id, "Yes")
    service.answer_question(db, requester, guidelines, asked.id, "Yes: label the meaning.")
    db.commit()
    assert service.faq(db, guidelines) == {"3": [asked]}
    assert service.list_questions(db, other, guidelines) == [asked]
    assert service.list_questions(db, requester, guidelines, unanswered_only=True) == []
    assert [n.kind for n in notifications(db, contributor)] == ["guidelines.answer"]


def test_other_tenants_see_nothing(
    db: Session, organization: Organization, requester: User
) -> None:
    guidelines = make_guidelines(db, requester, organization)
    other, stranger = org_with_requester(db, "Other")
    with pytest.raises(NotFound):
        service.guidelines_for_reader(db, stranger, guidelines.id)
    assert service.list_guidelines(db, stranger) == []
    project = make_project(db, stranger, other)
    with pytest.raises(NotFound):
        service.link_project(db, requester, guidelines, project.id)


def test_material_change_requires_a_refresher_of_the_changed_sections_only(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
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
        max_attempts=1,
    )
    attempt = assessments.start_attempt(db, contributor, test)
    for qid in attempt.question_ids:
        assessments.answer_question(db, contributor, attempt, qid, "negative")
    assessments.submit_attempt(db, contributor, attempt)
    db.commit()
    assert attempt.passed
    assert refreshers.project_contributor_ids(db, project) == [contributor.id]
    assert refreshers.can_claim_work(db, contributor.id, project.id) == (True, "")

    # A wording change that is not material: notified, not blocked.
    minor = service.publish_version(db, requester, guidelines, CHANGED_2_1)
    assert (minor.notified, minor.refreshers) == (1, 0)
    assert notifications(db, contributor)[-1].kind == "guidelines.updated"
    assert refreshers.can_claim_work(db, contributor.id, project.id)[0]

    # A material change to 2.2: only the question on 2.2 must be retaken.
    body = CHANGED_2_1.replace("Facts and questions", "Facts, greetings and questions")
    material = service.publish_version(db, requester, guidelines, body, material=True)
    db.commit()
    assert (material.notified, material.refreshers) == (1, 1)
    assert notifications(db, contributor)[-1].kind == "guidelines.refresher_required"
    allowed, reason = refreshers.can_claim_work(db, contributor.id, project.id)
    assert not allowed and "version 3" in reason and "sections 2.2" in reason
    (pending,) = refreshers.open_refreshers(db, contributor.id)
    questions = assessments.list_questions(db, test)
    on_2_2 = [q.id for q in questions if q.guideline_section == "2.2"]
    assert pending.question_ids == on_2_2 and pending.sections == ["2.2"]

    # The refresher holds just those questions; failing it keeps the block.
    refresher = assessments.start_refresher(db, contributor, test.id)
    assert refresher.question_ids == on_2_2
    assessments.answer_question(db, contributor, refresher, on_2_2[0], "positive")
    assessments.submit_attempt(db, contributor, refresher)
    assert refresher.passed is False
    assert not refreshers.can_claim_work(db, contributor.id, project.id)[0]
    # Refreshers are not bound by the test's one-attempt policy; passing lifts the block.
    again = assessments.start_refresher(db, contributor, test.id)
    assessments.answer_question(db, contributor, again, on_2_2[0], "negative")
    assessments.submit_attempt(db, contributor, again)
    db.commit()
    assert again.passed
    assert refreshers.can_claim_work(db, contributor.id, project.id) == (True, "")
    assert refreshers.open_refreshers(db, contributor.id) == []
    with pytest.raises(NotFound):
        assessments.start_refresher(db, contributor, test.id)
    # The qualification is untouched by refreshers.
    assert [q.attempt_id for q in assessments.qualifications_of(db, contributor.id)] == [attempt.id]


def test_material_changes_merge_into_an_open_refresher(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    project = make_project(db, requester, organization)
    guidelines = make_guidelines(db, requester, organization, [project])
    test = make_test(
        db,
        requester,
        organization,
        questions=3,
        pass_mark=50,
        kind=assessment_models.TestKind.QUALIFICATION,
        project_type="text-sentiment",
        guidelines_id=guidelines.id,
    )
    attempt = assessments.start_attempt(db, contributor, test)
    for qid in attempt.question_ids:
        assessments.answer_question(db, contributor, attempt, qid, "negative")
    assessments.submit_attempt(db, contributor, attempt)
    service.publish_version(db, requester, guidelines, CHANGED_2_1, material=True)
    body = CHANGED_2_1.replace("label the meaning", "label what is meant")
    service.publish_version(db, requester, guidelines, body, material=True)
    db.commit()
    (pending,) = refreshers.open_refreshers(db, contributor.id, project_id=project.id)
    assert pending.sections == ["2.1", "3"] and pending.version_number == 3
    assert len(pending.question_ids) == 2
