"""Shared fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL is expected at 127.0.0.1:5432 (user postgres, trust auth); override with
LABELPOOL_TEST_POSTGRES_URL. A fresh database is created for the run and dropped after it.
When PostgreSQL is unreachable the run fails with a clear message; set
LABELPOOL_TEST_SKIP_POSTGRES=1 to run on SQLite alone during local development (refused when
CI is set).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from labelpool.accounts import passwords
from labelpool.config import Settings
from labelpool.db.engine import make_engine, make_session_factory
from labelpool.db.migrate import upgrade
from labelpool.db.models import Base

POSTGRES_URL = os.environ.get(
    "LABELPOOL_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


def _skip_postgres() -> bool:
    return bool(os.environ.get("LABELPOOL_TEST_SKIP_POSTGRES")) and not os.environ.get("CI")


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Argon2 at production cost takes ~50 ms a hash; tests use a cheap (still argon2id) one."""
    original = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    passwords.DUMMY_HASH = passwords._hasher.hash("dummy")
    yield
    passwords._hasher = original


class PostgresServer:
    """Creates throwaway databases on the test PostgreSQL server and drops them at the end."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.created: list[str] = []
        self._admin: Engine | None = None

    @property
    def admin(self) -> Engine:
        if self._admin is None:
            self._admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        return self._admin

    def check_reachable(self) -> None:
        try:
            with self.admin.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            pytest.fail(
                f"PostgreSQL is not reachable at {self.admin_url.render_as_string()}: "
                f"{str(exc).splitlines()[0]}. Start it, point LABELPOOL_TEST_POSTGRES_URL at a "
                "server, or (locally, not in CI) set LABELPOOL_TEST_SKIP_POSTGRES=1.",
                pytrace=False,
            )

    def create_database(self) -> str:
        self.check_reachable()
        name = f"labelpool_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if self._admin is None:
            return
        with self.admin.connect() as conn:
            for name in self.created:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._admin.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer(POSTGRES_URL)
    yield server
    server.drop_all()


@pytest.fixture(scope="session")
def fresh_database_url(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], str]:
    """A factory: `fresh_database_url(backend)` returns the URL of a new, empty database."""

    def make(backend: str) -> str:
        if backend == "sqlite":
            path = tmp_path_factory.mktemp("sqlite") / "test.sqlite3"
            return f"sqlite:///{path}"
        if _skip_postgres():
            pytest.skip("LABELPOOL_TEST_SKIP_POSTGRES is set")
        return postgres_server.create_database()

    return make


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], str]
) -> Iterator[Engine]:
    """One migrated database per backend for the whole run."""
    url = fresh_database_url(request.param)
    engine = make_engine(url)
    upgrade(engine)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def engine(migrated_engine: Engine) -> Iterator[Engine]:
    """The migrated engine, emptied after each test."""
    yield migrated_engine
    _empty_tables(migrated_engine)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    """A session for arranging and checking state; commit explicitly to make data visible."""
    session = make_session_factory(engine)()
    yield session
    session.rollback()
    session.close()


@pytest.fixture
def settings(engine: Engine, tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        database_url=engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key",
        jobs_in_process=False,  # tests run jobs themselves (tests/jobs)
    )


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    from labelpool.app import create_app

    app = create_app(settings)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()
