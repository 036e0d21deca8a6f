"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from labelpool.db.engine import make_engine
from labelpool.db.migrate import current_revision, downgrade, head_revision, upgrade
from labelpool.db.models import Base


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_from_empty_match_the_models(
    backend: str, fresh_database_url: Callable[[str], str]
) -> None:
    engine = make_engine(fresh_database_url(backend))
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        assert {"users", "organizations", "memberships", "api_tokens"} <= set(
            inspect(engine).get_table_names()
        )
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_downgrade_to_base_and_upgrade_again(
    backend: str, fresh_database_url: Callable[[str], str]
) -> None:
    engine = make_engine(fresh_database_url(backend))
    try:
        upgrade(engine)
        downgrade(engine, "base")
        assert "users" not in inspect(engine).get_table_names()
        upgrade(engine)
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.sqlite3")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
