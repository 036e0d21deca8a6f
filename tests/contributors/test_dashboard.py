"""The dashboard (`/`) shows a contributor the next real step of their account, in every state,
and a reviewer what exists for them (projects, guidelines, tests) instead of placeholders."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.assessments import service as assessments
from labelpool.assessments.models import AssessmentTest
from labelpool.assessments.models import TestKind as Kind
from labelpool.contributors import service
from labelpool.contributors.enums import ContributorState
from labelpool.contributors.settings import ReviewSettings
from labelpool.guidelines import service as guidelines_service
from tests.assessments.builders import (
    GUIDELINES_V1,
    make_guidelines,
    make_project,
    make_test,
    org_with_requester,
)
from tests.contributors.helpers import complete_input
from tests.factories import log_in, make_active_contributor, make_user


def _dashboard(client: TestClient, user: User) -> str:
    log_in(client, user.email)
    page = client.get("/")
    assert page.status_code == 200
    return page.text


def _step(html: str) -> str:
    """The next-step card's key (`data-step`)."""
    found = re.search(r'id="next-step" data-step="([a-z_]+)"', html)
    assert found, "the dashboard shows no next step"
    return found.group(1)


def _pass(db: Session, user: User, test: AssessmentTest) -> None:
    attempt = assessments.start_attempt(db, user, test)
    for question_id in attempt.question_ids:
        assessments.answer_question(db, user, attempt, question_id, "negative")
    assessments.submit_attempt(db, user, attempt)
    db.commit()
    assert attempt.passed


def test_a_new_contributor_is_asked_to_start_the_application(
    client: TestClient, db: Session
) -> None:
    html = _dashboard(client, make_user(db))
    assert _step(html) == "complete_profile"
    assert "Start your application" in html and 'href="/profile"' in html
    assert "Not applied yet" in html
    assert "Coming soon" not in html


def test_an_incomplete_profile_lists_what_is_missing(client: TestClient, db: Session) -> None:
    user = make_user(db)
    service.update_profile(
        db, user, complete_input(time_zone=None, weekly_hours=None), ReviewSettings()
    )
    db.commit()
    html = _dashboard(client, user)
    assert _step(html) == "complete_profile"
    assert "71% complete" in html
    assert "Choose your time zone." in html
    assert "Choose the country you live in." not in html


def test_a_complete_profile_is_submitted_from_the_dashboard(
    client: TestClient, db: Session
) -> None:
    user = make_user(db)
    service.update_profile(db, user, complete_input(), ReviewSettings())
    db.commit()
    html = _dashboard(client, user)
    assert _step(html) == "submit_application"
    assert 'action="/application"' in html and "Submit application" in html
    assert "Complete your profile" not in html


def test_under_review_shows_the_open_checks_and_links_to_the_review(
    client: TestClient, db: Session
) -> None:
    user = make_user(db)
    settings = ReviewSettings()
    service.update_profile(db, user, complete_input(), settings)
    service.submit_application(db, user, settings)
    db.commit()
    html = _dashboard(client, user)
    assert _step(html) == "under_review"
    assert "Under review" in html and 'href="/review"' in html
    assert "Identity verified" in html and "Language verified" in html
    assert "Profile complete" not in html  # passed: not listed as open
    assert "Complete your profile" not in html


def test_active_without_a_passed_test_lists_the_tests_to_take(
    client: TestClient, db: Session
) -> None:
    organization, requester = org_with_requester(db)
    test = make_test(db, requester, organization, title="Grammar basics")
    html = _dashboard(client, make_active_contributor(db))
    assert _step(html) == "take_tests"
    assert "Grammar basics" in html and f'href="/tests/{test.id}"' in html
    assert "3 questions" in html
    assert "Complete your profile" not in html


def test_active_and_qualified_says_what_for_and_that_work_is_coming(
    client: TestClient, db: Session
) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    test = make_test(db, requester, organization, kind=Kind.QUALIFICATION, project_id=project.id)
    contributor = make_active_contributor(db)
    _pass(db, contributor, test)
    html = _dashboard(client, contributor)
    assert _step(html) == "qualified"
    assert re.search(r"You(&#39;|')re qualified for Reviews", html)
    assert "Work assignment is coming soon" in html
    assert "Complete your profile" not in html and "Take your first test" not in html


def test_a_required_refresher_comes_first(client: TestClient, db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    guidelines = make_guidelines(db, requester, organization, [project])
    test = make_test(
        db,
        requester,
        organization,
        kind=Kind.QUALIFICATION,
        project_id=project.id,
        guidelines_id=guidelines.id,
    )
    contributor = make_active_contributor(db)
    _pass(db, contributor, test)
    changed = GUIDELINES_V1.replace("Facts and questions", "Facts, greetings and questions")
    guidelines_service.publish_version(db, requester, guidelines, changed, material=True)
    db.commit()
    html = _dashboard(client, contributor)
    assert _step(html) == "refresher"
    assert f'action="/tests/{test.id}/refresher"' in html
    assert "Reviews" in html and "1 question to answer" in html
    assert "qualified for" not in html


def test_suspended_says_why_and_what_to_do(client: TestClient, db: Session) -> None:
    contributor = make_active_contributor(db)
    admin = make_user(db, role=Role.ADMIN)
    service.change_state(db, admin, contributor.id, ContributorState.SUSPENDED, "Copied answers.")
    db.commit()
    html = _dashboard(client, contributor)
    assert _step(html) == "suspended"
    assert "Copied answers." in html and "contact an admin" in html
    assert "Suspended" in html


def test_the_reviewer_sees_projects_guidelines_and_tests_of_the_organization(
    client: TestClient, db: Session
) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    guidelines = make_guidelines(db, requester, organization, [project])
    test = make_test(db, requester, organization, title="Grammar basics", publish=False)
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    other, stranger = org_with_requester(db, "Other")
    make_project(db, stranger, other)

    html = _dashboard(client, reviewer)
    assert "Coming soon" not in html
    assert f'href="/projects/{project.id}"' in html and "Reviews" in html
    assert f'href="/guidelines/{guidelines.id}"' in html and 'href="/guidelines"' in html
    assert f'href="/tests/{test.id}"' in html and "Grammar basics" in html
    assert html.count('href="/projects/') == 1  # not the other organization's project


def test_a_reviewer_without_anything_yet_is_told_who_creates_it(
    client: TestClient, db: Session
) -> None:
    organization, _ = org_with_requester(db)
    html = _dashboard(client, make_user(db, role=Role.REVIEWER, organization=organization))
    assert "No projects yet" in html and "No guidelines yet" in html and "No tests yet" in html
    assert "Coming soon" not in html
