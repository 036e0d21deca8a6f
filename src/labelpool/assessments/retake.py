"""Retake policy of one test (pure): may this contributor start another attempt, and when?

A policy combines a *cooldown* after a failed attempt (zero: retake immediately) with an
optional *maximum number of attempts*; once that many attempts have failed the test is locked
for the contributor, permanently (for that test and the projects it qualifies for only).
"Permanent lockout" is the policy with one attempt. A passed test needs no more attempts.

Only finished attempts count (an attempt left open past its time limit is graded, so it is
finished). The cooldown runs from the moment the last failed attempt finished: at exactly
`finished_at + cooldown` the next attempt opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import NamedTuple


class RetakeState(StrEnum):
    AVAILABLE = "available"
    IN_PROGRESS = "in_progress"
    COOLDOWN = "cooldown"
    LOCKED = "locked"
    PASSED = "passed"


@dataclass(frozen=True)
class RetakePolicy:
    cooldown: timedelta = timedelta(0)
    max_attempts: int | None = None

    def __post_init__(self) -> None:
        if self.cooldown < timedelta(0):
            raise ValueError("the cooldown cannot be negative")
        if self.max_attempts is not None and self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1 (or None for no limit)")

    @property
    def name(self) -> str:
        """immediate | cooldown | limited | lockout (one attempt) — for display."""
        if self.max_attempts == 1:
            return "lockout"
        if self.max_attempts is not None:
            return "limited"
        return "cooldown" if self.cooldown else "immediate"

    def describe(self) -> str:
        if self.max_attempts == 1:
            return "One attempt only: failing locks this test permanently."
        parts = []
        if self.cooldown:
            parts.append(f"wait {format_duration(self.cooldown)} after a failed attempt")
        else:
            parts.append("retake right away after a failed attempt")
        if self.max_attempts is not None:
            parts.append(
                f"at most {self.max_attempts} attempts, then the test is locked permanently"
            )
        else:
            parts.append("no limit on attempts")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:] + "."


@dataclass(frozen=True)
class AttemptRecord:
    """What the policy needs of one attempt: when it finished (None: still open), and result."""

    started_at: datetime
    finished_at: datetime | None
    passed: bool | None


class RetakeStatus(NamedTuple):
    can_start: bool
    attempts_left: int | None  # None: no limit
    next_attempt_at: datetime | None  # now when open; None when never (passed, locked, busy)
    reason: str
    state: RetakeState


def format_duration(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''}"
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    if seconds >= 60:
        return f"{seconds // 60} min {seconds % 60} s"
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def _all_attempts(count: int) -> str:
    """ "your only attempt" or "all 3 attempts"."""
    return "your only attempt" if count == 1 else f"all {count} attempts"


def _left(policy: RetakePolicy, used: int) -> int | None:
    return None if policy.max_attempts is None else max(0, policy.max_attempts - used)


def retake_status(
    policy: RetakePolicy, attempts: Sequence[AttemptRecord], now: datetime
) -> RetakeStatus:
    """Whether a new attempt may start `now`, how many remain and when the next one opens."""
    finished_times = sorted(a.finished_at for a in attempts if a.finished_at is not None)
    finished = [a for a in attempts if a.finished_at is not None]
    used = len(finished)
    left = _left(policy, used)
    if any(a.passed for a in finished):
        return RetakeStatus(
            False,
            left,
            None,
            "You passed this test; no more attempts are needed.",
            RetakeState.PASSED,
        )
    if any(a.finished_at is None for a in attempts):
        return RetakeStatus(
            False,
            left,
            None,
            "You have an attempt in progress; finish it first.",
            RetakeState.IN_PROGRESS,
        )
    if policy.max_attempts is not None and used >= policy.max_attempts:
        return RetakeStatus(
            False,
            0,
            None,
            f"You have used {_all_attempts(policy.max_attempts)} without passing; this test is "
            "locked for you permanently.",
            RetakeState.LOCKED,
        )
    if finished and policy.cooldown:
        opens = finished_times[-1] + policy.cooldown
        if now < opens:
            return RetakeStatus(
                False,
                left,
                opens,
                f"Your next attempt opens at {opens:%Y-%m-%d %H:%M:%S} UTC "
                f"(in {format_duration(opens - now)}).",
                RetakeState.COOLDOWN,
            )
    if not finished:
        reason = "You can start the test now."
    elif left is None:
        reason = "You can retake the test now."
    else:
        reason = f"You can retake the test now ({left} attempt{'s' if left != 1 else ''} left)."
    return RetakeStatus(True, left, now, reason, RetakeState.AVAILABLE)
