"""Bulk insertion of checked rows: executemany on SQLite, COPY on PostgreSQL.

Runs inside the caller's transaction (through the session's connection), so an import that
fails is rolled back with everything else.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, select

from labelpool.projects.importing.rows import CheckedRow
from labelpool.projects.models import Item

ITEM_COLUMNS = (
    "project_id",
    "position",
    "external_id",
    "data",
    "is_gold",
    "gold",
    "import_run_id",
    "created_at",
)
PREDICTION_COLUMNS = ("item_id", "model_version", "answers", "score", "created_at")
SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # SQLAlchemy's storage format for DateTime


class ItemWriter:
    def __init__(
        self, connection: Connection, project_id: int, import_run_id: int, now: datetime
    ) -> None:
        self.connection = connection
        self.project_id = project_id
        self.import_run_id = import_run_id
        self.sqlite = connection.dialect.name == "sqlite"
        # SQLite keeps naive UTC text; PostgreSQL takes the aware datetime.
        self.now: Any = (
            now.replace(tzinfo=None).strftime(SQLITE_TIME_FORMAT) if self.sqlite else now
        )

    def write(self, rows: list[CheckedRow], first_position: int) -> None:
        """Insert `rows` at consecutive positions starting at `first_position`."""
        values = [
            (
                self.project_id,
                first_position + i,
                row.external_id,
                row.data_json,
                row.gold_json is not None,
                row.gold_json,
                self.import_run_id,
                self.now,
            )
            for i, row in enumerate(rows)
        ]
        self._insert("items", ITEM_COLUMNS, values)
        with_predictions = [(i, row) for i, row in enumerate(rows) if row.predictions]
        if with_predictions:
            self._write_predictions(with_predictions, first_position, len(rows))

    def _write_predictions(
        self, rows: list[tuple[int, CheckedRow]], first_position: int, count: int
    ) -> None:
        ids = dict(
            self.connection.execute(
                select(Item.position, Item.id).where(
                    Item.project_id == self.project_id,
                    Item.position >= first_position,
                    Item.position < first_position + count,
                )
            ).all()
        )
        values = [
            (
                ids[first_position + i],
                prediction.model_version,
                orjson.dumps(prediction.answers).decode(),
                prediction.score,
                self.now,
            )
            for i, row in rows
            for prediction in row.predictions
        ]
        self._insert("predictions", PREDICTION_COLUMNS, values)

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
