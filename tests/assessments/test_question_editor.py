"""The question editor: add, edit and delete questions on the pages, update them by the API
and the service, with the rules for published tests (issue 19.7a)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.assessments import models, service
from labelpool.assessments.models import AssessmentTest, TestQuestion
from labelpool.audit.models import AuditEvent
from labelpool.errors import Conflict, InvalidInput, NotFound
from tests.assessments.builders import (
    SENTIMENT_CONTROL,
    make_guidelines,
    make_test,
    org_with_requester,
)
from tests.factories import PASSWORD, Response, api_token, csrf_token, log_in, make_user

SINGLE = {
    "kind": "single",
    "title": "What sentiment?",
    "item_text": "Oh great, it broke again.",
    "options": "Positive\nNegative\nNeutral",
    "correct": "Negative",
    "explanation": "Sarcasm.",
}


def post(client: TestClient, url: str, data: dict[str, Any] | None = None) -> Response:
    return client.post(
        url, data={"csrf_token": csrf_token(client), **(data or {})}, follow_redirects=False
    )


def _questions(db: Session, test: AssessmentTest) -> list[TestQuestion]:
    """The questions as committed now (a new transaction: SQLite reads keep their snapshot)."""
    db.commit()
    db.expire_all()
    return service.list_questions(db, test)


def test_requester_adds_questions_of_each_kind_with_form_fields(
    client: TestClient, db: Session, organization: Organization, requester: User
) -> None:
    test = make_test(db, requester, organization, questions=0, publish=False)
    log_in(client, requester.email, PASSWORD)
    page = client.get(f"/tests/{test.id}/manage").text
    assert 'name="kind" value="single"' in page and 'name="options"' in page
    assert 'src="/static/js/question-editor.js"' in page and "data-question-editor" in page

    assert post(client, f"/tests/{test.id}/manage/questions", SINGLE).status_code == 303
    multi = {
        **SINGLE,
        "kind": "multi",
        "title": "Topics?",
        "options": "Price\nDelivery\nQuality",
        "correct": ["Price", "Quality"],
    }
    assert post(client, f"/tests/{test.id}/manage/questions", multi).status_code == 303
    rating = {**SINGLE, "kind": "rating", "options": "Bad\nFine\nGreat", "correct": "Fine"}
    assert post(client, f"/tests/{test.id}/manage/questions", rating).status_code == 303
    text = {**SINGLE, "kind": "text", "title": "Copy", "correct_text": "it broke again"}
    assert post(client, f"/tests/{test.id}/manage/questions", text).status_code == 303

    stored = _questions(db, test)
    assert [q.control["kind"] for q in stored] == ["choice", "choice", "rating", "text"]
    assert [service.correct_answer(q) for q in stored] == [
        "negative",
        ["price", "quality"],
        2,
        "it broke again",
    ]
    assert stored[0].data == {"text": "Oh great, it broke again."}
    assert stored[0].explanation == "Sarcasm."
    manage = client.get(f"/tests/{test.id}/manage").text
    assert "Questions (4)" in manage
    assert '<td class="text-sm">Price, Quality</td>' in manage
    assert "2 · Fine" in manage


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"correct": ""}, "correct", "Pick the correct answer"),
        ({"correct": "Maybe"}, "correct", "not one of the options"),
        ({"options": "Only"}, "options", "at least two options"),
        ({"title": ""}, "title", "Write the question"),
        ({"guideline_section": "abc"}, "guideline_section", ""),
    ],
)
def test_a_refused_question_comes_back_with_the_error_at_its_field(
    client: TestClient,
    db: Session,
    organization: Organization,
    requester: User,
    changes: dict[str, str],
    field: str,
    message: str,
) -> None:
    test = make_test(db, requester, organization, questions=0, publish=False)
    log_in(client, requester.email, PASSWORD)
    refused = post(client, f"/tests/{test.id}/manage/questions", {**SINGLE, **changes})
    assert refused.status_code == 422
    assert f'id="{field}-error"' in refused.text and message in refused.text
    assert "Oh great, it broke again." in refused.text, "what was typed stays"
    assert _questions(db, test) == []


def test_the_section_is_picked_from_the_linked_guidelines(
    client: TestClient, db: Session, organization: Organization, requester: User
) -> None:
    guidelines = make_guidelines(db, requester, organization)
    test = make_test(
        db, requester, organization, questions=0, publish=False, guidelines_id=guidelines.id
    )
    log_in(client, requester.email, PASSWORD)
    page = client.get(f"/tests/{test.id}/manage").text
    assert '<select id="q-section" name="guideline_section"' in page
    assert '<option value="2.2">2.2 Neutral</option>' in page
    outside = post(
        client, f"/tests/{test.id}/manage/questions", {**SINGLE, "guideline_section": "9"}
    )
    assert outside.status_code == 422 and "is not in the test&#39;s guidelines" in outside.text
    assert (
        post(
            client, f"/tests/{test.id}/manage/questions", {**SINGLE, "guideline_section": "2.2"}
        ).status_code
        == 303
    )
    assert _questions(db, test)[0].guideline_section == "2.2"


def test_requester_edits_a_question_on_its_page(
    client: TestClient, db: Session, organization: Organization, requester: User
) -> None:
    test = make_test(db, requester, organization, questions=2, publish=False)
    first = _questions(db, test)[0]
    log_in(client, requester.email, PASSWORD)
    manage = client.get(f"/tests/{test.id}/manage").text
    assert f'href="/tests/{test.id}/manage/questions/{first.id}"' in manage
    page = client.get(f"/tests/{test.id}/manage/questions/{first.id}").text
    assert "Edit question 1" in page
    assert 'name="kind" value="single" data-question-kind checked' in page
    assert "Positive\nNegative\nNeutral</textarea>" in page
    assert '<option value="Negative" selected>Negative</option>' in page

    saved = post(
        client,
        f"/tests/{test.id}/manage/questions/{first.id}",
        {
            **SINGLE,
            "item_text": "Fine, I guess.",
            "options": "Positive\nNegative\nNeutral\nMixed",
            "correct": "Mixed",
            "explanation": "Both.",
        },
    )
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/tests/{test.id}/manage#question-{first.id}"
    edited = _questions(db, test)[0]
    assert (edited.id, edited.position) == (first.id, 1)
    assert edited.data == {"text": "Fine, I guess."} and service.correct_answer(edited) == "mixed"
    assert edited.control["name"] == SENTIMENT_CONTROL["name"]
    assert [o["value"] for o in edited.control["options"]][:3] == [
        "positive",
        "negative",
        "neutral",
    ]
    assert edited.explanation == "Both."
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "test.question_updated", AuditEvent.target_id == test.id)
        )
        == 1
    )

    refused = post(
        client, f"/tests/{test.id}/manage/questions/{first.id}", {**SINGLE, "correct": "Nope"}
    )
    assert refused.status_code == 422 and 'id="correct-error"' in refused.text
    assert service.correct_answer(_questions(db, test)[0]) == "mixed"


def test_requester_deletes_a_draft_question_after_a_confirm(
    client: TestClient, db: Session, organization: Organization, requester: User
) -> None:
    test = make_test(db, requester, organization, questions=2, publish=False)
    first_id, second_id = (q.id for q in _questions(db, test))
    log_in(client, requester.email, PASSWORD)
    manage = client.get(f"/tests/{test.id}/manage").text
    form = re.search(
        rf'<form method="post" action="/tests/{test.id}/manage/questions/{first_id}/delete"'
        r'[^>]*data-confirm="([^"]+)"',
        manage,
    )
    assert form is not None and "Delete question 1" in form.group(1)
    deleted = post(client, f"/tests/{test.id}/manage/questions/{first_id}/delete")
    assert deleted.status_code == 303
    assert [q.id for q in _questions(db, test)] == [second_id]
    again = post(client, f"/tests/{test.id}/manage/questions/{first_id}/delete")
    assert again.status_code == 404


def test_published_questions_change_until_a_contributor_starts(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=2)
    first = _questions(db, test)[0]
    url = f"/tests/{test.id}/manage/questions/{first.id}"
    preview = service.start_attempt(db, requester, test)  # staff preview: no lock
    service.submit_attempt(db, requester, preview)
    db.commit()
    log_in(client, requester.email, PASSWORD)
    manage = client.get(f"/tests/{test.id}/manage").text
    assert f"/manage/questions/{first.id}/delete" not in manage, "published: no delete"
    assert post(client, url, {**SINGLE, "correct": "Neutral"}).status_code == 303
    refused_delete = post(client, f"{url}/delete")
    assert refused_delete.status_code == 303
    assert "stay" in client.get(refused_delete.headers["location"]).text
    assert len(_questions(db, test)) == 2

    service.start_attempt(db, contributor, test)
    db.commit()
    page = client.get(url).text
    assert "Contributors have taken this test" in page and "Save question" not in page
    assert '<fieldset class="form-stack" disabled' in page
    refused = post(client, url, {**SINGLE, "correct": "Positive"})
    assert refused.status_code == 409 and "Contributors have taken this test" in refused.text
    assert service.correct_answer(_questions(db, test)[0]) == "neutral"
    assert ">View<" in client.get(f"/tests/{test.id}/manage").text


def test_other_organizations_and_reviewers_cannot_touch_questions(
    client: TestClient, db: Session, organization: Organization, requester: User
) -> None:
    test = make_test(db, requester, organization, questions=1, publish=False)
    [question_id] = [q.id for q in _questions(db, test)]
    other_org, stranger = org_with_requester(db, "Globex")
    theirs = make_test(db, stranger, other_org, questions=1, publish=False)
    [their_question_id] = [q.id for q in _questions(db, theirs)]
    test_id, theirs_id = test.id, theirs.id
    urls = [
        f"/tests/{test_id}/manage/questions/{question_id}",
        f"/tests/{test_id}/manage/questions/{question_id}/delete",
        f"/tests/{test_id}/manage/questions",
    ]
    log_in(client, stranger.email, PASSWORD)
    assert client.get(urls[0]).status_code == 404
    for url in urls:
        assert post(client, url, SINGLE).status_code == 404, url
    # Their own test, with a question id of another test: 404 as well.
    mixed = f"/tests/{theirs_id}/manage/questions/{question_id}"
    assert client.get(mixed).status_code == 404
    assert post(client, mixed, SINGLE).status_code == 404
    assert post(client, f"{mixed}/delete").status_code == 404

    db.commit()  # a new transaction: this session's earlier reads keep an old snapshot
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    client.cookies.clear()
    log_in(client, reviewer.email, PASSWORD)
    for url in urls:
        assert post(client, url, SINGLE).status_code == 403, url
    assert len(_questions(db, test)) == 1 and _questions(db, theirs)[0].id == their_question_id
    assert service.correct_answer(_questions(db, test)[0]) == "negative"


def test_question_forms_need_the_csrf_token(
    client: TestClient, db: Session, organization: Organization, requester: User
) -> None:
    test = make_test(db, requester, organization, questions=1, publish=False)
    [question] = _questions(db, test)
    log_in(client, requester.email, PASSWORD)
    base = f"/tests/{test.id}/manage/questions"
    assert client.post(base, data=SINGLE).status_code == 403
    assert client.post(f"{base}/{question.id}", data=SINGLE).status_code == 403
    assert client.post(f"{base}/{question.id}/delete").status_code == 403
    assert len(_questions(db, test)) == 1


def test_update_question_service_checks_like_add(
    db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=2, publish=False)
    first = _questions(db, test)[0]
    values: dict[str, Any] = {
        "data": {"text": "Meh."},
        "control": SENTIMENT_CONTROL,
        "correct_answer": "neutral",
    }
    with pytest.raises(InvalidInput) as wrong:
        service.update_question(db, requester, test, first.id, **{**values, "correct_answer": "x"})
    assert wrong.value.details == {"field": "correct_answer"}
    with pytest.raises(NotFound):
        service.update_question(db, requester, test, first.id + 1000, **values)
    updated = service.update_question(db, requester, test, first.id, **values)
    assert updated.position == 1 and service.correct_answer(updated) == "neutral"

    service.set_status(db, requester, test, models.TestStatus.PUBLISHED)
    service.start_attempt(db, contributor, test)
    db.commit()
    with pytest.raises(Conflict) as fixed:
        service.update_question(db, requester, test, first.id, **values)
    assert fixed.value.code == "questions_fixed"
    with pytest.raises(Conflict):
        service.delete_question(db, requester, test, first.id)


def test_api_replaces_and_reads_one_question(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, questions=1)
    [question] = _questions(db, test)
    headers = api_token(db, requester)
    url = f"/api/v1/tests/{test.id}/questions/{question.id}"
    body = {
        "data": {"text": "Lovely."},
        "control": SENTIMENT_CONTROL,
        "correct_answer": "positive",
        "explanation": "Praise.",
        "guideline_section": "2.1",
    }
    replaced = client.put(url, json=body, headers=headers)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["correct_answer"] == "positive" and replaced.json()["position"] == 1
    assert client.get(url, headers=headers).json()["data"] == {"text": "Lovely."}
    bad = client.put(url, json={**body, "correct_answer": "nope"}, headers=headers)
    assert bad.status_code == 422

    stranger = api_token(db, org_with_requester(db, "Globex")[1])
    assert client.put(url, json=body, headers=stranger).status_code == 404
    assert client.get(url, headers=stranger).status_code == 404
    taker = api_token(db, contributor)
    assert client.put(url, json=body, headers=taker).status_code == 404
    assert client.post(f"/api/v1/tests/{test.id}/attempts", headers=taker).status_code == 201
    locked = client.put(url, json=body, headers=headers)
    assert locked.status_code == 409 and locked.json()["error"]["code"] == "questions_fixed"
