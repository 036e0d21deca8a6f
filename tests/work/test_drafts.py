"""Drafts of an assignment (issue 22, point 5): the holder saves and reads them back; anyone
else is told there is no such assignment; a closed assignment's draft is refused."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role, Scope
from labelpool.projects import service as projects
from labelpool.projects.models import Item
from labelpool.work import claims, submissions
from labelpool.work.draft_models import AssignmentDraft
from labelpool.work.models import Assignment
from tests.factories import csrf_token, log_in, make_user
from tests.work.helpers import contributors, lapse, work_project


def _headers(db: Session, user: User) -> dict[str, str]:
    secret, _ = accounts.create_api_token(db, user, "drafts", Scope.WRITE)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def _claimed(db: Session, user: User, project_id: int) -> int:
    assignment_id = claims.claim(db, user, project_id).assignment.id
    db.commit()
    return assignment_id


def test_the_holder_saves_reads_and_overwrites_a_draft(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=2)
    (alice,) = contributors(db, 1)
    headers = _headers(db, alice)
    assignment_id = _claimed(db, alice, setup.project.id)
    url = f"/api/v1/assignments/{assignment_id}/draft"

    empty = client.get(url, headers=headers)
    assert empty.status_code == 200, empty.text
    assert empty.json() == {
        "assignment_id": assignment_id,
        "answers": None,
        "saved_at": None,
        "pre_annotations": None,
    }

    half = {"sentiment": "positive", "note": {"any": ["shape", 1]}}  # a draft is not checked
    saved = client.put(url, json={"answers": half}, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["answers"] == half and saved.json()["saved_at"]
    assert client.get(url, headers=headers).json()["answers"] == half

    again = client.put(url, json={"answers": {"sentiment": "negative"}}, headers=headers)
    assert again.status_code == 200
    assert client.get(url, headers=headers).json()["answers"] == {"sentiment": "negative"}
    count = db.scalar(select(func.count()).select_from(AssignmentDraft))
    assert count == 1  # one row per assignment, the last save wins


def test_someone_elses_assignment_is_not_found(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=2)
    alice, bob = contributors(db, 2)
    assignment_id = _claimed(db, alice, setup.project.id)
    client.put(
        f"/api/v1/assignments/{assignment_id}/draft",
        json={"answers": {"sentiment": "positive"}},
        headers=_headers(db, alice),
    )
    url = f"/api/v1/assignments/{assignment_id}/draft"
    for user in (bob, setup.requester, make_user(db, role=Role.ADMIN)):
        headers = _headers(db, user)
        got = client.get(url, headers=headers)
        put = client.put(url, json={"answers": {"sentiment": "negative"}}, headers=headers)
        assert got.status_code == 404 and put.status_code == 404, (got.text, put.text)
        assert got.json()["error"]["message"] == f"No assignment with id {assignment_id}."
    missing = client.get("/api/v1/assignments/999999/draft", headers=_headers(db, bob))
    assert missing.status_code == 404
    stored = db.get(AssignmentDraft, assignment_id)
    assert stored is not None and stored.answers == {"sentiment": "positive"}


def test_a_closed_assignments_draft_is_refused(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=3)
    (alice,) = contributors(db, 1)
    headers = _headers(db, alice)
    answered = _claimed(db, alice, setup.project.id)
    submissions.submit(db, alice, answered, {"sentiment": "positive"}, 3, "key-1")
    db.commit()
    skipped = _claimed(db, alice, setup.project.id)
    submissions.skip(db, alice, skipped, "unsure")
    db.commit()
    for assignment_id, state in ((answered, "submitted"), (skipped, "skipped")):
        url = f"/api/v1/assignments/{assignment_id}/draft"
        put = client.put(url, json={"answers": {"sentiment": "negative"}}, headers=headers)
        got = client.get(url, headers=headers)
        for answer in (put, got):
            assert answer.status_code == 409, answer.text
            error = answer.json()["error"]
            assert error["code"] == "assignment_closed"
            assert error["details"] == {"status": state}
    assert db.scalar(select(func.count()).select_from(AssignmentDraft)) == 0


def test_a_lapsed_lease_keeps_its_draft_and_the_draft_goes_with_the_assignment(
    db: Session, client: TestClient
) -> None:
    """A late answer may still count, so the draft of a lapsed lease can still be saved."""
    setup = work_project(db, items=2)
    (alice,) = contributors(db, 1)
    headers = _headers(db, alice)
    assignment_id = _claimed(db, alice, setup.project.id)
    lapse(db, assignment_id)
    url = f"/api/v1/assignments/{assignment_id}/draft"
    saved = client.put(url, json={"answers": {"sentiment": "neutral"}}, headers=headers)
    assert saved.status_code == 200, saved.text
    assignment = db.get(Assignment, assignment_id)
    assert assignment is not None
    db.delete(assignment)
    db.commit()
    assert db.get(AssignmentDraft, assignment_id) is None


def test_the_browser_session_needs_the_csrf_header(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=1)
    (alice,) = contributors(db, 1)
    assignment_id = _claimed(db, alice, setup.project.id)
    log_in(client, alice.email)
    url = f"/api/v1/assignments/{assignment_id}/draft"
    body = {"answers": {"sentiment": "positive"}}
    refused = client.put(url, json=body)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "csrf_failed"
    accepted = client.put(url, json=body, headers={"X-CSRF-Token": csrf_token(client)})
    assert accepted.status_code == 200, accepted.text
    assert client.get(url).json()["answers"] == body["answers"]


def test_until_a_draft_is_saved_the_items_newest_prediction_is_offered(
    db: Session, client: TestClient
) -> None:
    """Pre-annotations are editable starting points: offered until the holder saves a draft."""
    setup = work_project(db, items=1)
    (alice,) = contributors(db, 1)
    item = db.get(Item, setup.item_ids[0])
    assert item is not None
    projects.add_prediction(db, setup.project, item, {"sentiment": "negative"}, model_version="v1")
    projects.add_prediction(db, setup.project, item, {"sentiment": "positive"}, model_version="v2")
    db.commit()
    headers = _headers(db, alice)
    assignment_id = _claimed(db, alice, setup.project.id)
    url = f"/api/v1/assignments/{assignment_id}/draft"

    offered = client.get(url, headers=headers).json()
    assert offered["answers"] is None and offered["pre_annotations"] == {"sentiment": "positive"}

    client.put(url, json={"answers": {"sentiment": "neutral"}}, headers=headers)
    saved = client.get(url, headers=headers).json()
    assert saved["answers"] == {"sentiment": "neutral"} and saved["pre_annotations"] is None
