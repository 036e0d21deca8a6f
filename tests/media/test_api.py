"""GET /media/{id}: signed expiring links, headers, ranges, S3 redirects (SQLite and PostgreSQL)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.config import Settings
from labelpool.media import service
from labelpool.media.api import parse_range
from labelpool.media.models import MediaFile
from labelpool.media.signing import (
    InvalidMediaSignature,
    MediaUrlExpired,
    sign_media_url,
    signed_media_url,
    verify_media_signature,
)
from labelpool.media.storage import LocalStorage, S3Storage
from tests.factories import make_organization

from .helpers import png_bytes, wav_bytes


def build_app(settings: Settings) -> FastAPI:
    from labelpool.app import create_app

    return create_app(settings)


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    app = build_app(settings)
    yield app
    app.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def add_media(db: Session, settings: Settings, data: bytes, name: str) -> MediaFile:
    org = make_organization(db, f"Org {name}")
    media = service.store_media_bytes(
        db, LocalStorage(settings.media_dir), org.id, None, name, data, None
    )
    db.commit()
    return media


def url(media: MediaFile, settings: Settings, ttl: int = 600) -> str:
    return signed_media_url(media.id, settings.signing_key, ttl)


def test_valid_link_serves_bytes_and_safe_headers(
    client: TestClient, db: Session, settings: Settings
) -> None:
    data = png_bytes(20, 20)
    media = add_media(db, settings, data, "Straße photo.png")
    response = client.get(url(media, settings))
    assert response.status_code == 200
    assert response.content == data
    headers = response.headers
    assert headers["content-type"] == "image/png"
    assert headers["content-length"] == str(len(data))
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["accept-ranges"] == "bytes"
    assert headers["etag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    assert headers["content-disposition"].startswith("inline")
    assert "filename*=UTF-8''Stra%C3%9Fe%20photo.png" in headers["content-disposition"]
    cache = headers["cache-control"]
    assert cache.startswith("private, max-age=")
    assert 590 <= int(cache.rsplit("=", 1)[1]) <= 600
    assert "lp_session" not in response.cookies  # no login involved


def test_head_request(client: TestClient, db: Session, settings: Settings) -> None:
    data = wav_bytes()
    media = add_media(db, settings, data, "a.wav")
    response = client.head(url(media, settings))
    assert response.status_code == 200
    assert response.headers["content-length"] == str(len(data))
    assert response.headers["content-type"] == "audio/wav"
    assert response.content == b""


@pytest.mark.parametrize(
    "tamper",
    [
        lambda q: {**q, "sig": q["sig"][:-2] + ("AA" if q["sig"][-2:] != "AA" else "BB")},
        lambda q: {**q, "exp": str(int(q["exp"]) + 1000)},
        lambda q: {"exp": q["exp"]},
        lambda q: {"sig": q["sig"]},
        lambda q: {**q, "exp": "soon"},
    ],
    ids=["signature", "expiry", "no-signature", "no-expiry", "garbage-expiry"],
)
def test_tampered_link_is_refused(
    client: TestClient, db: Session, settings: Settings, tamper: Any
) -> None:
    media = add_media(db, settings, png_bytes(), "a.png")
    link = urlsplit(url(media, settings))
    query = {k: v[0] for k, v in parse_qs(link.query).items()}
    response = client.get(link.path, params=tamper(query), headers={"accept": "application/json"})
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "invalid_media_signature"
    assert "link" in error["message"]


def test_link_for_another_file_is_refused(
    client: TestClient, db: Session, settings: Settings
) -> None:
    one = add_media(db, settings, png_bytes(), "one.png")
    two = add_media(db, settings, png_bytes(9, 9), "two.png")
    link = urlsplit(url(one, settings))
    response = client.get(f"/media/{two.id}?{link.query}")
    assert response.status_code == 403


def test_expired_link_is_refused(client: TestClient, db: Session, settings: Settings) -> None:
    media = add_media(db, settings, png_bytes(), "a.png")
    expired = sign_media_url(media.id, settings.signing_key, datetime.now(UTC) - timedelta(1))
    response = client.get(expired, headers={"accept": "application/json"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "media_url_expired"
    assert "expired" in response.json()["error"]["message"]


def test_link_signed_with_another_key_is_refused(
    client: TestClient, db: Session, settings: Settings
) -> None:
    media = add_media(db, settings, png_bytes(), "a.png")
    response = client.get(signed_media_url(media.id, "some-other-key", 600))
    assert response.status_code == 403


def test_unknown_media_is_404(client: TestClient, settings: Settings) -> None:
    response = client.get(
        signed_media_url(987_654, settings.signing_key, 600),
        headers={"accept": "application/json"},
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_missing_content_is_404(client: TestClient, db: Session, settings: Settings) -> None:
    media = add_media(db, settings, png_bytes(), "a.png")
    LocalStorage(settings.media_dir).delete(media.storage_key)
    assert client.get(url(media, settings)).status_code == 404


def test_range_requests(client: TestClient, db: Session, settings: Settings) -> None:
    data = wav_bytes(1.0)
    size = len(data)
    media = add_media(db, settings, data, "a.wav")
    link = url(media, settings)

    response = client.get(link, headers={"range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.content == data[100:200]
    assert response.headers["content-range"] == f"bytes 100-199/{size}"
    assert response.headers["content-length"] == "100"
    assert response.headers["content-type"] == "audio/wav"

    response = client.get(link, headers={"range": "bytes=1000-"})
    assert response.status_code == 206
    assert response.content == data[1000:]

    response = client.get(link, headers={"range": "bytes=-10"})
    assert response.status_code == 206
    assert response.content == data[-10:]
    assert response.headers["content-range"] == f"bytes {size - 10}-{size - 1}/{size}"

    response = client.get(link, headers={"range": f"bytes=10-{size * 2}"})
    assert response.status_code == 206
    assert response.content == data[10:]

    response = client.get(link, headers={"range": f"bytes={size}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"

    response = client.get(link, headers={"range": "bytes=0-1,5-9"})  # multi-range: whole file
    assert response.status_code == 200
    assert response.content == data

    etag = response.headers["etag"]
    response = client.get(link, headers={"range": "bytes=0-9", "if-range": '"stale"'})
    assert response.status_code == 200
    response = client.get(link, headers={"range": "bytes=0-9", "if-range": etag})
    assert response.status_code == 206
    assert client.get(link, headers={"if-none-match": etag}).status_code == 304


def test_parse_range() -> None:
    assert parse_range(None, 100) is None
    assert parse_range("bytes=0-0", 100) == (0, 0)
    assert parse_range("bytes=90-", 100) == (90, 99)
    assert parse_range("bytes=-500", 100) == (0, 99)
    assert parse_range("items=0-5", 100) is None
    assert parse_range("bytes=5-2", 100) is None


def test_signature_helpers() -> None:
    now = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    link = sign_media_url(42, "key", now + timedelta(minutes=5))
    query = parse_qs(urlsplit(link).query)
    exp, sig = int(query["exp"][0]), query["sig"][0]
    assert link.startswith("/media/42?exp=")
    assert verify_media_signature(42, exp, sig, "key", now=now) == 300
    with pytest.raises(MediaUrlExpired, match="expired"):
        verify_media_signature(42, exp, sig, "key", now=now + timedelta(minutes=6))
    with pytest.raises(InvalidMediaSignature, match="not valid"):
        verify_media_signature(43, exp, sig, "key", now=now)


def test_s3_storage_redirects_to_a_presigned_url(
    app: FastAPI, db: Session, settings: Settings
) -> None:
    moto = pytest.importorskip("moto")
    boto3 = pytest.importorskip("boto3")
    with moto.mock_aws():
        s3 = boto3.client(
            "s3", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
        )
        s3.create_bucket(Bucket="media")
        storage = S3Storage("media", client=s3)
        app.state.storage = storage
        org = make_organization(db)
        data = png_bytes()
        media = service.store_media(db, storage, org.id, None, "a.png", io.BytesIO(data), None)
        db.commit()
        with TestClient(app) as client:
            response = client.get(url(media, settings), follow_redirects=False)
        assert response.status_code == 307
        location = response.headers["location"]
        assert media.storage_key in location
        assert response.headers["cache-control"].startswith("private")
        assert s3.get_object(Bucket="media", Key=media.storage_key)["Body"].read() == data


IMG_ACCEPT = "image/avif,image/webp,image/apng,*/*;q=0.8"
PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.mark.parametrize(
    "bad_id", ["abc", "0", "-1", "1e3", "01", "99999999999999999999999", "%20"]
)
@pytest.mark.parametrize(
    "headers",
    [{}, {"accept": IMG_ACCEPT}, {"accept": "*/*"}, {"authorization": "Bearer x"}],
    ids=["none", "img", "any", "token"],
)
def test_a_bad_media_id_is_a_json_404(
    client: TestClient, settings: Settings, bad_id: str, headers: dict[str, str]
) -> None:
    response = client.get(f"/media/{bad_id}?exp=1&sig=x", headers=headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert "media links look like /media/<number>" in error["message"]


def test_media_errors_are_json_unless_a_browser_opens_the_link(
    client: TestClient, db: Session, settings: Settings
) -> None:
    media = add_media(db, settings, png_bytes(), "a.png")
    unsigned = f"/media/{media.id}"
    for headers in ({}, {"accept": IMG_ACCEPT}, {"authorization": "Bearer x"}):
        response = client.get(unsigned, headers=headers)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "invalid_media_signature"
    page = client.get(unsigned, headers={"accept": PAGE_ACCEPT})
    assert page.status_code == 403
    assert page.headers["content-type"].startswith("text/html")
    assert "This media link is not signed" in page.text
    bad = client.get("/media/abc", headers={"accept": PAGE_ACCEPT})
    assert bad.status_code == 404 and bad.headers["content-type"].startswith("text/html")


def test_errors_on_api_paths_are_json(client: TestClient) -> None:
    for path in ("/api/v1/media/abc", "/api/v1/media/1"):
        response = client.get(path, headers={"accept": PAGE_ACCEPT})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
