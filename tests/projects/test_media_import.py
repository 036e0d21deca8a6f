"""Importing folders and zips of media: one item per file, or a manifest naming the files."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.config import Settings
from labelpool.media.models import MediaFile
from labelpool.media.storage import storage_from_settings
from labelpool.projects import service
from labelpool.projects.importing.service import import_file
from labelpool.projects.media_import import media_records_for
from labelpool.projects.models import ImportRun, ImportStatus, Item, Project


def _png(color: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 6), color).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def image_project(db: Session, requester: User, organization: Organization) -> Project:
    project = service.create_project(
        db, requester, organization.id, name="Boxes", template_key="image-bounding-boxes"
    )
    db.commit()
    return project


def _import(db: Session, settings: Settings, project: Project, path: Path) -> ImportRun:
    records = media_records_for(db, settings, storage_from_settings(settings), project, None)
    run = import_file(db, None, project, path, media_records=records)
    db.commit()
    return run


def _items(db: Session, project: Project) -> list[Item]:
    return list(db.scalars(select(Item).where(Item.project_id == project.id).order_by(Item.id)))


def test_a_folder_of_images_becomes_one_item_per_file(
    db: Session, settings: Settings, image_project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "shots"
    (folder / "day2").mkdir(parents=True)
    (folder / "a.png").write_bytes(_png("red"))
    (folder / "day2" / "b.png").write_bytes(_png("blue"))
    (folder / ".DS_Store").write_bytes(b"junk")
    run = _import(db, settings, image_project, folder)
    assert run.status == ImportStatus.SUCCEEDED, run.message
    items = _items(db, image_project)
    assert [i.external_id for i in items] == ["a.png", "day2/b.png"]
    media_ids = [int(i.data["image"].removeprefix("media:")) for i in items]
    stored = db.scalars(select(MediaFile).where(MediaFile.id.in_(media_ids))).all()
    assert {m.content_type for m in stored} == {"image/png"}
    assert all(m.project_id == image_project.id for m in stored)


def test_a_zip_with_a_manifest_and_gold(
    db: Session, settings: Settings, image_project: Project, tmp_path: Path
) -> None:
    archive = tmp_path / "batch.zip"
    manifest = [
        {
            "id": "one",
            "image": "img/one.png",
            "gold": {"objects": [{"x": 1, "y": 1, "w": 3, "h": 2, "label": "car"}]},
        },
        {"id": "two", "image": "./img/two.png"},
    ]
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("img/one.png", _png("red"))
        z.writestr("img/two.png", _png("green"))
        z.writestr("items.jsonl", "\n".join(json.dumps(m) for m in manifest))
    run = _import(db, settings, image_project, archive)
    assert run.status == ImportStatus.SUCCEEDED, run.message
    items = _items(db, image_project)
    assert [i.external_id for i in items] == ["one", "two"]
    assert items[0].is_gold and items[0].gold == {
        "objects": [{"x": 1, "y": 1, "w": 3, "h": 2, "label": "car"}]
    }
    assert all(i.data["image"].startswith("media:") for i in items)


def test_a_manifest_naming_a_missing_file_imports_nothing(
    db: Session, settings: Settings, image_project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "one.png").write_bytes(_png("red"))
    (folder / "items.csv").write_text("id,image\none,one.png\ntwo,missing.png\n")
    run = _import(db, settings, image_project, folder)
    assert run.status == ImportStatus.FAILED
    assert run.errors == [
        {"row": 3, "field": None, "problem": "field 'image': there is no file 'missing.png'"}
    ]
    assert _items(db, image_project) == []
    assert db.scalar(select(func.count()).select_from(MediaFile)) == 0, "stored files undone"


def test_zip_traversal_is_refused_before_anything_is_stored(
    db: Session, settings: Settings, image_project: Project, tmp_path: Path
) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ok.png", _png("red"))
        z.writestr("../../evil.png", _png("red"))
    run = _import(db, settings, image_project, archive)
    assert run.status == ImportStatus.FAILED
    assert "evil.png" in (run.message or "")
    assert db.scalar(select(func.count()).select_from(MediaFile)) == 0


def test_files_of_the_wrong_kind_are_refused(
    db: Session, settings: Settings, image_project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "notes.png").write_text("this is text pretending to be an image")
    run = _import(db, settings, image_project, folder)
    assert run.status == ImportStatus.FAILED
    assert "notes.png" in (run.message or "")
