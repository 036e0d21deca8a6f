"""Database errors are told apart by what the caller should do about them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from labelpool.db.errors import is_busy, is_conflict, is_unstorable_value


def _error_of(engine: Engine, *statements: str) -> DBAPIError:
    with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
        for statement in statements:
            conn.execute(text(statement))
    return caught.value


def test_a_broken_constraint_is_a_conflict(engine: Engine) -> None:
    error = _error_of(
        engine,
        "INSERT INTO organizations (name, slug, created_at) VALUES ('A', 'a', CURRENT_TIMESTAMP)",
        "INSERT INTO organizations (name, slug, created_at) VALUES ('B', 'a', CURRENT_TIMESTAMP)",
    )
    assert is_conflict(error) and not is_busy(error) and not is_unstorable_value(error)


def test_a_value_out_of_range_is_unstorable_on_postgresql(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        assert not is_unstorable_value(_error_of(engine, "SELECT * FROM no_such_table"))
        return
    error = _error_of(engine, "SELECT CAST(99999999999999999999 AS bigint)")
    assert is_unstorable_value(error) and not is_busy(error) and not is_conflict(error)


def test_a_syntax_error_is_none_of_them(engine: Engine) -> None:
    error = _error_of(engine, "SELEC 1")
    assert not (is_busy(error) or is_conflict(error) or is_unstorable_value(error))
