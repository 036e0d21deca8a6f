"""Fair share and the per-contributor limits (issue 21, point 6): the pure decision, then
claims over the API on SQLite and PostgreSQL: tasks held at once, the rolling daily limit, the
fair-share wait with its numbers, others catching up, and the work list's reasons."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.db.types import utcnow
from labelpool.projects.models import Project
from labelpool.work import claims, fair_share, submissions
from labelpool.work.models import Assignment, Response
from tests.factories import api_token
from tests.work.helpers import Setup, contributors, work_project

GOOD = {"sentiment": "positive"}


# --- the pure decision ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mine", "counts", "open_items", "factor", "wait", "median"),
    [
        (2, [2, 1, 0], 2, 5, True, 1.0),  # scarce, above the median: waits
        (1, [2, 1, 0], 2, 5, False, 1.0),  # at the median: works
        (0, [2, 1, 0], 2, 5, False, 1.0),  # below: works
        (2, [2, 1, 0], 15, 5, False, 1.0),  # 15 open for 3 active: not scarce
        (2, [2, 1, 0], 14, 5, True, 1.0),  # one fewer: scarce
        (2, [2, 1, 0], 0, 0, False, 1.0),  # factor 0: fair share off
        (3, [3, 3, 3], 1, 5, False, 3.0),  # all equal: nobody is above, nobody waits
        (10, [10, 0], 1, 5, True, 5.0),  # even count: the middle two's mean
        (0, [], 0, 5, False, 0.0),  # no one counted yet: the caller alone
    ],
)
def test_decision_table(
    mine: int, counts: list[int], open_items: int, factor: int, wait: bool, median: float
) -> None:
    verdict = fair_share.decide(mine, counts, open_items, factor)
    assert verdict.wait is wait
    assert verdict.median == median
    assert verdict.my_responses == mine and verdict.open_items == open_items


def test_at_least_half_may_always_claim() -> None:
    counts = [0, 1, 1, 2, 5, 8, 8, 9]
    waiting = [n for n in counts if fair_share.decide(n, counts, 0, 5).wait]
    assert len(waiting) <= len(counts) // 2 and len(waiting) > 0


@pytest.mark.parametrize(
    ("answered", "held", "limit", "reached"),
    [(0, 0, None, False), (9, 0, 10, False), (10, 0, 10, True), (9, 1, 10, True), (3, 0, 1, True)],
)
def test_daily_limit_table(answered: int, held: int, limit: int | None, reached: bool) -> None:
    assert fair_share.daily_limit(answered, held, limit).reached is reached


def test_messages_carry_the_numbers() -> None:
    verdict = fair_share.decide(4, [4, 1, 2], 3, 5)
    text = fair_share.fair_share_message(verdict)
    assert "3 open items for 3 active contributors" in text
    assert "You gave 4 answers" in text and "median of 2" in text
    limit = fair_share.daily_limit(5, 0, 5)
    assert "limit of 5 answers in 24 hours" in fair_share.daily_limit_message(limit, "soon")


# --- through the API, on both databases ---------------------------------------------------------


def _url(setup: Setup) -> str:
    return f"/api/v1/projects/{setup.project.id}/assignments"


def _answer(db: Session, user: User, setup: Setup, times: int = 1) -> None:
    for n in range(times):
        claimed = claims.claim(db, user, setup.project.id)
        submissions.submit(db, user, claimed.assignment.id, GOOD, 5, f"{user.id}-{n}-{utcnow()}")
        db.commit()


def _age(db: Session, user: User, hours: float) -> None:
    """Move all of `user`'s assignments and answers `hours` into the past."""
    then = utcnow() - timedelta(hours=hours)
    db.execute(
        update(Assignment)
        .where(Assignment.user_id == user.id)
        .values(created_at=then, expires_at=then + timedelta(minutes=10))
    )
    db.execute(update(Response).where(Response.user_id == user.id).values(created_at=then))
    db.commit()


def _settings(db: Session, setup: Setup, **values: int | None) -> None:
    project = db.get(Project, setup.project.id)
    assert project is not None
    for key, value in values.items():
        setattr(project, key, value)
    db.commit()


def _error(reply: object) -> dict[str, object]:
    body = reply.json()  # type: ignore[attr-defined]
    assert isinstance(body, dict)
    error = body["error"]
    assert isinstance(error, dict)
    return error


def test_holding_more_than_one_then_resuming_the_oldest(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=5)
    _settings(db, setup, max_live_per_contributor=2)
    (alice,) = contributors(db, 1)
    headers = api_token(db, alice)
    first = client.post(_url(setup), headers=headers)
    second = client.post(_url(setup), headers=headers)
    assert (first.status_code, second.status_code) == (201, 201), second.text
    assert first.json()["item"]["id"] != second.json()["item"]["id"]
    third = client.post(_url(setup), headers=headers)
    assert third.status_code == 200 and third.json()["id"] == first.json()["id"]


def test_no_new_item_while_holding_one_resumes_it(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=1)
    _settings(db, setup, max_live_per_contributor=3)
    (alice,) = contributors(db, 1)
    headers = api_token(db, alice)
    first = client.post(_url(setup), headers=headers)
    again = client.post(_url(setup), headers=headers)  # nothing new: the held one comes back
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]


