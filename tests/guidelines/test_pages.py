"""Guidelines written in the browser: what browsers send is stored the way it is compared."""

from __future__ import annotations

import html
from collections.abc import Mapping

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.guidelines import service
from labelpool.guidelines.models import Guidelines, GuidelinesVersion
from tests.assessments.builders import (
    GUIDELINES_V1,
    make_guidelines,
    make_project,
    make_test,
    org_with_requester,
)
from tests.factories import Response, api_token, csrf_token, log_in


def test_a_one_sentence_edit_in_the_browser_changes_one_line(
    client: TestClient, db: Session, requester: User
) -> None:
    headers = api_token(db, requester)
    log_in(client, requester.email)
    crlf = GUIDELINES_V1.replace("\n", "\r\n")  # what a <textarea> submits
    created = client.post(
        "/guidelines/new",
        data={"title": "Sentiment", "body": crlf, "csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    guidelines_id = int(created.headers["location"].rstrip("/").split("/")[-1])
    edited = crlf.replace("Read the whole text first.", "Read the whole text twice.")
    published = client.post(
        f"/guidelines/{guidelines_id}/edit",
        data={"body": edited, "note": "clearer", "csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    assert published.status_code == 303, published.text

    bodies = db.scalars(select(GuidelinesVersion.body)).all()
    assert bodies and not any("\r" in body for body in bodies)
    diff = client.get(f"/api/v1/guidelines/{guidelines_id}/diff", headers=headers).json()
    changed = [
        line
        for line in diff["text_diff"].splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed == ["-Read the whole text first.", "+Read the whole text twice."]


def test_api_bodies_are_stored_with_one_line_ending(
    client: TestClient, db: Session, requester: User, organization: object
) -> None:
    headers = api_token(db, requester)
    response = client.post(
        "/api/v1/guidelines",
        json={"title": "T", "body": "# A\r\n\r\n## 1. One\rText\r\n"},
        headers=headers,
    )
    assert response.status_code == 201, response.text
    body = db.scalar(select(GuidelinesVersion.body))
    assert body == "# A\n\n## 1. One\nText"  # stripped, like every body string


def post(client: TestClient, url: str, data: Mapping[str, str | list[str]]) -> Response:
    return client.post(url, data={"csrf_token": csrf_token(client), **data}, follow_redirects=False)


def _in_use(
    db: Session, requester: User, organization: Organization, guidelines: Guidelines
) -> None:
    make_test(db, requester, organization, questions=1, guidelines_id=guidelines.id)


def test_the_list_page_shows_each_reader_what_they_may_read(
    client: TestClient, db: Session, requester: User, organization: Organization, contributor: User
) -> None:
    guidelines = make_guidelines(db, requester, organization)
    log_in(client, requester.email)
    page = client.get("/guidelines")
    assert page.status_code == 200
    assert f'href="/guidelines/{guidelines.id}"' in page.text and "Sentiment" in page.text
    assert "Version 1 · " in page.text and 'href="/guidelines/new"' in page.text

    log_in(client, contributor.email)
    empty = client.get("/guidelines").text
    assert "No guidelines yet" in empty and f"/guidelines/{guidelines.id}" not in empty
    assert 'href="/guidelines/new"' not in empty, "contributors do not write guidelines"
    _in_use(db, requester, organization, guidelines)
    listed = client.get("/guidelines").text
    assert f'href="/guidelines/{guidelines.id}"' in listed and "No guidelines yet" not in listed


def test_new_guidelines_from_the_form_follow_the_chosen_projects(
    client: TestClient, db: Session, requester: User, organization: Organization, contributor: User
) -> None:
    project = make_project(db, requester, organization)
    log_in(client, requester.email)
    form = client.get("/guidelines/new")
    assert form.status_code == 200 and "Publish version 1" in form.text
    assert f'name="project_ids" value="{project.id}"> Reviews' in form.text
    created = post(
        client,
        "/guidelines/new",
        {"title": "Sentiment", "body": GUIDELINES_V1, "project_ids": [str(project.id)]},
    )
    assert created.status_code == 303, created.text
    location = created.headers["location"]
    landed = client.get(location)
    assert "Guidelines published as version 1." in landed.text
    assert "<h2>Projects</h2>" in landed.text and "<li>Reviews</li>" in landed.text
    guidelines = db.get(Guidelines, int(location.rsplit("/", 1)[1]))
    assert guidelines is not None
    assert [p.id for p in service.linked_projects(db, guidelines)] == [project.id]

    log_in(client, contributor.email)
    refused = post(client, "/guidelines/new", {"title": "Mine", "body": GUIDELINES_V1})
    assert refused.status_code == 404, "contributors are not told the form exists"
    assert client.get("/guidelines/new").status_code == 404
    assert db.query(Guidelines).filter_by(title="Mine").count() == 0


def test_the_edit_page_shows_the_current_text_and_refuses_an_unchanged_one(
    client: TestClient, db: Session, requester: User, organization: Organization
) -> None:
    guidelines = make_guidelines(db, requester, organization)
    log_in(client, requester.email)
    page = client.get(f"/guidelines/{guidelines.id}/edit")
    assert page.status_code == 200 and "Publish version 2" in page.text
    assert html.escape(GUIDELINES_V1.strip(), quote=False) in page.text
    unchanged = post(
        client, f"/guidelines/{guidelines.id}/edit", {"body": GUIDELINES_V1, "note": "Again"}
    )
    assert unchanged.status_code == 409
    assert "Nothing changed: the text is the same as the current version." in unchanged.text
    assert "Again" in unchanged.text, "the note typed is kept"
    bad = post(client, f"/guidelines/{guidelines.id}/edit", {"body": "no sections"})
    assert bad.status_code == 422 and "numbered sections" in bad.text
    db.expire_all()
    assert service.list_versions(db, guidelines)[0].number == 1


def test_questions_are_answered_from_the_inbox_into_the_faq(
    client: TestClient, db: Session, requester: User, organization: Organization, contributor: User
) -> None:
    guidelines = make_guidelines(db, requester, organization)
    _in_use(db, requester, organization, guidelines)
    log_in(client, contributor.email)
    wrong = post(client, f"/guidelines/{guidelines.id}/ask", {"section": "9", "question": "?"})
    assert wrong.headers["location"] == f"/guidelines/{guidelines.id}#section-9"
    assert "Section 9 is not in the current version" in client.get(wrong.headers["location"]).text
    asked = post(
        client, f"/guidelines/{guidelines.id}/ask", {"section": "2.2", "question": "Questions?"}
    )
    assert asked.headers["location"] == f"/guidelines/{guidelines.id}#section-2.2"
    db.commit()  # end the test session's snapshot: the page wrote the question
    (question,) = service.list_questions(db, requester, guidelines)
    answer_url = f"/guidelines/{guidelines.id}/questions/{question.id}/answer"
    forbidden = post(client, answer_url, {"answer": "Mine."})
    assert forbidden.status_code == 403

    log_in(client, requester.email)
    page = client.get(f"/guidelines/{guidelines.id}").text
    assert "Unanswered questions (1)" in page and f'action="{answer_url}"' in page
    assert "<strong>2.2:</strong> Questions?" in page
    empty = post(client, answer_url, {"answer": "  "})
    assert empty.headers["location"] == f"/guidelines/{guidelines.id}#inbox"
    assert "Write the answer (1 to 5,000 characters)." in client.get(empty.headers["location"]).text
    answered = post(client, answer_url, {"answer": "Neutral, unless they complain."})
    assert answered.status_code == 303
    after = client.get(answered.headers["location"]).text
    assert "Answer added to the FAQ." in after and "Unanswered questions (0)" in after
    assert "FAQ (1)" in after and "<dd>Neutral, unless they complain.</dd>" in after


def test_another_organizations_guidelines_pages_are_404(
    client: TestClient, db: Session, requester: User, organization: Organization
) -> None:
    guidelines = make_guidelines(db, requester, organization)
    gid = guidelines.id
    _, stranger = org_with_requester(db, "Elsewhere")
    log_in(client, stranger.email)
    assert f"/guidelines/{gid}" not in client.get("/guidelines").text
    for url in (f"/guidelines/{gid}", f"/guidelines/{gid}/edit", f"/guidelines/{gid}/changes"):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/guidelines/{gid}/edit", {"body": GUIDELINES_V1 + "\n## 4. More\nText."}),
        (f"/guidelines/{gid}/ask", {"section": "1", "question": "Hm?"}),
        (f"/guidelines/{gid}/questions/1/answer", {"answer": "No."}),
    ):
        assert post(client, url, data).status_code == 404, url
    db.expire_all()
    assert [v.number for v in service.list_versions(db, guidelines)] == [1]
    assert service.list_questions(db, requester, guidelines) == []
