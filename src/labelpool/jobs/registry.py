"""Job handlers by name, and the periodic jobs with their intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from labelpool.jobs.context import JobContext


# A handler does its work in `db` (committed by the runner together with the job's "done").
Handler = Callable[[Session, dict[str, Any], "JobContext"], None]
# A handler that commits as it goes, in transactions it opens from `context.sessions`: for
# long work (a large import) that must not hold one transaction, nor SQLite's write lock,
# from start to end. The runner marks the job done in a transaction of its own afterwards.
OwnTransactionsHandler = Callable[[dict[str, Any], "JobContext"], None]


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta


HANDLERS: dict[str, Handler] = {}
OWN_TRANSACTIONS: dict[str, OwnTransactionsHandler] = {}
PERIODIC: dict[str, Periodic] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register a job handler under `name` (the name is stored in the outbox: keep it stable)."""

    def register(function: Handler) -> Handler:
        if OWN_TRANSACTIONS.get(name) or HANDLERS.get(name, function) is not function:
            raise ValueError(f"a job handler named {name!r} is already registered")
        HANDLERS[name] = function
        return function

    return register


def own_transactions(name: str) -> Callable[[OwnTransactionsHandler], OwnTransactionsHandler]:
    """Register a handler that opens its own transactions (see `OwnTransactionsHandler`).

    It must be safe to repeat like any handler, and more: a runner that dies part-way leaves
    whatever the handler had committed, so the handler records its progress as it commits and
    a repeat continues (or cleans up) from there.
    """

    def register(function: OwnTransactionsHandler) -> OwnTransactionsHandler:
        if HANDLERS.get(name) or OWN_TRANSACTIONS.get(name, function) is not function:
            raise ValueError(f"a job handler named {name!r} is already registered")
        OWN_TRANSACTIONS[name] = function
        return function

    return register


def periodic(name: str, every: timedelta) -> Callable[[Handler], Handler]:
    """Register a handler that runs every `every` (its payload is empty)."""

    def register(function: Handler) -> Handler:
        handler(name)(function)
        PERIODIC[name] = Periodic(name, every)
        return function

    return register
