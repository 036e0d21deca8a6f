"""The requester's project pages: list, create from a template, lifecycle, import, items."""

from __future__ import annotations

import json
import re
import struct
import zlib
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.config import Settings
from labelpool.guidelines import service as guidelines_service
from labelpool.media.service import store_media_bytes
from labelpool.media.storage import storage_from_settings
from labelpool.projects import service
from labelpool.projects.models import ImportRun, ImportStatus, Item, Project, ProjectStatus
from tests.factories import Response, csrf_token, log_in, make_organization, make_user
from tests.projects.conftest import RunJobs


def _import(
    client: TestClient, project_id: int, body: str, *, name: str = "items.jsonl", **data: str
) -> Response:
    return client.post(
        f"/projects/{project_id}/import",
        data={"csrf_token": csrf_token(client), **data},
        files={"file": (name, body.encode(), "application/octet-stream")},
        follow_redirects=False,
    )


def _png(width: int = 8, height: int = 6) -> bytes:
    """A small red PNG, made by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xc8\x1e\x1e" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _jsonl(*rows: dict[str, object]) -> str:
    return "\n".join(json.dumps(r) for r in rows) + "\n"


def test_list_shows_only_projects_of_my_organizations(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    other_org = make_organization(db, "Globex")
    stranger = make_user(db, role=Role.REQUESTER, organization=other_org)
    service.create_project(db, stranger, other_org.id, name="Secret", template_key="spam-detection")
    db.commit()

    log_in(client, requester.email)
    page = client.get("/projects")
    assert page.status_code == 200
    assert "Review sentiment" in page.text
    assert "Secret" not in page.text
    assert 'href="/projects/new"' in page.text
    assert 'href="/projects"' in client.get("/").text, "Projects is in the nav"


def test_empty_list_offers_a_new_project(client: TestClient, db: Session, requester: User) -> None:
    log_in(client, requester.email)
    page = client.get("/projects")
    assert "No projects yet" in page.text
    assert 'href="/projects/new"' in page.text


def test_create_from_a_template_through_the_form(
    client: TestClient, db: Session, requester: User, organization: Organization
) -> None:
    log_in(client, requester.email)
    gallery = client.get("/projects/new")
    assert gallery.status_code == 200
    assert 'value="text-sentiment"' in gallery.text
    assert "Search &amp; AI rating" in gallery.text

    missing = client.post(
        "/projects/new",
        data={"csrf_token": csrf_token(client), "name": "Reviews", "template": ""},
    )
    assert missing.status_code == 422
    assert "Choose a template" in missing.text
    assert 'value="Reviews"' in missing.text, "the form keeps what was typed"

    bad_name = client.post(
        "/projects/new",
        data={"csrf_token": csrf_token(client), "name": "  ", "template": "text-sentiment"},
    )
    assert bad_name.status_code == 422 and "Project name must be" in bad_name.text

    created = client.post(
        "/projects/new",
        data={"csrf_token": csrf_token(client), "name": "Reviews", "template": "text-sentiment"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    project = db.scalar(select(Project).where(Project.name == "Reviews"))
    assert project is not None and project.organization_id == organization.id
    assert project.template_key == "text-sentiment" and project.status == ProjectStatus.DRAFT
    assert created.headers["location"] == f"/projects/{project.id}"
    page = client.get(created.headers["location"])
    assert "created as a draft" in page.text
    assert "text-sentiment" in page.text


def test_lifecycle_buttons_follow_the_allowed_transitions(
    client: TestClient, db: Session, requester: User, project: Project, run_jobs: RunJobs
) -> None:
    log_in(client, requester.email)
    page = client.get(f"/projects/{project.id}").text
    buttons = set(re.findall(r'name="status" value="(\w+)"', page))
    assert buttons == {"active", "cancelled"}

    # Activating an empty project is refused; the message is shown as a flash.
    refused = client.post(
        f"/projects/{project.id}/status",
        data={"csrf_token": csrf_token(client), "status": "active"},
    )
    assert refused.status_code == 200
    assert "Import items before activating" in refused.text
    wrong = client.post(
        f"/projects/{project.id}/status",
        data={"csrf_token": csrf_token(client), "status": "paused"},
    )
    assert "cannot become paused" in wrong.text

    assert _import(client, project.id, _jsonl({"text": "great"})).status_code == 303
    run_jobs()
    done = client.post(
        f"/projects/{project.id}/status",
        data={"csrf_token": csrf_token(client), "status": "active", "reason": "ready to go"},
    )
    assert "The project is now active." in done.text
    db.refresh(project)
    assert project.status == ProjectStatus.ACTIVE
    buttons = set(re.findall(r'name="status" value="(\w+)"', done.text))
    assert buttons == {"paused", "completed", "cancelled"}
    history = client.get(f"/projects/{project.id}?tab=history").text
    assert "ready to go" in history


def test_import_shows_its_progress_then_the_count_and_lists_the_run(
    client: TestClient, db: Session, requester: User, project: Project, run_jobs: RunJobs
) -> None:
    log_in(client, requester.email)
    body = _jsonl(
        {"id": "a", "text": "Loved it", "stars": 5, "source": "https://shop.example/a"},
        {"id": "b", "text": "Broke <b>fast</b>", "gold": {"sentiment": "negative"}},
    )
    response = _import(client, project.id, body)
    assert response.status_code == 303
    run_page = response.headers["location"]
    assert re.fullmatch(rf"/projects/{project.id}/imports/\d+", run_page)
    waiting = client.get(run_page)
    assert waiting.status_code == 200 and "Waiting for the importer to start" in waiting.text
    assert 'role="progressbar"' in waiting.text
    assert f'hx-get="{run_page}/progress"' in waiting.text, "the card polls while queued"
    polled = client.get(f"{run_page}/progress")
    assert "HX-Refresh" not in polled.headers and "hx-trigger" in polled.text
    run_jobs()
    finished = client.get(f"{run_page}/progress")
    assert finished.headers["HX-Refresh"] == "true", "the page reloads to show the result"
    done = client.get(run_page)
    assert "Imported 2 items" in done.text and "hx-get" not in done.text
    assert "See the items" in done.text
    page = client.get(f"/projects/{project.id}")
    assert "Loved it" in page.text
    assert "Broke &lt;b&gt;fast&lt;/b&gt;" in page.text, "item text is escaped"
    assert '<a href="https://shop.example/a"' in page.text
    assert "Gold answers" in page.text and "Negative" in page.text
    runs = client.get(f"/projects/{project.id}?tab=import").text
    assert "items.jsonl" in runs and "Succeeded" in runs


def test_import_failure_shows_the_errors_and_stores_nothing(
    client: TestClient, db: Session, requester: User, project: Project, run_jobs: RunJobs
) -> None:
    log_in(client, requester.email)
    body = _jsonl({"text": "fine"}, {"text": 42}, {"stars": 3})
    queued = _import(client, project.id, body)
    assert queued.status_code == 303
    run_jobs()
    response = client.get(queued.headers["location"])
    assert "so nothing was imported" in response.text
    table = response.text[response.text.index("error-table") :]
    assert "<code>text</code>" in table and "must be text" in table
    assert db.scalar(select(func.count()).select_from(Item)) == 0
    run = db.scalar(select(ImportRun).where(ImportRun.project_id == project.id))
    assert run is not None and run.status == ImportStatus.FAILED, "the failed run is recorded"

    skipped = _import(client, project.id, body, skip_invalid="true")
    assert skipped.status_code == 303
    run_jobs()
    page = client.get(skipped.headers["location"]).text
    assert "Imported 1 item; skipped 2 invalid rows." in page

    unknown = _import(client, project.id, "hello", name="notes.docx")
    assert unknown.status_code == 422 and "Nothing was imported." in unknown.text


def test_items_render_by_kind_with_signed_media_urls(
    client: TestClient,
    db: Session,
    settings: Settings,
    requester: User,
    organization: Organization,
    run_jobs: RunJobs,
) -> None:
    fields: list[dict[str, Any]] = [
        {"name": "photo", "kind": "image"},
        {"name": "clip", "kind": "audio", "required": False},
        {"name": "notes", "kind": "markdown", "required": False},
        {"name": "chat", "kind": "conversation", "required": False},
        {"name": "answers", "kind": "responses", "required": False},
    ]
    schema = {
        "controls": [
            {
                "name": "ok",
                "kind": "choice",
                "title": "Is it fine?",
                "target": "photo",
                "options": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
            }
        ]
    }
    project = service.create_project(
        db, requester, organization.id, name="Media", data_fields=fields, label_schema=schema
    )
    media = store_media_bytes(
        db,
        storage_from_settings(settings),
        organization.id,
        project.id,
        "red.png",
        _png(),
        requester,
    )
    db.commit()

    log_in(client, requester.email)
    body = _jsonl(
        {
            "photo": f"media:{media.id}",
            "clip": "https://cdn.example/clip.wav",
            "notes": "# Title\n<script>alert(1)</script>",
            "chat": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}],
            "answers": ["First", "Second"],
        }
    )
    assert _import(client, project.id, body).status_code == 303
    run_jobs()
    page = client.get(f"/projects/{project.id}").text
    src = re.search(r'<img src="(/media/[^"]+)"', page)
    assert src is not None
    url = src.group(1).replace("&amp;", "&")
    assert url.startswith(f"/media/{media.id}?") and "sig=" in url
    image = client.get(url)
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert '<audio controls preload="metadata" src="https://cdn.example/clip.wav"' in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    assert "assistant" in page and "Second" in page


def test_guidelines_and_schema_are_readable_and_escaped(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    guidelines_service.create_for_project(
        db,
        requester,
        project,
        "## 1. Task\n\nPick **one**.\n\n<img src=x onerror=alert(1)>\n\n### 1.1 Ties\nNeutral.",
    )
    db.commit()
    log_in(client, requester.email)
    guidelines = client.get(f"/projects/{project.id}?tab=guidelines").text
    assert '<span class="section-number">1</span> Task</h3>' in guidelines
    assert 'id="section-1.1"' in guidelines and "<strong>one</strong>" in guidelines
    assert "<img src=x" not in guidelines and "&lt;img src=x" in guidelines
    schema = client.get(f"/projects/{project.id}?tab=schema").text
    assert "What is the sentiment?" in schema and "Positive" in schema


def test_reviewer_sees_but_cannot_change(
    client: TestClient, db: Session, organization: Organization, project: Project
) -> None:
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    log_in(client, reviewer.email)
    assert "Review sentiment" in client.get("/projects").text
    page = client.get(f"/projects/{project.id}")
    assert page.status_code == 200 and 'name="status"' not in page.text
    denied = client.post(
        f"/projects/{project.id}/status",
        data={"csrf_token": csrf_token(client), "status": "cancelled"},
    )
    assert denied.status_code == 403
    assert _import(client, project.id, _jsonl({"text": "x"})).status_code == 403
    assert client.get("/projects/new").status_code == 403


def test_contributors_and_other_tenants_get_404(
    client: TestClient, db: Session, project: Project
) -> None:
    contributor = make_user(db, role=Role.CONTRIBUTOR)
    log_in(client, contributor.email)
    assert client.get(f"/projects/{project.id}").status_code == 404
    assert client.get("/projects/new").status_code == 404
    assert "Review sentiment" not in client.get("/projects").text
    status = client.post(
        f"/projects/{project.id}/status",
        data={"csrf_token": csrf_token(client), "status": "cancelled"},
    )
    assert status.status_code == 404

    other_org = make_organization(db, "Globex")
    outsider = make_user(db, role=Role.REQUESTER, organization=other_org)
    client.cookies.clear()
    log_in(client, outsider.email)
    assert client.get(f"/projects/{project.id}").status_code == 404


def test_forms_need_the_csrf_token(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    log_in(client, requester.email)
    status = client.post(f"/projects/{project.id}/status", data={"status": "cancelled"})
    assert status.status_code == 403
    created = client.post("/projects/new", data={"name": "X", "template": "text-sentiment"})
    assert created.status_code == 403
    upload = client.post(
        f"/projects/{project.id}/import",
        files={"file": ("items.jsonl", b'{"text": "x"}\n', "application/x-ndjson")},
    )
    assert upload.status_code == 403
    db.refresh(project)
    assert project.status == ProjectStatus.DRAFT and project.item_count == 0


def test_pages_need_a_login(client: TestClient, project: Project) -> None:
    response = client.get("/projects", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/projects"
