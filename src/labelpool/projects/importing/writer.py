"""Bulk insertion of checked rows inside the caller's transaction.

Plain rows (no gold, no predictions) of a batch travel as ONE JSON array that the database
unpacks itself (`json_each` on SQLite, `jsonb_array_elements` on PostgreSQL): no per-row
parameter binding in Python. Other rows use executemany (SQLite) or COPY (PostgreSQL), with
item ids allocated up front so predictions can point at their items without reading them
back: on PostgreSQL from the id sequence, on SQLite from max(id) + 1, which is safe because
the import's transaction already holds SQLite's write lock (the import run row came first).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, text

from labelpool.projects.importing.rows import CheckedRow

ITEM_COLUMNS = (
    "id",
    "project_id",
    "external_id",
    "data",
    "is_gold",
    "gold",
    "import_run_id",
    "created_at",
)
PREDICTION_COLUMNS = ("item_id", "model_version", "answers", "score", "created_at")
SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime
SQLITE_PLAIN_ROWS = (
    "INSERT INTO items (id, project_id, external_id, data, is_gold, gold, import_run_id, "
    "created_at) SELECT ? + row.key, ?, json_extract(row.value, '$[0]'), "
    "json_extract(row.value, '$[1]'), 0, NULL, ?, ? FROM json_each(?) AS row"
)
POSTGRES_PLAIN_ROWS = (
    "INSERT INTO items (project_id, external_id, data, is_gold, gold, import_run_id, created_at) "
    "SELECT %s, row.value ->> 0, row.value -> 1, false, NULL, %s, %s "
    "FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS row(value, n) ORDER BY row.n"
)


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


class ItemWriter:
    def __init__(
        self, connection: Connection, project_id: int, import_run_id: int, now: datetime
    ) -> None:
        self.connection = connection
        self.project_id = project_id
        self.import_run_id = import_run_id
        self.sqlite = connection.dialect.name == "sqlite"
        # SQLite keeps naive UTC text; PostgreSQL takes the aware datetime.
        self.now: Any = now
        self.next_id = 0
        if self.sqlite:
            self.now = now.replace(tzinfo=None).strftime(SQLITE_TIME_FORMAT)
            last = connection.exec_driver_sql("SELECT max(id) FROM items").scalar()
            self.next_id = (last or 0) + 1

    def _allocate_ids(self, count: int) -> list[int]:
        if self.sqlite:
            first = self.next_id
            self.next_id += count
            return list(range(first, first + count))
        return list(
            self.connection.execute(
                text(
                    "SELECT nextval(pg_get_serial_sequence('items', 'id')) "
                    "FROM generate_series(1, :n)"
                ),
                {"n": count},
            ).scalars()
        )

    def write(self, rows: list[CheckedRow]) -> None:
        if not rows:
            return
        plain = all(row.gold is None and not row.predictions for row in rows)
        if plain and not self.sqlite:
            self._insert_plain_postgres(rows)  # nothing points at these ids: the sequence picks
            return
        ids = self._allocate_ids(len(rows))
        if plain:
            self._insert_plain_sqlite(ids[0], rows)
        else:
            project_id, run_id, now = self.project_id, self.import_run_id, self.now
            values = [
                (
                    item_id,
                    project_id,
                    row.external_id,
                    orjson.dumps(row.data).decode(),
                    row.gold is not None,
                    _json(row.gold),
                    run_id,
                    now,
                )
                for item_id, row in zip(ids, rows, strict=True)
            ]
            self._insert("items", ITEM_COLUMNS, values)
        predictions = [
            (item_id, p.model_version, orjson.dumps(p.answers).decode(), p.score, self.now)
            for item_id, row in zip(ids, rows, strict=True)
            for p in row.predictions
        ]
        self._insert("predictions", PREDICTION_COLUMNS, predictions)

    def _insert_plain_postgres(self, rows: list[CheckedRow]) -> None:
        batch = orjson.dumps([(row.external_id, row.data) for row in rows]).decode()
        raw = self.connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor:
            cursor.execute(
                POSTGRES_PLAIN_ROWS, (self.project_id, self.import_run_id, self.now, batch)
            )

    def _insert_plain_sqlite(self, first_id: int, rows: list[CheckedRow]) -> None:
        batch = orjson.dumps([(row.external_id, row.data) for row in rows]).decode()
        self.connection.exec_driver_sql(
            SQLITE_PLAIN_ROWS, (first_id, self.project_id, self.import_run_id, self.now, batch)
        )

    def _insert(self, table: str, columns: tuple[str, ...], values: list[tuple[Any, ...]]) -> None:
        if not values:
            return
        if self.sqlite:
            marks = ", ".join("?" * len(columns))
            self.connection.exec_driver_sql(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", values
            )
            return
        raw = self.connection.connection.driver_connection
        assert raw is not None
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for value in values:
                copy.write_row(value)
