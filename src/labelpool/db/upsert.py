"""`INSERT ... ON CONFLICT` for the two supported databases (one statement, no savepoint)."""

from __future__ import annotations

from typing import Any

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
