"""What a job handler may need besides its payload: settings, media storage, and (for handlers
that run their own transactions) the session factory and the job's lease."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
