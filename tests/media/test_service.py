"""Storing media: content checks, limits, hashing, dedupe, tenancy (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.errors import InvalidInput, NotFound
from labelpool.media import archives, service
from labelpool.media.archives import ArchiveLimits, MediaFileProblem
from labelpool.media.kinds import MediaKind
from labelpool.media.models import MediaFile
from labelpool.media.storage import LocalStorage
from tests.factories import make_organization, make_user

from .helpers import png_bytes, wav_bytes


@pytest.fixture
def storage(tmp_path: Path) -> LocalStorage:
    return LocalStorage(tmp_path / "media")


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(MediaFile)) or 0


def test_store_media_records_what_the_content_is(db: Session, storage: LocalStorage) -> None:
    org = make_organization(db)
    user = make_user(db, organization=org)
    data = png_bytes(40, 30)
    media = service.store_media(db, storage, org.id, 5, "photo.mp3", io.BytesIO(data), user)
    db.commit()
    assert media.kind is MediaKind.IMAGE
    assert media.content_type == "image/png"
    assert media.storage_key.endswith(".png")
    assert media.original_name == "photo.mp3"
    assert media.size_bytes == len(data)
    assert media.sha256 == hashlib.sha256(data).hexdigest()
    assert (media.width, media.height) == (40, 30)
    assert media.project_id == 5 and media.created_by == user.id
    with storage.open(media.storage_key) as handle:
        assert handle.read() == data
    assert service.get_media(db, media.id, org.id).id == media.id


def test_wav_duration_is_read_from_the_header(db: Session, storage: LocalStorage) -> None:
    org = make_organization(db)
    media = service.store_media_bytes(db, storage, org.id, None, "a.wav", wav_bytes(1.5), None)
    assert media.kind is MediaKind.AUDIO
    assert media.duration_seconds == pytest.approx(1.5)


def test_refused_content_stores_nothing(db: Session, storage: LocalStorage) -> None:
    org = make_organization(db)
    with pytest.raises(InvalidInput, match=r"invoice\.jpg: not a supported media file"):
        service.store_media_bytes(db, storage, org.id, None, "invoice.jpg", b"%PDF-1.4\n", None)
    assert count(db) == 0
    assert [p for p in storage.root.rglob("*") if p.is_file()] == []


def test_size_limit_is_enforced_while_streaming(db: Session, storage: LocalStorage) -> None:
    org = make_organization(db)
    data = png_bytes(300, 300)
    limits = {MediaKind.IMAGE: len(data) - 1, MediaKind.AUDIO: 10, MediaKind.VIDEO: 10}
    with pytest.raises(InvalidInput, match=r"big\.png: this image file is larger than"):
        service.store_media_bytes(db, storage, org.id, None, "big.png", data, None, limits=limits)
    assert count(db) == 0
    assert [p for p in storage.root.rglob("*") if p.is_file()] == []
    limits[MediaKind.IMAGE] = len(data)
    service.store_media_bytes(db, storage, org.id, None, "big.png", data, None, limits=limits)


def test_dedupe_stores_same_content_once_per_project(db: Session, storage: LocalStorage) -> None:
    org = make_organization(db)
    data = png_bytes()
    first = service.store_media_bytes(db, storage, org.id, 1, "a.png", data, None, dedupe=True)
    again = service.store_media_bytes(db, storage, org.id, 1, "b.png", data, None, dedupe=True)
    other_project = service.store_media_bytes(
        db, storage, org.id, 2, "a.png", data, None, dedupe=True
    )
    copy = service.store_media_bytes(db, storage, org.id, 1, "c.png", data, None)
    assert again.id == first.id
    assert len({first.id, other_project.id, copy.id}) == 3
    assert len([p for p in storage.root.rglob("*.png")]) == 3


def test_other_organizations_media_is_not_found(db: Session, storage: LocalStorage) -> None:
    mine, theirs = make_organization(db, "Mine"), make_organization(db, "Theirs")
    media = service.store_media_bytes(db, storage, theirs.id, None, "a.png", png_bytes(), None)
    db.commit()
    with pytest.raises(NotFound):
        service.get_media(db, media.id, mine.id)
    with pytest.raises(NotFound):
        service.get_media(db, 999_999, mine.id)


def test_deleting_the_organization_deletes_rows(db: Session, storage: LocalStorage) -> None:
    org = make_organization(db)
    user = make_user(db, organization=org)
    service.store_media_bytes(db, storage, org.id, None, "a.png", png_bytes(), user)
    db.commit()
    db.delete(user)
    db.commit()
    assert db.scalars(select(MediaFile.created_by)).all() == [None]  # SET NULL
    db.delete(org)
    db.commit()
    assert count(db) == 0  # CASCADE


def test_store_folder_or_zip(db: Session, storage: LocalStorage, tmp_path: Path) -> None:
    org = make_organization(db)
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("img/one.png", png_bytes(10, 10))
        zf.writestr("img/two.png", png_bytes(12, 10, (0, 0, 0)))
        zf.writestr("sound/a.wav", wav_bytes())
        zf.writestr("notes.txt", "hello")
    with pytest.raises(InvalidInput, match=r"notes\.txt"):
        service.store_media_folder_or_zip(db, storage, org.id, 3, archive, None)
    db.rollback()
    assert [p for p in storage.root.rglob("*") if p.is_file()] == []  # nothing stored
    problems: list[MediaFileProblem] = []
    stored = service.store_media_folder_or_zip(
        db, storage, org.id, 3, archive, None, problems=problems
    )
    db.commit()
    assert sorted(stored) == ["img/one.png", "img/two.png", "sound/a.wav"]
    assert stored["img/two.png"].original_name == "two.png"
    assert stored["img/two.png"].width == 12
    assert stored["sound/a.wav"].kind is MediaKind.AUDIO
    assert [p.relative_path for p in problems] == ["notes.txt"]
    assert [m.id for m in service.list_media(db, org.id, project_id=3)] == sorted(
        m.id for m in stored.values()
    )


def test_size_limit_on_s3(db: Session) -> None:
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    from labelpool.media.storage import S3Storage

    with moto.mock_aws():
        client = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        client.create_bucket(Bucket="media")
        storage = S3Storage("media", client=client)
        org = make_organization(db)
        data = png_bytes(200, 200)
        limits = {MediaKind.IMAGE: 100, MediaKind.AUDIO: 100, MediaKind.VIDEO: 100}
        with pytest.raises(InvalidInput, match="larger than"):
            service.store_media_bytes(db, storage, org.id, None, "a.png", data, None, limits=limits)
        assert "Contents" not in client.list_objects_v2(Bucket="media")
        media = service.store_media_bytes(db, storage, org.id, None, "a.png", data, None)
        assert media.width == 200
        big = wav_bytes(seconds=30.0)  # larger than the sniffed head
        stored = service.store_media_bytes(db, storage, org.id, None, "b.wav", big, None)
        assert stored.size_bytes == len(big)
        assert client.get_object(Bucket="media", Key=stored.storage_key)["Body"].read() == big
        assert client.get_object(Bucket="media", Key=media.storage_key)["Body"].read() == data


def test_an_archive_over_its_byte_budget_stores_nothing(
    db: Session, storage: LocalStorage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = make_organization(db)
    archive = tmp_path / "batch.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(4):
            zf.writestr(f"{i}.png", png_bytes(20 + i, 20))
    # Headers that pass the up-front check: the bytes read while storing are what counts.
    monkeypatch.setattr(archives, "_check_zip", lambda *args: None)
    limits = ArchiveLimits(max_total_bytes=len(png_bytes(20, 20)) * 2)
    with pytest.raises(InvalidInput) as caught:
        service.store_media_folder_or_zip(
            db, storage, org.id, 3, archive, None, archive_limits=limits
        )
    assert caught.value.status_code == 422 and caught.value.code == "zip_bomb"
    db.rollback()
    assert [p for p in storage.root.rglob("*") if p.is_file()] == []
