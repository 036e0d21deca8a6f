"""How often log-ins may fail, counted in the database (so the limits hold across processes).

Three limits, each answered with 429 and how long to wait (Retry-After):

- one account, from anywhere: `max_failures_per_account` failures since its last successful
  log-in within `window` refuse that account until the oldest failure leaves the window
  (guessing one password from many addresses);
- one account from one address: after `free_failures` failures each further try must wait
  twice as long as the one before (`backoff_base`, at most `max_backoff`). This slows one
  guesser at one account and nobody else behind the same address;
- one address, many accounts: failures for `max_failures_per_address` or more different
  accounts within `window` (password spraying) throttle the address with the same back-off,
  but only for accounts that have not logged in from that address before (within
  `known_for`), so an office behind one address keeps working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import LoginAttempt
from labelpool.errors import RateLimited


@dataclass(frozen=True)
class RateLimits:
    max_failures_per_account: int = 5
    max_failures_per_address: int = 20  # different accounts failed from one address
    free_failures: int = 3  # per account and address, before the back-off starts
    backoff_base: timedelta = timedelta(seconds=1)
    max_backoff: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(minutes=15)
    known_for: timedelta = timedelta(days=90)


def backoff(failures: int, free: int, limits: RateLimits) -> timedelta:
    """The wait after `failures` failures when `free` are allowed without one: 0, then the base
    doubling with every further failure, capped."""
    if failures < free:
        return timedelta(0)
    factor = 1 << min(failures - free, 40)
    return min(limits.max_backoff, limits.backoff_base * factor)


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _refuse(what: str, until: datetime, now: datetime) -> RateLimited:
    retry = max(1, int((until - now).total_seconds() + 0.999))
    return RateLimited(
        f"Too many failed log-ins {what}. Try again in {_wait_text(retry)}, or ask an admin "
        "to reset the password.",
        retry_after_seconds=retry,
    )


def _last_success(db: Session, email: str) -> datetime | None:
    return db.scalar(
        select(func.max(LoginAttempt.created_at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
        )
    )


def _check_account(
    db: Session, email: str, since: datetime, limits: RateLimits, now: datetime
) -> None:
    count, oldest = db.execute(
        select(func.count(), func.min(LoginAttempt.created_at)).where(
            LoginAttempt.email == email,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.created_at > since,
        )
    ).one()
    if count >= limits.max_failures_per_account:
        raise _refuse("for this account", oldest + limits.window, now)


def _check_pair(
    db: Session, email: str, address: str, since: datetime, limits: RateLimits, now: datetime
) -> None:
    count, latest = db.execute(
        select(func.count(), func.max(LoginAttempt.created_at)).where(
            LoginAttempt.email == email,
            LoginAttempt.ip_address == address,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.created_at > since,
        )
    ).one()
    wait = backoff(count, limits.free_failures, limits)
    if latest is not None and wait and now < latest + wait:
        raise _refuse("for this account from your address", latest + wait, now)


def _known_here(db: Session, email: str, address: str, limits: RateLimits, now: datetime) -> bool:
    """The account has logged in from this address before (within `known_for`)."""
    found = db.scalar(
        select(LoginAttempt.id)
        .where(
            LoginAttempt.email == email,
            LoginAttempt.ip_address == address,
            LoginAttempt.succeeded.is_(True),
            LoginAttempt.created_at > now - limits.known_for,
        )
        .limit(1)
    )
    return found is not None


def _check_address(
    db: Session, email: str, address: str, limits: RateLimits, now: datetime
) -> None:
    accounts, latest = db.execute(
        select(func.count(distinct(LoginAttempt.email)), func.max(LoginAttempt.created_at)).where(
            LoginAttempt.ip_address == address,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.created_at > now - limits.window,
        )
    ).one()
    wait = backoff(accounts, limits.max_failures_per_address, limits)
    if latest is None or not wait or now >= latest + wait:
        return
    if not _known_here(db, email, address, limits, now):
        raise _refuse("from your address, for many different accounts", latest + wait, now)


def check_login_rate(
    db: Session, email: str, ip_address: str, limits: RateLimits, now: datetime
) -> None:
    """Refuse (RateLimited, with the seconds to wait) before the password is even checked."""
    window_start = now - limits.window
    last_success = _last_success(db, email)
    since = max(window_start, last_success) if last_success else window_start
    _check_account(db, email, since, limits, now)
    _check_pair(db, email, ip_address, since, limits, now)
    _check_address(db, email, ip_address, limits, now)
