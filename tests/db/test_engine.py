"""Pooled PostgreSQL connections: one that sat idle is tested before use and replaced when the
server dropped it; one in steady use is not (no round trip per request)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import OperationalError

from labelpool.db import engine as engine_module
from labelpool.db.engine import make_engine


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _drop_other_connections(url: str) -> None:
    """What a server restart or an idle timeout does to the pool's connections."""
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    admin.dispose()


@pytest.fixture
def pg_url(fresh_database_url: Callable[[str], str]) -> str:
    return fresh_database_url("postgresql")


def test_an_idle_connection_the_server_dropped_is_replaced(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    first = _backend_pid(engine)
    _drop_other_connections(pg_url)
    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 0.0)  # it has been idle long enough
    assert _backend_pid(engine) != first  # a new connection, and no error
    engine.dispose()


def test_a_connection_in_steady_use_is_not_pinged(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the idle test the dropped connection surfaces (once): the test above is what
    replaced it."""
    engine = make_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    _backend_pid(engine)
    _drop_other_connections(pg_url)
    monkeypatch.setattr(engine_module, "IDLE_PING_SECONDS", 3600.0)
    with pytest.raises(OperationalError):
        _backend_pid(engine)
    assert _backend_pid(engine) > 0  # the pool threw the dead connection away
    engine.dispose()
