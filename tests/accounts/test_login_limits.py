"""Log-in limits (issue 18 C): guesses at one account from one address are slowed down with a
growing wait; nobody else behind the same address is locked out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts import service
from labelpool.accounts.login_limits import RateLimits, backoff
from labelpool.errors import NotAuthenticated, RateLimited
from tests.factories import PASSWORD, csrf_token, make_user

OFFICE = "203.0.113.10"
NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def _try(
    db: Session,
    email: str,
    password: str,
    at: datetime,
    *,
    address: str = OFFICE,
    limits: RateLimits | None = None,
) -> str:
    """'ok', 'wrong' or 'wait N' (N: the Retry-After seconds)."""
    try:
        service.authenticate(db, email, password, ip_address=address, limits=limits, now=at)
    except RateLimited as exc:
        return f"wait {exc.retry_after_seconds}"
    except NotAuthenticated:
        return "wrong"
    return "ok"


def test_backoff_doubles_after_the_free_failures_up_to_the_cap() -> None:
    limits = RateLimits(backoff_base=timedelta(seconds=1), max_backoff=timedelta(seconds=10))
    waits = [backoff(n, 3, limits).total_seconds() for n in range(9)]
    assert waits == [0, 0, 0, 1, 2, 4, 8, 10, 10]


def test_many_failures_at_one_account_do_not_lock_out_the_office(db: Session) -> None:
    make_user(db, email="a@example.org")
    make_user(db, email="b@example.org")
    make_user(db, email="c@example.org")
    service.authenticate(db, "c@example.org", PASSWORD, ip_address=OFFICE, now=NOW)
    outcomes = [
        _try(db, "a@example.org", "guess", NOW + timedelta(seconds=n)) for n in range(1, 30)
    ]
    assert outcomes.count("wrong") >= 5 and outcomes[-1].startswith("wait")
    later = NOW + timedelta(seconds=31)
    assert _try(db, "b@example.org", PASSWORD, later) == "ok", "never logged in here before"
    assert _try(db, "c@example.org", PASSWORD, later) == "ok"


def test_repeated_failures_at_one_account_wait_longer_each_time(db: Session) -> None:
    make_user(db, email="a@example.org")
    limits = RateLimits(max_failures_per_account=1000, free_failures=3)
    at = NOW
    assert [_try(db, "a@example.org", "guess", at, limits=limits) for _ in range(3)] == [
        "wrong"
    ] * 3
    waits = []
    for _ in range(5):
        refused = _try(db, "a@example.org", PASSWORD, at, limits=limits)
        assert refused.startswith("wait "), "even the right password waits"
        seconds = int(refused.split()[1])
        waits.append(seconds)
        at += timedelta(seconds=seconds)
        assert _try(db, "a@example.org", "guess", at, limits=limits) == "wrong"
    assert waits == [1, 2, 4, 8, 16]
    # Another address is not slowed down by this one's guesses.
    assert _try(db, "a@example.org", PASSWORD, at, address="198.51.100.1", limits=limits) == "ok"


def test_the_wait_is_sent_as_retry_after(client: TestClient, db: Session) -> None:
    make_user(db, email="ana@example.org")
    make_user(db, email="bo@example.org")
    token = csrf_token(client)
    statuses = []
    for _ in range(25):
        response = client.post(
            "/login", data={"email": "ana@example.org", "password": "nope", "csrf_token": token}
        )
        statuses.append(response.status_code)
    assert statuses[:3] == [401, 401, 401] and statuses[-1] == 429
    assert int(response.headers["retry-after"]) >= 1
    assert "Too many failed log-ins" in response.text
    other = client.post(
        "/login",
        data={"email": "bo@example.org", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert other.status_code == 303, "the next person at the same address still logs in"


@pytest.mark.parametrize("known", [True, False])
def test_spraying_many_accounts_throttles_only_newcomers_at_that_address(
    db: Session, known: bool
) -> None:
    make_user(db, email="staff@example.org")
    limits = RateLimits(max_failures_per_address=4)
    if known:
        assert _try(db, "staff@example.org", PASSWORD, NOW, limits=limits) == "ok"
    at = NOW + timedelta(seconds=1)
    for n in range(4):
        assert _try(db, f"guess{n}@example.org", "guess", at, limits=limits) == "wrong"
    outcome = _try(db, "staff@example.org", PASSWORD, at, limits=limits)
    assert outcome == ("ok" if known else "wait 1")
    assert _try(db, "guess9@example.org", "guess", at, limits=limits) == "wait 1"
    elsewhere = _try(db, "staff@example.org", PASSWORD, at, address="198.51.100.1", limits=limits)
    assert elsewhere == "ok"
