"""Guidelines written in the browser: what browsers send is stored the way it is compared."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.guidelines.models import GuidelinesVersion
from tests.assessments.builders import GUIDELINES_V1
from tests.factories import api_token, csrf_token, log_in


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
