"""Requests wait for the database on the event loop, not in worker threads.

A request's transaction runs in a worker thread (40 in AnyIO's pool), and a thread blocked
waiting for the database holds on to that thread. With more requests than threads, every
thread can end up waiting (for a connection from the pool, or on SQLite inside
`BEGIN IMMEDIATE` for the write lock) while the request that holds the connection or the lock
cannot get the thread it needs to finish: everything stalls until a time-out (503s, and
QueuePool time-outs as 500s, at 32 clients). Waiting here, as a coroutine, costs no thread:

- a request takes one of the process's connection slots (a few fewer than the pool holds,
  leaving room for the job runner and background writes) before its transaction starts;
- on SQLite a writing request first takes the process's one turn to write.

So the request whose turn it is always finds a thread and a connection.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

RESERVED_CONNECTIONS = 3  # for the in-process job runner and recording a credential's use


class DatabaseTurnTimeout(Exception):
    """No connection slot or turn to write came within the wait: answered as busy (503)."""


@dataclass(frozen=True)
class _Turns:
    slots: asyncio.Semaphore
    write: asyncio.Semaphore


# One set per event loop (a test client may run each request on a loop of its own) and engine.
_TURNS: WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, _Turns]] = WeakKeyDictionary()


def connection_slots(engine: Engine) -> int:
    """How many requests may hold a connection at once: the pool's size and overflow, less
    the reserved ones (unbounded pools: 64)."""
    pool = engine.pool
    if isinstance(pool, QueuePool):
        return max(1, pool.size() + pool._max_overflow - RESERVED_CONNECTIONS)
    return 64


def _turns(engine: Engine) -> _Turns:
    by_engine = _TURNS.setdefault(asyncio.get_running_loop(), {})
    turns = by_engine.get(id(engine))
    if turns is None:
        slots = asyncio.Semaphore(connection_slots(engine))
        turns = by_engine[id(engine)] = _Turns(slots=slots, write=asyncio.Semaphore(1))
    return turns


async def _take(semaphore: asyncio.Semaphore, stack: AsyncExitStack, wait: float) -> None:
    try:
        await asyncio.wait_for(semaphore.acquire(), timeout=wait)
    except TimeoutError:
        raise DatabaseTurnTimeout from None
    stack.callback(semaphore.release)


@asynccontextmanager
async def database_turn(engine: Engine, *, write: bool, wait_seconds: float) -> AsyncIterator[None]:
    """Hold a connection slot (and on SQLite, for a writer, the turn to write) meanwhile;
    DatabaseTurnTimeout if they do not come within `wait_seconds`."""
    turns = _turns(engine)
    async with AsyncExitStack() as stack:
        if write and engine.dialect.name == "sqlite":
            await _take(turns.write, stack, wait_seconds)
        await _take(turns.slots, stack, wait_seconds)
        yield
