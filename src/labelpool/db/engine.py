"""Engine and session factory for SQLite (WAL, foreign keys) and PostgreSQL (psycopg 3)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

LOCK_TIMEOUT_SECONDS = 15.0


def make_engine(
    url: str, *, lock_timeout_seconds: float = LOCK_TIMEOUT_SECONDS, **kwargs: Any
) -> Engine:
    """Create an engine with the pragmas and pool settings labelpool relies on.

    `lock_timeout_seconds` is how long a statement waits for another transaction's lock
    (SQLite's busy timeout, PostgreSQL's lock_timeout) before it fails as busy (HTTP 503).
    """
    timeout_ms = max(1, round(lock_timeout_seconds * 1000))
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": lock_timeout_seconds},
            **kwargs,
        )
        _configure_sqlite(engine, timeout_ms)
        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    if url.startswith("postgresql"):
        kwargs.setdefault("connect_args", {"options": f"-c lock_timeout={timeout_ms}"})
    engine = create_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


# A pooled connection idle for longer than this is tested before use (see `_ping_when_idle`).
IDLE_PING_SECONDS = 10.0


def _ping_when_idle(engine: Engine) -> None:
    """Test a pooled connection before use only when it sat idle for `IDLE_PING_SECONDS`: a
    server restart or an idle timeout is found and the connection replaced (the pool retries
    with a new one), while connections in steady use skip the round trip `pool_pre_ping` pays
    on every checkout (about a fifth of a claim's CPU on PostgreSQL)."""

    @event.listens_for(engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(CHECKED_IN_AT)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            cursor = dbapi_connection.cursor()
            cursor.execute("SELECT 1")
            cursor.close()
            dbapi_connection.rollback()
        except Exception as exc:  # any failure: the pool discards it and connects afresh
            raise DisconnectionError("an idle pooled connection was lost") from exc


CHECKED_IN_AT = "labelpool.checked_in_at"


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy issue BEGIN itself so `BEGIN IMMEDIATE` can be used for writers.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA cache_size=-32768")  # 32 MB: bulk imports touch big indexes
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def begin_write(session: Session) -> None:
    """Open the session's transaction as a writer, so it waits for other writers instead of failing.

    SQLite: `BEGIN IMMEDIATE` takes the write lock up front and waits up to the busy timeout.
    A deferred transaction that reads and then writes cannot wait: in WAL mode the upgrade
    fails at once ("database is locked") when another connection committed in between.
    PostgreSQL needs nothing: its row locks wait by themselves.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error; `write` begins it as a
    writer (`begin_write`)."""
    session = factory()
    try:
        if write:
            begin_write(session)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
