"""Who may take a test (issue 18 A): active contributors take it; the test's own staff and
platform admins only preview it (nothing granted, nothing counted); nobody else, on the API,
the pages and the service alike."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.assessments import models, service
from labelpool.assessments.models import (
    AssessmentTest,
    Attempt,
    AttemptPurpose,
    ContributorSkill,
    Qualification,
    RequiredRefresher,
)
from labelpool.errors import PermissionDenied
from tests.assessments.builders import (
    SECRET_EXPLANATION,
    make_guidelines,
    make_project,
    make_test,
    org_with_requester,
)
from tests.factories import (
    PASSWORD,
    api_token,
    csrf_token,
    log_in,
    make_active_contributor,
    make_user,
)

Maker = Callable[[Session, Organization, User], User]


def _own_requester(db: Session, organization: Organization, requester: User) -> User:
    return requester


def _own_reviewer(db: Session, organization: Organization, requester: User) -> User:
    return make_user(db, role=Role.REVIEWER, organization=organization)


def _admin(db: Session, organization: Organization, requester: User) -> User:
    return make_user(db, role=Role.ADMIN)


def _active_contributor(db: Session, organization: Organization, requester: User) -> User:
    return make_active_contributor(db)


def _inactive_contributor(db: Session, organization: Organization, requester: User) -> User:
    return make_user(db, role=Role.CONTRIBUTOR)


def _other_requester(db: Session, organization: Organization, requester: User) -> User:
    return org_with_requester(db, "Other Lab")[1]


def _other_reviewer(db: Session, organization: Organization, requester: User) -> User:
    other, _ = org_with_requester(db, "Other Lab")
    return make_user(db, role=Role.REVIEWER, organization=other)


def _self_registered_requester(db: Session, organization: Organization, requester: User) -> User:
    return make_user(db, role=Role.REQUESTER)  # no organization, no account review


ALLOWED: dict[str, tuple[Maker, AttemptPurpose]] = {
    "active contributor": (_active_contributor, AttemptPurpose.QUALIFY),
    "requester of the test's organization": (_own_requester, AttemptPurpose.PREVIEW),
    "reviewer of the test's organization": (_own_reviewer, AttemptPurpose.PREVIEW),
    "platform admin": (_admin, AttemptPurpose.PREVIEW),
}
DENIED: dict[str, tuple[Maker, str]] = {  # who: (maker, error code)
    "contributor under review": (_inactive_contributor, "account_not_active"),
    "requester of another organization": (_other_requester, "not_a_taker"),
    "reviewer of another organization": (_other_reviewer, "not_a_taker"),
    "self-registered requester without an organization": (
        _self_registered_requester,
        "not_a_taker",
    ),
}


@pytest.fixture
def training_test(db: Session, organization: Organization, requester: User) -> AssessmentTest:
    return make_test(db, requester, organization, questions=2, mode=models.TestMode.TRAINING)


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_who_may_start_a_test(
    db: Session,
    organization: Organization,
    requester: User,
    training_test: AssessmentTest,
    who: str,
) -> None:
    make, purpose = ALLOWED[who]
    user = make(db, organization, requester)
    assert service.may_take(db, user, training_test)
    attempt = service.start_attempt(db, user, training_test)
    assert attempt.purpose == purpose
    assert [c.test.id for c in service.tests_for_taker(db, user)] == [training_test.id]


@pytest.mark.parametrize("who", sorted(DENIED))
def test_everyone_else_is_refused_with_a_reason(
    db: Session,
    organization: Organization,
    requester: User,
    training_test: AssessmentTest,
    who: str,
) -> None:
    make, code = DENIED[who]
    user = make(db, organization, requester)
    assert not service.may_take(db, user, training_test)
    with pytest.raises(PermissionDenied) as refused:
        service.start_attempt(db, user, training_test)
    assert refused.value.code == code
    what_to_do = "account review" if code == "account_not_active" else "contributor account"
    assert what_to_do in refused.value.message
    assert db.scalar(select(func.count()).select_from(Attempt)) == 0


@pytest.mark.parametrize("who", sorted(DENIED))
def test_the_list_of_tests_hides_other_organizations_tests(
    db: Session,
    organization: Organization,
    requester: User,
    training_test: AssessmentTest,
    who: str,
) -> None:
    make, code = DENIED[who]
    user = make(db, organization, requester)
    listed = [c.test.id for c in service.tests_for_taker(db, user)]
    # Contributors under review still see what they can take once active.
    assert listed == ([training_test.id] if code == "account_not_active" else [])


def test_a_preview_grants_nothing_and_does_not_count(
    db: Session, organization: Organization, requester: User
) -> None:
    test = make_test(db, requester, organization, questions=2, pass_mark=50, max_attempts=1)
    for _ in range(3):  # more previews than the policy's one attempt
        attempt = service.start_attempt(db, requester, test)
        assert attempt.purpose == AttemptPurpose.PREVIEW
        for qid in attempt.question_ids:
            service.answer_question(db, requester, attempt, qid, "negative")
        service.submit_attempt(db, requester, attempt)
        assert attempt.passed
    db.commit()
    assert db.scalar(select(func.count()).select_from(Qualification)) == 0
    assert db.scalar(select(func.count()).select_from(ContributorSkill)) == 0
    (card,) = service.tests_for_taker(db, requester)
    assert card.preview and card.status.can_start and card.attempts == 0
    assert not card.qualified and card.best_percent is None
    status, _ = service.status_for(db, requester, test, attempt.started_at)
    assert status.can_start and status.attempts_left == 1, "previews are not attempts"


def test_refreshers_are_not_for_staff(
    db: Session, organization: Organization, requester: User, training_test: AssessmentTest
) -> None:
    project = make_project(db, requester, organization)
    guidelines = make_guidelines(db, requester, organization, [project])
    db.add(
        RequiredRefresher(
            user_id=requester.id,
            project_id=project.id,
            test_id=training_test.id,
            guidelines_id=guidelines.id,
            version_number=2,
            sections=["2.1"],
            question_ids=service.question_ids_of(db, training_test),
        )
    )
    db.commit()
    with pytest.raises(PermissionDenied, match="preview"):
        service.start_refresher(db, requester, training_test.id)


def test_an_attempt_started_before_the_rule_cannot_be_continued(
    db: Session, training_test: AssessmentTest
) -> None:
    """Staff of another organization keep no way in through attempts they opened earlier."""
    outsider = org_with_requester(db, "Other Lab")[1]
    legacy = Attempt(
        test_id=training_test.id,
        user_id=outsider.id,
        purpose=AttemptPurpose.QUALIFY,
        seed=1,
        question_ids=service.question_ids_of(db, training_test),
        started_at=training_test.created_at,
    )
    db.add(legacy)
    db.commit()
    with pytest.raises(PermissionDenied):
        service.attempt_for_taker(db, outsider, legacy.id)
    with pytest.raises(PermissionDenied):
        service.answer_question(db, outsider, legacy, legacy.question_ids[0], "negative")
    with pytest.raises(PermissionDenied):
        service.submit_attempt(db, outsider, legacy)


def test_a_contributor_whose_account_is_no_longer_active_cannot_answer(
    db: Session, organization: Organization, requester: User, training_test: AssessmentTest
) -> None:
    from labelpool.contributors import service as contributors
    from labelpool.contributors.enums import ContributorState

    contributor = make_active_contributor(db)
    attempt = service.start_attempt(db, contributor, training_test)
    admin = make_user(db, role=Role.ADMIN)
    contributors.change_state(db, admin, contributor.id, ContributorState.SUSPENDED, "Copied")
    db.commit()
    with pytest.raises(PermissionDenied) as refused:
        service.answer_question(db, contributor, attempt, attempt.question_ids[0], "negative")
    assert refused.value.code == "account_not_active"


# --- the API and the pages use the same rule -------------------------------------------------


def test_api_refuses_an_outsider_and_leaks_no_answer_key(
    client: TestClient, db: Session, training_test: AssessmentTest
) -> None:
    outsider = make_user(db, role=Role.REQUESTER)
    headers = api_token(db, outsider)
    started = client.post(f"/api/v1/tests/{training_test.id}/attempts", headers=headers)
    assert started.status_code == 403
    assert started.json()["error"]["code"] == "not_a_taker"
    assert "contributor" in started.json()["error"]["message"]
    assert client.get("/api/v1/tests", headers=headers).json() == []
    assert SECRET_EXPLANATION not in started.text


def test_api_preview_for_the_own_requester(
    client: TestClient, db: Session, requester: User, training_test: AssessmentTest
) -> None:
    headers = api_token(db, requester)
    started = client.post(f"/api/v1/tests/{training_test.id}/attempts", headers=headers)
    assert started.status_code == 201, started.text
    attempt = started.json()
    assert attempt["purpose"] == "preview"
    qid = attempt["questions"][0]["id"]
    answered = client.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{qid}",
        json={"answer": "negative"},
        headers=headers,
    )
    assert answered.status_code == 200 and answered.json()["feedback"]["correct"]
    shown = client.get(f"/api/v1/tests/{training_test.id}", headers=headers).json()
    assert shown["attempts_used"] == 0 and not shown["qualified"]
    assert client.get("/api/v1/me/qualifications", headers=headers).json() == []


def test_pages_refuse_an_outsider_and_offer_staff_a_preview(
    client: TestClient, db: Session, requester: User, training_test: AssessmentTest
) -> None:
    outsider = org_with_requester(db, "Other Lab")[1]
    log_in(client, outsider.email, PASSWORD)
    page = client.get(f"/tests/{training_test.id}")
    assert page.status_code == 200
    assert "You cannot take this test" in page.text and "Start the test" not in page.text
    started = client.post(
        f"/tests/{training_test.id}/attempts",
        data={"csrf_token": csrf_token(client)},
        follow_redirects=True,
    )
    assert "Tests are taken by contributors" in started.text
    assert db.scalar(select(func.count()).select_from(Attempt)) == 0

    staff = TestClient(client.app)
    log_in(staff, requester.email, PASSWORD)
    page = staff.get(f"/tests/{training_test.id}")
    assert "Preview the test" in page.text
    started = staff.post(
        f"/tests/{training_test.id}/attempts",
        data={"csrf_token": csrf_token(staff)},
        follow_redirects=False,
    )
    assert started.status_code == 303
    question = staff.get(started.headers["location"])
    assert "preview" in question.text
    db.rollback()  # see what the requests committed
    (attempt,) = db.scalars(select(Attempt)).all()
    assert attempt.purpose == AttemptPurpose.PREVIEW and attempt.user_id == requester.id
