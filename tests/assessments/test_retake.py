"""The retake policy (pure): each edge of cooldowns, attempt limits and lockout."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from labelpool.assessments.retake import (
    AttemptRecord,
    RetakePolicy,
    RetakeState,
    format_duration,
    retake_status,
)

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def failed(at: datetime) -> AttemptRecord:
    return AttemptRecord(at - timedelta(minutes=10), at, False)


def test_first_attempt_is_open_now_with_all_attempts_left() -> None:
    status = retake_status(RetakePolicy(max_attempts=3), [], T0)
    assert (status.can_start, status.attempts_left, status.next_attempt_at) == (True, 3, T0)
    assert status.state == RetakeState.AVAILABLE
    unlimited = retake_status(RetakePolicy(), [], T0)
    assert unlimited.can_start and unlimited.attempts_left is None


def test_immediate_retake_after_a_failure() -> None:
    status = retake_status(RetakePolicy(), [failed(T0)], T0)
    assert status.can_start and status.next_attempt_at == T0
    assert status.reason == "You can retake the test now."


def test_cooldown_boundary_one_second_before_and_at() -> None:
    policy = RetakePolicy(cooldown=timedelta(hours=24), max_attempts=3)
    opens = T0 + timedelta(hours=24)
    before = retake_status(policy, [failed(T0)], opens - timedelta(seconds=1))
    assert not before.can_start
    assert before.state == RetakeState.COOLDOWN
    assert before.next_attempt_at == opens
    assert before.attempts_left == 2
    assert "in 1 second" in before.reason
    at = retake_status(policy, [failed(T0)], opens)
    assert at.can_start and at.attempts_left == 2 and at.next_attempt_at == opens
    assert "2 attempts left" in at.reason


def test_cooldown_runs_from_the_last_failure() -> None:
    policy = RetakePolicy(cooldown=timedelta(hours=1))
    attempts = [failed(T0 + timedelta(hours=2)), failed(T0)]  # any order
    status = retake_status(policy, attempts, T0 + timedelta(hours=2, minutes=30))
    assert not status.can_start and status.next_attempt_at == T0 + timedelta(hours=3)


def test_last_attempt_then_locked() -> None:
    policy = RetakePolicy(cooldown=timedelta(minutes=5), max_attempts=2)
    one = retake_status(policy, [failed(T0)], T0 + timedelta(minutes=5))
    assert one.can_start and one.attempts_left == 1
    assert "1 attempt left" in one.reason
    two = retake_status(
        policy, [failed(T0), failed(T0 + timedelta(hours=1))], T0 + timedelta(days=30)
    )
    assert not two.can_start
    assert (two.state, two.attempts_left, two.next_attempt_at) == (RetakeState.LOCKED, 0, None)
    assert "all 2 attempts" in two.reason and "permanently" in two.reason


def test_permanent_lockout_is_one_attempt() -> None:
    policy = RetakePolicy(max_attempts=1)
    assert policy.name == "lockout"
    assert "One attempt only" in policy.describe()
    status = retake_status(policy, [failed(T0)], T0 + timedelta(days=3650))
    assert status.state == RetakeState.LOCKED and not status.can_start


def test_passed_and_in_progress_block_new_attempts() -> None:
    policy = RetakePolicy(max_attempts=3)
    passed = retake_status(
        policy,
        [failed(T0), AttemptRecord(T0, T0 + timedelta(hours=1), True)],
        T0 + timedelta(days=1),
    )
    assert (passed.can_start, passed.state, passed.attempts_left) == (False, RetakeState.PASSED, 1)
    busy = retake_status(policy, [AttemptRecord(T0, None, None)], T0)
    assert (busy.can_start, busy.state, busy.attempts_left) == (False, RetakeState.IN_PROGRESS, 3)


def test_policy_names_descriptions_and_validation() -> None:
    assert RetakePolicy().name == "immediate"
    assert RetakePolicy(cooldown=timedelta(days=1)).name == "cooldown"
    assert RetakePolicy(cooldown=timedelta(days=1), max_attempts=3).name == "limited"
    assert RetakePolicy(cooldown=timedelta(days=1), max_attempts=3).describe() == (
        "Wait 1 day after a failed attempt; at most 3 attempts, then the test is locked "
        "permanently."
    )
    with pytest.raises(ValueError):
        RetakePolicy(max_attempts=0)
    with pytest.raises(ValueError):
        RetakePolicy(cooldown=timedelta(seconds=-1))
    assert format_duration(timedelta(hours=2)) == "2 hours"
    assert format_duration(timedelta(seconds=3661)) == "1 h 1 min"
    assert format_duration(timedelta(seconds=90)) == "1 min 30 s"
