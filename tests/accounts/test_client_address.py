"""The client address behind the log-in limits (issue 18 C): `X-Forwarded-For` is believed only
from LABELPOOL_TRUSTED_PROXIES, and `labelpool serve` hands uvicorn the same list."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from labelpool.accounts.addresses import resolve_client_address
from labelpool.accounts.models import LoginAttempt
from labelpool.config import Settings
from tests.factories import PASSWORD, csrf_token, make_user

PROXY = "10.0.0.2"


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.7", ["198.51.100.1"], "", "203.0.113.7"),  # no proxy trusted
        ("127.0.0.1", ["198.51.100.1"], "", "127.0.0.1"),  # not even a local one
        ("203.0.113.7", ["198.51.100.1"], "10.0.0.0/8", "203.0.113.7"),  # peer is no proxy
        (PROXY, ["198.51.100.1"], "10.0.0.0/8", "198.51.100.1"),
        (PROXY, [], "10.0.0.0/8", PROXY),
        # What a client wrote itself sits left of what the proxy appended: never used.
        (PROXY, ["1.1.1.1, 2.2.2.2, 198.51.100.1"], "10.0.0.0/8", "198.51.100.1"),
        (PROXY, ["1.1.1.1", "198.51.100.1"], "10.0.0.0/8", "198.51.100.1"),  # two headers
        (PROXY, ["198.51.100.1, 10.0.0.9"], "10.0.0.0/8", "198.51.100.1"),  # proxy chain
        (PROXY, ["10.0.0.8, 10.0.0.9"], "10.0.0.0/8", "10.0.0.8"),  # all proxies
        (PROXY, ["198.51.100.1:4711"], "10.0.0.0/8", "198.51.100.1"),
        (PROXY, ["[2001:db8::1]:4711"], "10.0.0.0/8", "2001:db8::1"),
        ("::1", ["2001:db8::1"], "::1", "2001:db8::1"),
        (PROXY, ["x" * 500], "10.0.0.0/8", "x" * 64),
        (None, ["198.51.100.1"], "10.0.0.0/8", "unknown"),
    ],
)
def test_resolve_client_address(
    peer: str | None, forwarded: list[str], trusted: str, expected: str
) -> None:
    assert resolve_client_address(peer, forwarded, trusted) == expected


def test_trusted_proxies_setting_is_checked_and_normalised() -> None:
    assert Settings(trusted_proxies=" 10.0.0.1 , 192.168.0.0/16").trusted_proxies == (
        "10.0.0.1/32,192.168.0.0/16"
    )
    assert Settings().trusted_proxies == ""
    with pytest.raises(ValidationError, match=r"'proxy\.local' is not an IP address"):
        Settings(trusted_proxies="proxy.local")


# --- through the app ----------------------------------------------------------------------------


def _app_client(settings: Settings, peer: str, **changes: Any) -> Iterator[TestClient]:
    from labelpool.app import create_app

    app = create_app(settings.model_copy(update=changes))
    with TestClient(app, base_url="http://testserver", client=(peer, 4711)) as client:
        yield client
    app.state.engine.dispose()


@pytest.fixture
def untrusted_client(settings: Settings) -> Iterator[TestClient]:
    yield from _app_client(settings, "203.0.113.7", login_max_failures_per_address=3)


@pytest.fixture
def behind_proxy(settings: Settings) -> Iterator[TestClient]:
    yield from _app_client(settings, PROXY, trusted_proxies="10.0.0.0/8")


def _login(client: TestClient, email: str, password: str, forwarded: str) -> int:
    response = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(client)},
        headers={"X-Forwarded-For": forwarded},
        follow_redirects=False,
    )
    return response.status_code


def test_rotating_x_forwarded_for_from_an_untrusted_client_does_not_escape(
    untrusted_client: TestClient, db: Session
) -> None:
    make_user(db, email="victim@example.org")
    for n in range(3):  # spraying three accounts, a new forwarded address each time
        assert _login(untrusted_client, f"guess{n}@example.org", "nope", f"198.51.100.{n}") == 401
    assert _login(untrusted_client, "victim@example.org", PASSWORD, "198.51.100.99") == 429
    db.rollback()
    recorded = set(db.scalars(select(LoginAttempt.ip_address)))
    assert recorded == {"203.0.113.7"}


def test_behind_a_trusted_proxy_the_forwarded_address_is_used(
    behind_proxy: TestClient, db: Session
) -> None:
    make_user(db, email="ana@example.org")
    assert _login(behind_proxy, "ana@example.org", "nope", "6.6.6.6, 198.51.100.4") == 401
    assert _login(behind_proxy, "ana@example.org", PASSWORD, "198.51.100.5") == 303
    db.rollback()
    recorded = list(db.scalars(select(LoginAttempt.ip_address).order_by(LoginAttempt.id)))
    assert recorded == ["198.51.100.4", "198.51.100.5"]


# --- labelpool serve ----------------------------------------------------------------------------


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    import uvicorn

    from labelpool.cli import app as cli

    seen: dict[str, Any] = {}
    monkeypatch.setattr(cli, "_upgrade", lambda *_settings: "head")
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: seen.update(kwargs))
    return seen


def test_serve_trusts_no_proxy_headers_by_default(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from labelpool.cli.app import app

    monkeypatch.delenv("LABELPOOL_TRUSTED_PROXIES", raising=False)
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert served["proxy_headers"] is False


def test_serve_passes_the_trusted_proxies_to_uvicorn(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from labelpool.cli.app import app

    monkeypatch.setenv("LABELPOOL_TRUSTED_PROXIES", "10.0.0.5, 192.168.0.0/16")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 0, result.output
    assert served["proxy_headers"] is True
    assert served["forwarded_allow_ips"] == "10.0.0.5/32,192.168.0.0/16"


def test_serve_refuses_a_bad_trusted_proxies_list(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from labelpool.cli.app import app

    monkeypatch.setenv("LABELPOOL_TRUSTED_PROXIES", "10.0.0.5, everyone")
    result = CliRunner().invoke(app, ["serve"])
    assert result.exit_code == 1
    assert "'everyone' is not an IP address" in result.output
    assert served == {}
