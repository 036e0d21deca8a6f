"""More writers at once than the server has worker threads all get their answer.

A request used to wait for the database in its worker thread (for a pooled connection, and on
SQLite inside `BEGIN IMMEDIATE` for the write lock); with more requests than threads, the one
holding the connection or lock could not get the thread it needed to finish, and everyone
waited for a time-out (503s, pool time-outs as 500s). Requests now wait on the event loop
(`web.db_turns`)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from labelpool.config import Settings
from labelpool.web.db_turns import DatabaseTurnTimeout, connection_slots, database_turn
from tests.factories import api_token, make_user

WRITERS = 120  # three times the 40 worker threads of AnyIO's default pool


T = TypeVar("T")


def run_in_own_loop(scenario: Coroutine[Any, Any, T]) -> T:
    """Run `scenario` on a fresh event loop in a thread of its own: earlier tests of the
    suite (the browser ones) may leave a loop running in this thread."""
    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, scenario).result()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"lock_timeout_seconds": 5.0})


async def _write_all_at_once(url: str, headers: dict[str, str]) -> list[int]:
    limits = httpx.Limits(max_connections=WRITERS, max_keepalive_connections=WRITERS)
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=120
    ) as client:
        answers = await asyncio.gather(
            *(
                client.post("/api/v1/me/notifications/read", json={"all": True})
                for _ in range(WRITERS)
            )
        )
    return [answer.status_code for answer in answers]


def test_many_more_writers_than_threads_are_all_answered(server_url: str, db: Session) -> None:
    headers = api_token(db, make_user(db))
    statuses = run_in_own_loop(_write_all_at_once(server_url, headers))
    assert statuses == [200] * WRITERS, sorted(set(statuses))


def test_sqlite_writers_take_turns_and_are_told_busy_when_theirs_does_not_come(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'turns.sqlite3'}")
    assert connection_slots(engine) == 5 + 10 - 3  # the pool, less the job runner's room

    async def scenario() -> list[str]:
        seen: list[str] = []
        async with database_turn(engine, write=True, wait_seconds=1.0):
            async with database_turn(engine, write=False, wait_seconds=0.05):
                seen.append("a reader meanwhile")
            with pytest.raises(DatabaseTurnTimeout):
                async with database_turn(engine, write=True, wait_seconds=0.05):
                    seen.append("never")
            seen.append("held")
        async with database_turn(engine, write=True, wait_seconds=0.05):
            seen.append("free again")
        return seen

    assert run_in_own_loop(scenario()) == ["a reader meanwhile", "held", "free again"]
    engine.dispose()


def test_no_more_requests_hold_connections_than_there_are_slots(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'slots.sqlite3'}")
    slots = connection_slots(engine)

    async def scenario() -> int:
        inside = most = 0

        async def reader() -> None:
            nonlocal inside, most
            async with database_turn(engine, write=False, wait_seconds=5.0):
                inside += 1
                most = max(most, inside)
                await asyncio.sleep(0.01)
                inside -= 1

        await asyncio.gather(*(reader() for _ in range(slots * 3)))
        return most

    assert run_in_own_loop(scenario()) == slots
    engine.dispose()
