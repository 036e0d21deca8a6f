"""The projects API: templates, create, lifecycle, upload imports, items, predictions."""

from __future__ import annotations

import json

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.projects.templates import TEMPLATES
from tests.factories import api_token, make_organization, make_user
from tests.projects.conftest import RunJobs


def test_templates_are_listed_with_keys_fields_and_controls(
    client: TestClient, db: Session, requester: User
) -> None:
    headers = api_token(db, requester)
    listed = client.get("/api/v1/templates", headers=headers).json()
    assert {t["key"] for t in listed} == set(TEMPLATES)
    sentiment = next(t for t in listed if t["key"] == "text-sentiment")
    assert sentiment["family"] == "text"
    assert sentiment["data_fields"][0]["name"] == "text"
    assert sentiment["controls"][0]["kind"] == "choice"
    only_video = client.get("/api/v1/templates?family=video", headers=headers).json()
    assert only_video and all(t["family"] == "video" for t in only_video)
    bad = client.get("/api/v1/templates?family=smell", headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["details"] == {"field": "family"}


def test_create_import_activate_and_page_through_items(
    client: TestClient, db: Session, requester: User, run_jobs: RunJobs
) -> None:
    headers = api_token(db, requester)
    created = client.post(
        "/api/v1/projects",
        json={"name": "Reviews", "template": "text-sentiment", "overlap": 5},
        headers=headers,
    )
    assert created.status_code == 201, created.text
    project = created.json()
    assert (project["status"], project["overlap"], project["template_key"]) == (
        "draft",
        5,
        "text-sentiment",
    )
    pid = project["id"]
    lines = "\n".join(json.dumps({"text": f"review {i}", "id": f"r{i}"}) for i in range(5))
    upload = client.post(
        f"/api/v1/projects/{pid}/imports",
        files={"file": ("reviews.jsonl", lines.encode(), "application/x-ndjson")},
        headers=headers,
    )
    assert upload.status_code == 202, upload.text
    assert upload.json()["status"] == "queued"
    assert run_jobs().failed == 0
    done = client.get(upload.headers["location"], headers=headers).json()
    assert (done["status"], done["rows_imported"]) == ("succeeded", 5)

    page = client.get(f"/api/v1/projects/{pid}/items?limit=3", headers=headers).json()
    assert [i["external_id"] for i in page["items"]] == ["r0", "r1", "r2"]
    rest = client.get(
        f"/api/v1/projects/{pid}/items?limit=3&after={page['next_after']}", headers=headers
    ).json()
    assert [i["external_id"] for i in rest["items"]] == ["r3", "r4"]
    assert rest["next_after"] is None

    active = client.post(
        f"/api/v1/projects/{pid}/status",
        json={"status": "active", "reason": "go"},
        headers=headers,
    )
    assert active.status_code == 200 and active.json()["status"] == "active"
    wrong = client.post(f"/api/v1/projects/{pid}/status", json={"status": "draft"}, headers=headers)
    assert wrong.status_code == 409
    assert "cannot become draft" in wrong.json()["error"]["message"]
    history = client.get(f"/api/v1/projects/{pid}/history", headers=headers).json()
    assert [(h["from_status"], h["to_status"]) for h in history] == [
        (None, "draft"),
        ("draft", "active"),
    ]


def test_a_bad_upload_fails_with_every_row_problem_and_is_recorded(
    client: TestClient, db: Session, requester: User, run_jobs: RunJobs
) -> None:
    headers = api_token(db, requester)
    pid = client.post(
        "/api/v1/projects", json={"name": "R", "template": "text-sentiment"}, headers=headers
    ).json()["id"]
    response = client.post(
        f"/api/v1/projects/{pid}/imports",
        files={"file": ("rows.csv", b'text,id\nfine,1\n"",2\n', "text/csv")},
        headers=headers,
    )
    assert response.status_code == 202
    run_jobs()
    failed = client.get(response.headers["location"], headers=headers).json()
    assert failed["status"] == "failed" and "nothing was imported" in failed["message"]
    assert failed["errors"] == [{"row": 3, "field": "text", "problem": "is missing"}]
    runs = client.get(f"/api/v1/projects/{pid}/imports", headers=headers).json()
    assert [r["status"] for r in runs] == ["failed"]
    assert client.get(f"/api/v1/projects/{pid}", headers=headers).json()["item_count"] == 0


def test_create_needs_an_organization_when_ambiguous(
    client: TestClient, db: Session, requester: User
) -> None:
    second = make_organization(db, "Second")
    from labelpool.accounts import service as accounts

    accounts.add_membership(db, requester, second, Role.REQUESTER)
    db.commit()
    response = client.post(
        "/api/v1/projects",
        json={"name": "R", "template": "text-sentiment"},
        headers=api_token(db, requester),
    )
    assert response.status_code == 422
    assert "organization_id" in response.json()["error"]["message"]


def test_contributors_and_other_tenants_get_404(
    client: TestClient, db: Session, requester: User, organization: Organization
) -> None:
    pid = client.post(
        "/api/v1/projects",
        json={"name": "R", "template": "text-sentiment"},
        headers=api_token(db, requester),
    ).json()["id"]
    outsider = make_user(db, role=Role.REQUESTER, organization=make_organization(db, "Globex"))
    contributor = make_user(db)
    for user in (outsider, contributor):
        headers = api_token(db, user)
        assert client.get(f"/api/v1/projects/{pid}", headers=headers).status_code == 404
        assert client.get(f"/api/v1/projects/{pid}/items", headers=headers).status_code == 404
        assert client.get("/api/v1/projects", headers=headers).json() == []
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    headers = api_token(db, reviewer)
    assert client.get(f"/api/v1/projects/{pid}", headers=headers).status_code == 200
    denied = client.patch(f"/api/v1/projects/{pid}", json={"name": "x"}, headers=headers)
    assert denied.status_code == 403


def test_predictions_over_the_api(
    client: TestClient, db: Session, requester: User, run_jobs: RunJobs
) -> None:
    headers = api_token(db, requester)
    pid = client.post(
        "/api/v1/projects", json={"name": "R", "template": "text-sentiment"}, headers=headers
    ).json()["id"]
    client.post(
        f"/api/v1/projects/{pid}/imports",
        files={"file": ("a.jsonl", b'{"text": "nice"}\n', "application/x-ndjson")},
        headers=headers,
    )
    run_jobs()
    item_id = client.get(f"/api/v1/projects/{pid}/items", headers=headers).json()["items"][0]["id"]
    control = TEMPLATES["text-sentiment"].controls[0]["name"]
    value = TEMPLATES["text-sentiment"].sample_answer[control]
    url = f"/api/v1/projects/{pid}/items/{item_id}/predictions"
    added = client.post(
        url,
        json={"answers": {control: value}, "model_version": "bert-2", "score": 0.7},
        headers=headers,
    )
    assert added.status_code == 201, added.text
    bad = client.post(url, json={"answers": {control: "???"}}, headers=headers)
    assert bad.status_code == 422 and control in bad.json()["error"]["message"]
    listed = client.get(url, headers=headers).json()
    assert [(p["model_version"], p["answers"]) for p in listed] == [("bert-2", {control: value})]
