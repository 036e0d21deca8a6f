"""Test and guidelines pages: build, take one question per page, results; no answers leak."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.assessments import models, service
from labelpool.guidelines import service as guidelines_service
from tests.assessments.builders import (
    GUIDELINES_V1,
    SECRET_EXPLANATION,
    SENTIMENT_CONTROL,
    TEXT_CONTROL,
    make_guidelines,
    make_project,
)
from tests.factories import PASSWORD, Response, csrf_token, log_in

TEXT_ANSWER = "pangolin umbrella seventeen"


def post(client: TestClient, url: str, data: dict[str, object] | None = None) -> Response:
    return client.post(
        url, data={"csrf_token": csrf_token(client), **(data or {})}, follow_redirects=False
    )


def build_test(db: Session, requester: User, organization: Organization, **settings: Any) -> int:
    project = make_project(db, requester, organization)
    guidelines = make_guidelines(db, requester, organization, [project])
    test = service.create_test(
        db,
        requester,
        organization.id,
        title="Review qualification",
        kind=models.TestKind.QUALIFICATION,
        project_id=project.id,
        guidelines_id=guidelines.id,
        pass_mark=50,
        **settings,
    )
    service.add_question(
        db,
        requester,
        test,
        data={"text": "Oh great, it broke."},
        control=SENTIMENT_CONTROL,
        correct_answer="negative",
        explanation=SECRET_EXPLANATION,
        guideline_section="3",
    )
    service.add_question(
        db,
        requester,
        test,
        data={"text": "Copy: P U S"},
        control=TEXT_CONTROL,
        correct_answer=TEXT_ANSWER,
        explanation=SECRET_EXPLANATION + " (2)",
        guideline_section="1",
    )
    service.set_status(db, requester, test, models.TestStatus.PUBLISHED)
    db.commit()
    return test.id


def test_exam_pages_one_question_per_page_without_leaks(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    tid = build_test(db, requester, organization, max_attempts=2, cooldown_seconds=3600)
    log_in(client, contributor.email, PASSWORD)
    pages: list[str] = []
    listing = client.get("/tests")
    assert listing.status_code == 200 and "Review qualification" in listing.text
    assert "Attempts left" in listing.text and ">2<" in listing.text
    pages.append(listing.text)
    intro = client.get(f"/tests/{tid}")
    assert "Start the test" in intro.text and "Wait 1 hour" in intro.text
    started = post(client, f"/tests/{tid}/attempts")
    assert started.status_code == 303
    first_url = started.headers["location"]
    assert re.fullmatch(r"/attempts/\d+/q/1", first_url)
    base = first_url.rsplit("/q/", 1)[0]
    for n in (1, 2):
        page = client.get(f"{base}/q/{n}")
        assert page.status_code == 200
        pages.append(page.text)
        if 'type="radio"' in page.text:
            answer = "negative"
        else:
            assert "<textarea" in page.text
            answer = "pangolin umbrella"
        saved = post(client, f"{base}/q/{n}", {"answer": answer})
        assert saved.status_code == 303
    bad = post(client, f"{base}/q/1", {"answer": "furious"})
    assert bad.status_code == 422, "an answer outside the options is refused"
    assert "That answer does not fit the question" in bad.text
    assert all(SECRET_EXPLANATION not in p and TEXT_ANSWER not in p for p in pages)
    done = post(client, f"{base}/submit")
    assert done.headers["location"] == f"{base}/result"
    result = client.get(f"{base}/result")
    assert "Passed" in result.text and "83.3%" in result.text
    assert "Sections to restudy" in result.text and "1 Task" in result.text
    assert SECRET_EXPLANATION not in result.text and TEXT_ANSWER not in result.text
    assert client.get(base, follow_redirects=False).headers["location"] == f"{base}/result"


def test_training_page_shows_feedback_after_the_answer_only(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    tid = build_test(db, requester, organization, mode=models.TestMode.TRAINING)
    log_in(client, contributor.email, PASSWORD)
    base = post(client, f"/tests/{tid}/attempts").headers["location"].rsplit("/q/", 1)[0]
    before = client.get(f"{base}/q/1").text
    assert SECRET_EXPLANATION not in before and "Check answer" in before
    answer = "positive" if 'type="radio"' in before else "wrong words"
    assert post(client, f"{base}/q/1", {"answer": answer}).headers["location"] == f"{base}/q/1"
    after = client.get(f"{base}/q/1").text
    assert SECRET_EXPLANATION in after and "Correct answer" in after
    second = client.get(f"{base}/q/2").text
    assert "Correct answer" not in second and TEXT_ANSWER not in second.replace("Copy: P U S", "")


def test_requester_builds_guidelines_and_a_test_with_pages(
    client: TestClient, db: Session, organization: Organization, requester: User
) -> None:
    log_in(client, requester.email, PASSWORD)
    created = post(client, "/guidelines/new", {"title": "Sentiment", "body": GUIDELINES_V1})
    assert created.status_code == 303, created.text
    gid = int(created.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/guidelines/{gid}")
    assert 'id="section-2.1"' in page.text and "Positive and negative" in page.text
    published = post(
        client,
        f"/guidelines/{gid}/edit",
        {
            "body": GUIDELINES_V1.replace("Likes or dislikes.", "Likes, dislikes."),
            "note": "Clearer",
            "material": "1",
        },
    )
    assert published.headers["location"] == f"/guidelines/{gid}/changes?to=2"
    changes = client.get(f"/guidelines/{gid}/changes?to=2")
    assert "Material change" in changes.text and "2.1 Positive and negative" in changes.text
    assert "diff-add" in changes.text
    bad = post(client, "/guidelines/new", {"title": "X", "body": "no sections"})
    assert bad.status_code == 422 and "numbered sections" in bad.text

    assert client.get("/tests/new").status_code == 200
    made = post(
        client,
        "/tests/new",
        {
            "title": "Grammar basics",
            "kind": "skill",
            "skill_key": "grammar",
            "mode": "exam",
            "pass_mark": "70",
            "cooldown_hours": "24",
            "max_attempts": "3",
            "guidelines_id": str(gid),
        },
    )
    assert made.status_code == 303, made.text
    manage_url = made.headers["location"]
    tid = int(manage_url.split("/")[2])
    wrong = post(
        client,
        f"/tests/{tid}/manage/questions",
        {"kind": "advanced", "data_json": "{", "control_json": "{}", "correct_json": "1"},
    )
    assert wrong.status_code == 422 and "not valid JSON" in wrong.text

    added = post(
        client,
        f"/tests/{tid}/manage/questions",
        {
            "kind": "advanced",
            "data_json": json.dumps({"text": "Their going home."}),
            "control_json": json.dumps(SENTIMENT_CONTROL),
            "correct_json": '"neutral"',
            "explanation": "No attitude.",
            "guideline_section": "2.2",
        },
    )
    assert added.status_code == 303, added.text
    manage = client.get(f"/tests/{tid}/manage")
    assert "Their going home." in manage.text
    assert '<td class="text-sm">Neutral</td>' in manage.text, "the answer by its label"
    assert "Wait 1 day after a failed attempt; at most 3 attempts" in manage.text
    assert post(client, f"/tests/{tid}/manage/status", {"status": "published"}).status_code == 303
    listing = client.get("/tests")
    assert "Grammar basics" in listing.text and "s tests</h2>" in listing.text


def test_contributor_asks_and_reads_the_faq(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    build_test(db, requester, organization)
    # (The project's own copy of the template's guidelines is titled "Reviews guidelines".)
    [guidelines] = [
        g for g in guidelines_service.list_guidelines(db, requester) if g.title == "Sentiment"
    ]
    log_in(client, contributor.email, PASSWORD)
    asked = post(
        client,
        f"/guidelines/{guidelines.id}/ask",
        {"section": "3", "question": "Is irony sarcasm?"},
    )
    assert asked.status_code == 303
    page = client.get(f"/guidelines/{guidelines.id}")
    assert "Your open questions" in page.text and "Unanswered questions" not in page.text
    db.commit()  # end the test session's snapshot: the page wrote the question
    (question,) = guidelines_service.list_questions(db, requester, guidelines)
    guidelines_service.answer_question(
        db, requester, guidelines, question.id, "Yes, treat it alike."
    )
    db.commit()
    faq = client.get(f"/guidelines/{guidelines.id}").text
    assert "FAQ (1)" in faq and "Yes, treat it alike." in faq
