"""`INSERT ... ON CONFLICT` for the two supported databases (one statement, no savepoint)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def dialect_insert(dialect: str, model: Any) -> Any:
    """An INSERT into `model` with `on_conflict_do_nothing` / `_do_update` (and `excluded`)
    for the database named `dialect`: PostgreSQL's, else SQLite's."""
    return pg_insert(model) if dialect == "postgresql" else sqlite_insert(model)


def insert_for(db: Session, model: Any) -> Any:
    """`dialect_insert` for the session's database."""
    return dialect_insert(db.get_bind().dialect.name, model)


@cache
def _insert_or_nothing(dialect: str, model: Any, columns: tuple[str, ...]) -> Any:
    """`INSERT INTO model (columns) VALUES (:p_column, ...) ON CONFLICT DO NOTHING RETURNING
    model`, built once per shape."""
    statement = dialect_insert(dialect, model).values(
        {column: bindparam(f"p_{column}") for column in columns}
    )
    return statement.on_conflict_do_nothing().returning(model)


def insert_new(db: Session, model: Any, values: dict[str, Any]) -> Any:
    """Insert one row and return it as `model` (in the session), or None when a unique
    constraint already holds a row like it: one statement, no savepoint."""
    statement = _insert_or_nothing(db.get_bind().dialect.name, model, tuple(values))
    return db.scalars(statement, {f"p_{k}": v for k, v in values.items()}).first()
