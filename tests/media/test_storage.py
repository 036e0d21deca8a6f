"""Storage backends: local folder (atomic writes, checked keys) and S3 (moto)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labelpool.config import Settings
from labelpool.media.kinds import MediaKind
from labelpool.media.settings import MediaSettings
from labelpool.media.storage import (
    LocalStorage,
    MediaStorage,
    S3Storage,
    new_storage_key,
    storage_from_settings,
)

DATA = b"\x89PNG not really, but bytes" * 1000


class Boom(io.BytesIO):
    """A stream that fails half way."""

    def read(self, size: int | None = -1, /) -> bytes:
        if self.tell() > 1000:
            raise OSError("connection reset")
        return super().read(1000)


def round_trip(storage: MediaStorage) -> None:
    key = new_storage_key(7, "png")
    assert not storage.exists(key)
    assert storage.save(key, io.BytesIO(DATA)) == len(DATA)
    assert storage.exists(key)
    assert storage.size(key) == len(DATA)
    with storage.open(key) as handle:
        assert handle.read() == DATA
    storage.delete(key)
    assert not storage.exists(key)
    storage.delete(key)  # deleting twice is fine


def test_local_round_trip(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    round_trip(storage)
    assert storage.url_for(new_storage_key(1, "png"), 60) is None


def test_local_write_is_atomic(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "media")
    key = new_storage_key(1, "png")
    with pytest.raises(OSError, match="connection reset"):
        storage.save(key, Boom(DATA))
    assert not storage.exists(key)
    assert list((tmp_path / "media" / ".tmp").iterdir()) == []


@pytest.mark.parametrize("key", ["../evil.png", "/etc/passwd", "a/../../b.png", "a//b", "", "x/.y"])
def test_local_refuses_unsafe_keys(tmp_path: Path, key: str) -> None:
    storage = LocalStorage(tmp_path / "media")
    with pytest.raises(ValueError, match="invalid media storage key"):
        storage.save(key, io.BytesIO(b"x"))


def test_keys_are_fresh_and_shaped() -> None:
    a, b = new_storage_key(3, "webm"), new_storage_key(3, "webm")
    assert a != b
    assert a.startswith("org3/") and a.endswith(".webm")


def test_settings_choose_local_by_default(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, secret_key="k", media=MediaSettings())
    storage = storage_from_settings(settings)
    assert isinstance(storage, LocalStorage)
    assert storage.root == settings.media_dir


def test_media_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABELPOOL_S3_BUCKET", "bucket")
    monkeypatch.setenv("LABELPOOL_S3_ENDPOINT_URL", "http://minio:9000")
    monkeypatch.setenv("LABELPOOL_S3_PREFIX", "media/")
    monkeypatch.setenv("LABELPOOL_MAX_IMAGE_BYTES", "1000")
    media = Settings().media
    assert media.s3_bucket == "bucket"
    assert media.s3_endpoint_url == "http://minio:9000"
    assert media.s3_prefix == "media/"
    assert media.size_limits[MediaKind.IMAGE] == 1000


@pytest.fixture
def s3() -> Iterator[Any]:
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    with moto.mock_aws():
        client = boto3.client(
            "s3",
            region_name="us-east-1",
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        client.create_bucket(Bucket="labelpool-media")
        yield client


def test_s3_round_trip_and_presigned_url(s3: Any) -> None:
    storage = S3Storage("labelpool-media", prefix="/media/", client=s3)
    round_trip(storage)
    key = new_storage_key(1, "png")
    storage.save(key, io.BytesIO(DATA))
    listed = s3.list_objects_v2(Bucket="labelpool-media")["Contents"]
    assert [o["Key"] for o in listed] == [f"media/{key}"]
    url = storage.url_for(key, 120, content_type="image/png", filename="Straße.png")
    assert url is not None
    assert f"media/{key}" in url
    assert "Expires=" in url
    assert "response-content-type=image%2Fpng" in url
    assert "inline" in url


def test_s3_from_settings(s3: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    media = MediaSettings(s3_bucket="labelpool-media", s3_region="us-east-1")
    storage = storage_from_settings(Settings(data_dir=tmp_path, secret_key="k", media=media))
    assert isinstance(storage, S3Storage)
    round_trip(storage)
    url = storage.url_for(new_storage_key(1, "png"), 90)
    assert url is not None and "X-Amz-Expires=90" in url  # signature version 4


def test_s3_without_boto3_says_how_to_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    from labelpool.media.storage import StorageUnavailable

    real_import = builtins.__import__

    def no_boto3(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "boto3" or name.startswith("boto3."):
            raise ImportError("No module named 'boto3'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_boto3)
    monkeypatch.delitem(__import__("sys").modules, "boto3", raising=False)
    with pytest.raises(StorageUnavailable, match="pip install boto3"):
        S3Storage("bucket")


def test_s3_short_reads_do_not_truncate(s3: Any) -> None:
    class Trickle(io.BytesIO):
        def read(self, size: int | None = -1, /) -> bytes:
            return super().read(min(size or 1, 777) if size and size > 0 else 777)

    storage = S3Storage("labelpool-media", client=s3)
    key = new_storage_key(1, "png")
    big = DATA * 40
    assert storage.save(key, Trickle(big)) == len(big)
    with storage.open(key) as handle:
        assert handle.read() == big


def test_s3_failed_upload_leaves_nothing(s3: Any) -> None:
    storage = S3Storage("labelpool-media", client=s3)
    key = new_storage_key(1, "png")
    with pytest.raises(OSError, match="connection reset"):
        storage.save(key, Boom(DATA))
    assert not storage.exists(key)
