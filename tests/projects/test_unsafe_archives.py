"""Uploading zips of media that are bombs or damaged: a failed import run that names the
problem, on record, and nothing stored (issue 18)."""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.config import Settings
from labelpool.media.models import MediaFile
from labelpool.projects import service
from labelpool.projects.models import ImportRun, ImportStatus, Item, Project
from tests.factories import api_token
from tests.projects.conftest import RunJobs


def _png(width: int = 300, height: int = 300) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "PNG")
    return buffer.getvalue()


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _lie_about_size(raw: bytes, entry_index: int, declared: int) -> bytes:
    """Rewrite the uncompressed size of the n-th central directory entry."""
    data = bytearray(raw)
    at = -1
    for _ in range(entry_index + 1):
        at = data.index(b"PK\x01\x02", at + 1)
    data[at + 24 : at + 28] = struct.pack("<I", declared)
    return bytes(data)


@pytest.fixture
def image_project(db: Session, requester: User, organization: Organization) -> Project:
    project = service.create_project(
        db, requester, organization.id, name="Photos", template_key="image-tagging"
    )
    db.commit()
    return project


Upload = Callable[[Project, bytes], dict[str, Any]]


@pytest.fixture
def upload(client: TestClient, db: Session, requester: User, run_jobs: RunJobs) -> Upload:
    """Upload a zip, run its import job and return the run as the API shows it."""

    def send(project: Project, body: bytes) -> dict[str, Any]:
        headers = api_token(db, requester)
        response = client.post(
            f"/api/v1/projects/{project.id}/imports",
            headers=headers,
            files={"file": ("batch.zip", body, "application/zip")},
        )
        assert response.status_code == 202, response.text
        run_jobs()
        finished: dict[str, Any] = client.get(response.headers["location"], headers=headers).json()
        return finished

    return send


def _assert_failed_and_nothing_stored(
    db: Session, settings: Settings, project: Project, finished: dict[str, Any]
) -> dict[str, Any]:
    assert finished["status"] == "failed", finished
    db.expire_all()
    run = db.get(ImportRun, finished["id"])
    assert run is not None and run.status == ImportStatus.FAILED
    assert run.message == finished["message"]
    assert db.scalar(select(func.count()).select_from(Item)) == 0
    assert db.scalar(select(func.count()).select_from(MediaFile)) == 0
    media_root = settings.media_dir
    assert [p for p in media_root.rglob("*") if p.is_file()] == []
    return finished


def test_a_zip_whose_header_lies_about_a_size_is_a_recorded_422(
    client: TestClient,
    db: Session,
    settings: Settings,
    requester: User,
    image_project: Project,
    upload: Upload,
) -> None:
    body = _lie_about_size(_zip({"a.png": _png(20, 20), "b.png": _png()}), 1, 100)
    error = _assert_failed_and_nothing_stored(
        db, settings, image_project, upload(image_project, body)
    )
    assert "entry 'b.png' is damaged" in str(error["message"])


def test_many_small_entries_that_expand_hugely_are_refused(
    client: TestClient,
    db: Session,
    settings: Settings,
    requester: User,
    image_project: Project,
    upload: Upload,
) -> None:
    entries = {f"{i}.png": _png(20, 20) + b"\x00" * (512 * 1024) for i in range(6)}
    body = _zip(entries, zipfile.ZIP_DEFLATED)
    assert len(body) < 64 * 1024
    error = _assert_failed_and_nothing_stored(
        db, settings, image_project, upload(image_project, body)
    )
    assert "this looks like a zip bomb" in str(error["message"])


def test_the_archive_byte_limit_is_a_setting(
    client: TestClient,
    db: Session,
    settings: Settings,
    requester: User,
    image_project: Project,
    upload: Upload,
) -> None:
    settings.media.max_archive_bytes = 1000  # the app's one Settings (client's app.state)
    body = _zip({"a.png": _png(), "b.png": _png(30, 30)})
    error = _assert_failed_and_nothing_stored(
        db, settings, image_project, upload(image_project, body)
    )
    assert "above the limit of 1000 bytes" in str(error["message"])
