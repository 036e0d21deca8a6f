"""`INSERT ... ON CONFLICT` for the two supported databases (one statement, no savepoint)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def insert_for(db: Session, model: Any) -> Any:
    """An INSERT into `model` with `on_conflict_do_nothing` / `_do_update` (and `excluded`)
    for the session's database: PostgreSQL's, else SQLite's."""
    if db.get_bind().dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)