def test_daily_limit_is_a_rolling_24_hours(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=6)
    _settings(db, setup, max_responses_per_day=2, fair_share_factor=0)
    (alice,) = contributors(db, 1)
    headers = api_token(db, alice)
    _answer(db, alice, setup, times=2)
    refused = client.post(_url(setup), headers=headers)
    assert refused.status_code == 409, refused.text
    error = _error(refused)
    details = error["details"]
    assert isinstance(details, dict)
    assert error["code"] == "no_work" and details["reason"] == "daily_limit"
    assert "limit of 2 answers in 24 hours" in str(error["message"])
    assert "retry_after" in details

    _age(db, alice, hours=23)  # both answers 23 hours old: one more opens in an hour
    again = _error(client.post(_url(setup), headers=headers))["details"]
    assert isinstance(again, dict)
    back = datetime.fromisoformat(str(again["retry_after"]))
    assert timedelta(minutes=59) < back - utcnow() <= timedelta(hours=1, seconds=5)

    _age(db, alice, hours=25)  # out of the window: they count no more
    assert client.post(_url(setup), headers=headers).status_code == 201


def test_daily_limit_counts_the_tasks_held(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=6)
    _settings(db, setup, max_responses_per_day=2, max_live_per_contributor=3, fair_share_factor=0)
    (alice,) = contributors(db, 1)
    headers = api_token(db, alice)
    _answer(db, alice, setup)
    held = client.post(_url(setup), headers=headers)
    assert held.status_code == 201
    again = client.post(_url(setup), headers=headers)  # 1 answered + 1 held = the limit
    assert again.status_code == 200 and again.json()["id"] == held.json()["id"]


def _scarce_project(db: Session, items: int = 6) -> tuple[Setup, User, User, User]:
    """alice answered 2, bob 1, carol holds one: scarce once fair share is on (K=5, 3 active)."""
    setup = work_project(db, items=items)
    _settings(db, setup, fair_share_factor=0)
    alice, bob, carol = contributors(db, 3)
    _answer(db, alice, setup, times=2)
    _answer(db, bob, setup)
    claims.claim(db, carol, setup.project.id)
    db.commit()
    _settings(db, setup, fair_share_factor=5)
    return setup, alice, bob, carol


def test_above_the_median_waits_with_the_numbers(db: Session, client: TestClient) -> None:
    setup, alice, bob, _ = _scarce_project(db)
    refused = client.post(_url(setup), headers=api_token(db, alice))
    assert refused.status_code == 409, refused.text
    error = _error(refused)
    details = error["details"]
    assert isinstance(details, dict)
    assert error["code"] == "no_work" and details["reason"] == "fair_share"
    assert details["your_responses"] == 2 and details["median"] == 1.0
    assert details["open_items"] == 2 and details["active_contributors"] == 3
    back = datetime.fromisoformat(str(details["retry_after"]))
    assert timedelta(0) < back - utcnow() <= fair_share.FAIR_SHARE_RETRY
    message = str(error["message"])
    assert "2 open items for 3 active contributors" in message
    assert "You gave 2 answers" in message and "median of 1" in message
    # bob is at the median: he gets work
    assert client.post(_url(setup), headers=api_token(db, bob)).status_code == 201


def test_others_catch_up_then_the_waiting_one_gets_work(db: Session, client: TestClient) -> None:
    setup, alice, bob, carol = _scarce_project(db, items=8)
    headers = api_token(db, alice)
    assert _error(client.post(_url(setup), headers=headers))["code"] == "no_work"
    live = claims.claim(db, carol, setup.project.id)  # resumes what carol holds
    submissions.submit(db, carol, live.assignment.id, GOOD, 5, "carol")
    db.commit()
    _answer(db, bob, setup)  # bob 2, carol 1: the median is 2, alice is no longer above it
    got = client.post(_url(setup), headers=headers)
    assert got.status_code == 201, got.text


def test_plenty_of_work_means_no_wait(db: Session, client: TestClient) -> None:
    setup, alice, _, _ = _scarce_project(db, items=20)  # 16 open >= 5 x 3 active
    assert client.post(_url(setup), headers=api_token(db, alice)).status_code == 201


def test_only_the_last_24_hours_count(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=8)
    _settings(db, setup, fair_share_factor=0)
    alice, bob, dave, erin = contributors(db, 4)
    _answer(db, dave, setup)
    _answer(db, erin, setup)
    _age(db, dave, hours=30)  # dave and erin worked here yesterday: not active now
    _age(db, erin, hours=30)
    _answer(db, alice, setup, times=2)
    _answer(db, bob, setup, times=2)
    _settings(db, setup, fair_share_factor=5)
    # Active: alice 2, bob 2 (the median 2); counting dave and erin would make it 1.
    got = client.post(_url(setup), headers=api_token(db, alice))
    assert got.status_code == 201, got.text


def test_no_work_left_is_all_done_not_fair_share(db: Session) -> None:
    setup, alice, _, _ = _scarce_project(db, items=4)  # every item answered or held
    with pytest.raises(claims.NoWork) as refused:
        claims.claim(db, alice, setup.project.id)
    assert refused.value.reason in ("leases_held", "all_done")


def test_work_list_says_why_with_the_numbers(db: Session, client: TestClient) -> None:
    setup, alice, bob, _ = _scarce_project(db)
    listed = client.get("/api/v1/me/work", headers=api_token(db, alice))
    assert listed.status_code == 200, listed.text
    entry = next(p for p in listed.json()["no_work"] if p["project_id"] == setup.project.id)
    assert entry["reason"] == "fair_share"
    assert "2 open items for 3 active contributors" in entry["reason_text"]
    assert "median of 1" in entry["reason_text"] and entry["come_back_at"] is not None
    opened = client.get("/api/v1/me/work", headers=api_token(db, bob)).json()["open"]
    assert [p["project_id"] for p in opened] == [setup.project.id]

    _settings(db, setup, fair_share_factor=0, max_responses_per_day=2)
    limited = client.get("/api/v1/me/work", headers=api_token(db, alice)).json()["no_work"]
    assert [(p["reason"], p["come_back_at"] is not None) for p in limited] == [
        ("daily_limit", True)
    ]
    assert "limit of 2 answers in 24 hours" in limited[0]["reason_text"]
