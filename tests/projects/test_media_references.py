"""`media:<id>` references belong to the project's organization: checked at import and again
before any URL is signed for an item (issue 18: media ids are sequential and were walkable)."""

from __future__ import annotations

import io
import json
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.config import Settings
from labelpool.media.models import MediaFile
from labelpool.media.service import ItemMediaLinks, media_reference_id, store_media_bytes
from labelpool.media.storage import storage_from_settings
from labelpool.projects import service
from labelpool.projects.importing.service import import_file
from labelpool.projects.models import ImportRun, ImportStatus, Item, Project
from tests.factories import api_token, log_in, make_organization
from tests.projects.conftest import RunJobs


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _image_project(db: Session, user: User, organization: Organization) -> Project:
    return service.create_project(
        db, user, organization.id, name="Photos", template_key="image-tagging"
    )


def _media(db: Session, settings: Settings, organization: Organization) -> MediaFile:
    return store_media_bytes(
        db, storage_from_settings(settings), organization.id, None, "a.png", _png(), None
    )


@pytest.fixture
def other_org_media(db: Session, settings: Settings) -> MediaFile:
    """A file of organization A, which the tests' organization B must never reach."""
    media = _media(db, settings, make_organization(db, "Org A"))
    db.commit()
    return media


def _write_jsonl(path: Path, *rows: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def test_import_refuses_another_organizations_media(
    db: Session,
    settings: Settings,
    requester: User,
    organization: Organization,
    other_org_media: MediaFile,
    tmp_path: Path,
) -> None:
    project = _image_project(db, requester, organization)
    mine = _media(db, settings, organization)
    db.commit()
    path = _write_jsonl(
        tmp_path / "rows.jsonl",
        {"image": f"media:{mine.id}"},
        {"image": f"media:{other_org_media.id}"},
        {"image": "media:987654"},
    )
    run = import_file(db, requester, project, path)
    db.commit()
    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {
            "row": 2,
            "field": "image",
            "problem": f"media:{other_org_media.id} does not exist in this project's organization",
        },
        {
            "row": 3,
            "field": "image",
            "problem": "media:987654 does not exist in this project's organization",
        },
    ]
    assert db.scalar(select(Item).where(Item.project_id == project.id)) is None

    skipped = import_file(db, requester, project, path, skip_invalid=True)
    db.commit()
    assert skipped.status == ImportStatus.SUCCEEDED and skipped.rows_imported == 1
    items = db.scalars(select(Item).where(Item.project_id == project.id)).all()
    assert [i.data["image"] for i in items] == [f"media:{mine.id}"]


def test_import_over_the_api_names_the_row(
    client: TestClient,
    db: Session,
    requester: User,
    organization: Organization,
    other_org_media: MediaFile,
    run_jobs: RunJobs,
) -> None:
    project = _image_project(db, requester, organization)
    db.commit()
    headers = api_token(db, requester)
    response = client.post(
        f"/api/v1/projects/{project.id}/imports",
        headers=headers,
        files={"file": ("rows.jsonl", json.dumps({"image": f"media:{other_org_media.id}"}))},
    )
    assert response.status_code == 202
    run_jobs()
    finished = client.get(response.headers["location"], headers=headers).json()
    assert finished["status"] == "failed"
    assert finished["errors"][0]["problem"] == (
        f"media:{other_org_media.id} does not exist in this project's organization"
    )
    run = db.get(ImportRun, finished["id"])
    assert run is not None and run.status == ImportStatus.FAILED


@pytest.mark.parametrize("value", ["media:abc", "media:", "media:0", "media:-3", "media: 4"])
def test_malformed_references_are_row_errors(
    db: Session, requester: User, organization: Organization, tmp_path: Path, value: str
) -> None:
    project = _image_project(db, requester, organization)
    db.commit()
    run = import_file(db, requester, project, _write_jsonl(tmp_path / "r.jsonl", {"image": value}))
    assert run.status == ImportStatus.FAILED
    assert "media:<id>" in run.errors[0]["problem"]


def test_a_foreign_reference_already_stored_is_never_signed(
    client: TestClient,
    db: Session,
    settings: Settings,
    requester: User,
    organization: Organization,
    other_org_media: MediaFile,
) -> None:
    project = _image_project(db, requester, organization)
    mine = _media(db, settings, organization)
    # Held before the fix, or written by some other path: inserted directly.
    db.add_all(
        [
            Item(project_id=project.id, data={"image": f"media:{other_org_media.id}"}),
            Item(project_id=project.id, data={"image": f"media:{mine.id}"}),
        ]
    )
    project.item_count = 2
    db.commit()

    log_in(client, requester.email)
    page = client.get(f"/projects/{project.id}")
    assert page.status_code == 200
    assert f"/media/{other_org_media.id}?" not in page.text
    assert f"media:{other_org_media.id}: not available" in page.text
    assert f"/media/{mine.id}?" in page.text, "the organization's own file is still shown"

    # The file itself is only served with a valid signature.
    assert client.get(f"/media/{other_org_media.id}").status_code == 403
    forged = f"/media/{other_org_media.id}?exp=9999999999&sig=AAAA"
    assert client.get(forged).status_code == 403


def test_media_links_sign_only_the_organizations_files(
    db: Session, settings: Settings, organization: Organization, other_org_media: MediaFile
) -> None:
    mine = _media(db, settings, organization)
    db.commit()
    values = [f"media:{mine.id}", f"media:{other_org_media.id}", "https://x.test/a.png", 7, None]
    links = ItemMediaLinks(db, organization.id, settings.signing_key, values)
    assert (links.url(f"media:{mine.id}") or "").startswith(f"/media/{mine.id}?exp=")
    assert links.url(f"media:{other_org_media.id}") is None
    assert links.url("media:999999") is None
    assert links.url("https://x.test/a.png") is None


def test_media_reference_id() -> None:
    assert media_reference_id("media:12") == 12
    for value in ("media:012", "media:1.5", "media:1e3", " media:1", "media:" + "9" * 19, 12):
        assert media_reference_id(value) is None


def test_the_items_page_signs_links_for_the_configured_time(
    settings: Settings, db: Session, requester: User, organization: Organization
) -> None:
    from labelpool.app import create_app

    settings.media.media_url_ttl_seconds = 90
    project = _image_project(db, requester, organization)
    mine = _media(db, settings, organization)
    db.add(Item(project_id=project.id, data={"image": f"media:{mine.id}"}))
    project.item_count = 1
    db.commit()
    app = create_app(settings)
    with TestClient(app) as client:
        log_in(client, requester.email)
        page = client.get(f"/projects/{project.id}").text
    app.state.engine.dispose()
    signed = re.search(rf"/media/{mine.id}\?exp=(\d+)", page)
    assert signed is not None, "the page links the media with a signed URL"
    expires = int(signed.group(1))
    assert abs(expires - (time.time() + 90)) < 30
