"""Job handlers by name, and the periodic jobs with their intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from labelpool.config import Settings
from labelpool.media.storage import MediaStorage, storage_from_settings


def _still_ours() -> bool:
    return True


@dataclass(frozen=True, init=False)
class JobContext:
    """What a handler may need besides its payload (built once per runner, not per job).

    `storage` is the process's media storage (the app's `app.state.storage`); left out, it is
    built from `settings` here, once.

    For a handler registered with `own_transactions` the runner passes a copy made by
    `for_job`: `sessions` is the runner's session factory, for the handler's own short
    transactions (`db.engine.transaction(context.sessions)`), and `keep_alive()` extends the
    job's lease (cheap to call often: it writes at most once a minute) and says False once the
    lease was lost to another runner, when the handler should stop. Other handlers get `None`
    and a `keep_alive` that always says True: they work in the job's own transaction.
    """

    settings: Settings
    storage: MediaStorage
    sessions: sessionmaker[Session] | None
    keep_alive: Callable[[], bool]

    def __init__(
        self,
        settings: Settings,
        storage: MediaStorage | None = None,
        *,
        sessions: sessionmaker[Session] | None = None,
        keep_alive: Callable[[], bool] = _still_ours,
    ) -> None:
        object.__setattr__(self, "settings", settings)
        object.__setattr__(
            self, "storage", storage if storage is not None else storage_from_settings(settings)
        )
        object.__setattr__(self, "sessions", sessions)
        object.__setattr__(self, "keep_alive", keep_alive)

    def for_job(
        self, sessions: sessionmaker[Session], keep_alive: Callable[[], bool]
    ) -> JobContext:
        return JobContext(self.settings, self.storage, sessions=sessions, keep_alive=keep_alive)


# A handler does its work in `db` (committed by the runner together with the job's "done").
Handler = Callable[[Session, dict[str, Any], JobContext], None]
# A handler that commits as it goes, in transactions it opens from `context.sessions`: for
# long work (a large import) that must not hold one transaction, nor SQLite's write lock,
# from start to end. The runner marks the job done in a transaction of its own afterwards.
OwnTransactionsHandler = Callable[[dict[str, Any], JobContext], None]


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
