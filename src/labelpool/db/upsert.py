"""`INSERT ... ON CONFLICT` for the two supported databases (one statement, no savepoint)."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, make_transient_to_detached


def dialect_insert(dialect: str, model: Any) -> Any:
    """An INSERT into `model` with `on_conflict_do_nothing` / `_do_update` (and `excluded`)
    for the database named `dialect`: PostgreSQL's, else SQLite's."""
    return pg_insert(model) if dialect == "postgresql" else sqlite_insert(model)


def insert_for(db: Session, model: Any) -> Any:
    """`dialect_insert` for the session's database."""
    return dialect_insert(db.get_bind().dialect.name, model)


@cache
def _insert_or_nothing(dialect: str, model: Any, columns: tuple[str, ...]) -> Any:
    """`INSERT INTO table (columns) VALUES (:p_column, ...) ON CONFLICT DO NOTHING RETURNING *`
    on the model's table (Core: the ORM's bulk path costs more than the statement), built
    once per shape."""
    table = model.__table__
    statement = dialect_insert(dialect, table).values(
        {column: bindparam(f"p_{column}") for column in columns}
    )
    return statement.on_conflict_do_nothing().returning(*table.c)


def insert_new(db: Session, model: Any, values: dict[str, Any]) -> Any:
    """Insert one row and return it as a `model` in the session (as if loaded: nothing left to
    flush), or None when a unique constraint already holds a row like it: one statement, no
    savepoint. Column defaults apply as in any INSERT."""
    statement = _insert_or_nothing(db.get_bind().dialect.name, model, tuple(values))
    row = db.execute(statement, {f"p_{k}": v for k, v in values.items()}).mappings().first()
    if row is None:
        return None
    instance = model(**row)
    make_transient_to_detached(instance)  # its columns are what is stored, not changes
    db.add(instance)
    return instance
