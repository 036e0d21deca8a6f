"""Bodies that are too large or stall get a clear 413 or 408 over real HTTP, on pages too."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.roles import Role
from labelpool.config import Settings
from tests.factories import csrf_token, log_in, make_user

TIMEOUT = 0.5
HTTP_TIMEOUT = 60  # the client's own patience: a busy shared machine is slow, not wrong


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"body_read_timeout_seconds": TIMEOUT})


def _raw_request(url: str, request: bytes, *, wait: float) -> bytes:
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=wait) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_body_shorter_than_its_content_length_times_out_with_408(server_url: str) -> None:
    started = time.monotonic()
    answer = _raw_request(
        server_url,
        b"POST /api/v1/tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"name": ',
        wait=10,
    )
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"body_timeout" in answer and b"send it again" in answer
    assert time.monotonic() - started < 5


def test_a_slow_but_steady_body_is_not_cut_off(server_url: str) -> None:
    def trickle() -> Iterator[bytes]:
        for part in (b'{"name"', b': "slow', b' token"}'):
            time.sleep(TIMEOUT / 3)
            yield part

    response = httpx.post(
        f"{server_url}/api/v1/tokens",
        content=trickle(),
        headers={"Content-Type": "application/json"},
        timeout=HTTP_TIMEOUT,
    )
    assert response.status_code == 401  # reached the app: no token, so not authenticated


def test_a_long_response_is_not_cut_off_by_the_body_timeout(server_url: str) -> None:
    """After the request body, the wait for a disconnect has no time limit."""
    bundle = f"{server_url}/static/vendor/swagger-ui/swagger-ui-bundle.js"
    with httpx.stream("GET", bundle, timeout=HTTP_TIMEOUT) as r:
        size = 0
        for chunk in r.iter_bytes(65536):
            size += len(chunk)
            time.sleep(TIMEOUT / 10)
    assert r.status_code == 200 and size > 1_000_000


def test_an_over_limit_chunked_form_on_a_page_is_413_as_a_page(server_url: str) -> None:
    with httpx.Client(base_url=server_url, timeout=HTTP_TIMEOUT) as client:
        token = client.get("/login").cookies["lp_csrf"]

        def one_big_field() -> Iterator[bytes]:  # past the form parser's 1 MB field limit
            yield f"csrf_token={token}&email=a%40b.c&password=".encode()
            for _ in range(2):
                yield b"x" * (1024 * 1024)

        def many_fields() -> Iterator[bytes]:  # each field fits; the body passes its 10 MB limit
            yield f"csrf_token={token}&email=a%40b.c".encode()
            for n in range(12):
                yield f"&f{n}=".encode() + b"x" * (1000 * 1024)

        for body, reason in (
            (one_big_field, "The form is too large (Field exceeded maximum size of 1024KB)"),
            (many_fields, "What you sent is larger than the 10 MB this page accepts"),
        ):
            response = client.post(
                "/login",
                content=body(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
            assert response.status_code == 413, body.__name__
            assert response.headers["content-type"].startswith("text/html")
            text = " ".join(re.findall(r"<p[^>]*>(.*?)</p>", response.text, re.S))
            assert reason in text, text


def test_an_upload_over_the_limit_goes_back_to_its_form_with_a_reason(
    client: TestClient, db: Session
) -> None:
    user = make_user(db, role=Role.CONTRIBUTOR)
    log_in(client, user.email)
    big = b"\x89PNG" + b"x" * (11 * 1024 * 1024)
    sent = client.post(
        "/review/identity-document",
        files={"file": ("passport.png", big, "image/png")},
        data={"csrf_token": csrf_token(client)},
        headers={"Referer": "http://testserver/review"},
        follow_redirects=False,
    )
    assert sent.status_code == 303 and sent.headers["location"] == "/review"
    page = client.get("/review")
    assert "Your identity document is larger than 10 MB" in page.text
    assert "labelpool import" not in page.text

    # Without a page to go back to (or from elsewhere), the error page says the same.
    bare = client.post(
        "/review/identity-document",
        files={"file": ("passport.png", big, "image/png")},
        data={"csrf_token": csrf_token(client)},
        headers={"Referer": "https://elsewhere.example/review"},
    )
    assert bare.status_code == 413 and bare.headers["content-type"].startswith("text/html")
    assert "Your identity document is larger than 10 MB" in bare.text
