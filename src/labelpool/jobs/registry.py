"""Job handlers by name, and the periodic jobs with their intervals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from labelpool.config import Settings
from labelpool.media.storage import MediaStorage, storage_from_settings


@dataclass(frozen=True, init=False)
class JobContext:
    """What a handler may need besides its payload (built once per runner, not per job).

    `storage` is the process's media storage (the app's `app.state.storage`); left out, it is
    built from `settings` here, once.
    """

    settings: Settings
    storage: MediaStorage

    def __init__(self, settings: Settings, storage: MediaStorage | None = None) -> None:
        object.__setattr__(self, "settings", settings)
        object.__setattr__(
            self, "storage", storage if storage is not None else storage_from_settings(settings)
        )


# A handler does its work in `db` (committed by the runner together with the job's "done").
Handler = Callable[[Session, dict[str, Any], JobContext], None]


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta


HANDLERS: dict[str, Handler] = {}
PERIODIC: dict[str, Periodic] = {}


def handler(name: str) -> Callable[[Handler], Handler]:
    """Register a job handler under `name` (the name is stored in the outbox: keep it stable)."""

    def register(function: Handler) -> Handler:
        if name in HANDLERS and HANDLERS[name] is not function:
            raise ValueError(f"a job handler named {name!r} is already registered")
        HANDLERS[name] = function
        return function

    return register


def periodic(name: str, every: timedelta) -> Callable[[Handler], Handler]:
    """Register a handler that runs every `every` (its payload is empty)."""

    def register(function: Handler) -> Handler:
        handler(name)(function)
        PERIODIC[name] = Periodic(name, every)
        return function

    return register
