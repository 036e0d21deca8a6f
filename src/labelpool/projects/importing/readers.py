"""Readers yield (row number, record) from each file format, and report progress in bytes.

Row numbers are what a person finds in the file: the line for JSONL and CSV (the CSV header is
line 1), the position (from 1) for JSON arrays and Parquet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson

from labelpool.controls.fields import DataField
from labelpool.errors import InvalidInput
from labelpool.projects.importing import limits
from labelpool.projects.importing.limits import MAX_JSON_ARRAY_BYTES, MEASURE_ABOVE_BYTES
from labelpool.projects.importing.rows import RESERVED_KEYS, coerce_csv_value
from labelpool.text import plural

Progress = Callable[[int], None]  # called with the bytes read so far
Records = Iterator[tuple[int, Any]]

FORMATS = ("jsonl", "json", "csv", "tsv", "parquet", "urls", "zip", "folder")
EXTENSIONS = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".txt": "urls",
    ".urls": "urls",
    ".zip": "zip",
}


def detect_format(path: Path, declared: str | None = None) -> str:
    """The format named by the caller, else by the folder or the file extension."""
    if declared:
        if declared not in FORMATS:
            raise InvalidInput(
                f"Unknown import format '{declared}'; use one of {', '.join(FORMATS)}."
            )
        return declared
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix == ".gz":
        raise InvalidInput("Compressed .gz files are not supported; unpack the file first.")
    if suffix not in EXTENSIONS:
        raise InvalidInput(
            f"Cannot tell the format of '{path.name}' from its extension; name it .jsonl, .csv, "
            ".tsv, .json, .parquet, .txt (one URL per line) or .zip, or pass the format."
        )
    return EXTENSIONS[suffix]


def _decode_error(path: Path, line: int) -> InvalidInput:
    return InvalidInput(
        f"{path.name} line {line} is not UTF-8 text; save the file as UTF-8 and try again.",
        details=[{"row": line, "field": None, "problem": "not UTF-8"}],
    )


def read_jsonl(path: Path, progress: Progress | None = None) -> Records:
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if progress is not None and number % 10_000 == 0:
                progress(handle.tell())
            try:
                record = loads(line)
            except decode_error as exc:
                if not line.strip():
                    continue
                if _is_not_utf8(line):
                    raise _decode_error(path, number) from None
                record = Malformed(f"is not valid JSON ({exc.msg})")
            else:
                if len(line) > MEASURE_ABOVE_BYTES:
                    record = _checked(record)
            yield number, record
        if progress is not None:
            progress(handle.tell())


def read_json_array(path: Path, progress: Progress | None = None) -> Records:
    size = path.stat().st_size
    if size > MAX_JSON_ARRAY_BYTES:
        raise InvalidInput(
            f"{path.name} is a {size // 2**20} MB JSON array; use JSON Lines (.jsonl) for files "
            "this large, one item per line."
        )
    raw = path.read_bytes()
    try:
        records = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path.name} is not valid JSON ({exc.msg}, line {exc.lineno}); "
            "fix it or use JSON Lines."
        ) from None
    if not isinstance(records, list):
        raise InvalidInput(f"{path.name} must hold a JSON array of items, one object per item.")
    for number, record in enumerate(records, start=1):
        yield number, _checked(record)
    if progress is not None:
        progress(size)


def read_csv(
    path: Path, fields: list[DataField], delimiter: str = ",", progress: Progress | None = None
) -> Records:
    kinds = {f.name: f.kind for f in fields}
    raw = path.open("rb")
    handle = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    try:
        reader = csv.reader(handle, delimiter=delimiter)
        header = next(reader, None)
    except UnicodeDecodeError:
        handle.close()
        raise _decode_error(path, 1) from None
    with handle:
        if not header:
            raise InvalidInput(f"{path.name} is empty; the first line must name the columns.")
        if problem := limits.too_many_columns(len(header)):
            raise _width_error(path, problem)
        header = [h.strip() for h in header]
        known = set(kinds) | RESERVED_KEYS
        unknown = [
            h for h in header if h not in known and not h.startswith(("gold.", "prediction."))
        ]
        missing = [f.name for f in fields if f.required and f.name not in header]
        if missing:
            raise InvalidInput(
                f"{path.name} has no column for the required field(s) {', '.join(missing)}; "
                f"its columns are {', '.join(header)}.",
                details={"missing_columns": missing, "unknown_columns": unknown},
            )
        line = 1
        try:
            for cells in reader:
                line = reader.line_num
                if progress is not None and line % 10_000 == 0:
                    progress(raw.tell())
                if not any(cells):
                    continue
                if len(cells) != len(header):
                    yield (
                        line,
                        Malformed(
                            f"has {plural(len(cells), 'cell')} but the header has "
                            f"{plural(len(header), 'column')}"
                        ),
                    )
                    continue
                record = _csv_record(header, cells, kinds)
                if sum(map(len, cells)) > MEASURE_ABOVE_BYTES:
                    record = _checked(record)
                yield line, record
        except UnicodeDecodeError:
            raise _decode_error(path, line + 1) from None
        except csv.Error as exc:
            raise InvalidInput(f"{path.name} line {reader.line_num}: {exc}") from None
    if progress is not None:
        progress(path.stat().st_size)


def _csv_record(header: list[str], cells: list[str], kinds: dict[str, Any]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    gold: dict[str, Any] = {}
    predictions: dict[str, Any] = {}
    for name, cell in zip(header, cells, strict=True):
        if name in kinds:
            record[name] = coerce_csv_value(kinds[name], cell)
        elif name == "id":
            record["id"] = cell or None
        elif name.startswith("gold.") and cell != "":
            gold[name[5:]] = _cell_answer(cell)
        elif name.startswith("prediction.") and cell != "":
            predictions[name[11:]] = _cell_answer(cell)
        elif cell != "":
            record[name] = cell
    if gold:
        record["gold"] = gold
    if predictions:
        record["predictions"] = predictions
    return record


def _cell_answer(cell: str) -> Any:
    """An answer in a CSV cell: JSON when it parses (lists, objects, numbers), else the text."""
    try:
        return orjson.loads(cell)
    except orjson.JSONDecodeError:
        return cell


def read_parquet(path: Path, progress: Progress | None = None) -> Records:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several types for a bad file
        raise InvalidInput(f"{path.name} is not a readable Parquet file ({exc}).") from None
    if problem := limits.too_many_columns(len(parquet.schema_arrow)):
        raise _width_error(path, problem)
    number = 0
    total = max(parquet.metadata.num_rows, 1)
    size = path.stat().st_size
    for batch in parquet.iter_batches(batch_size=10_000):
        for record in batch.to_pylist():
            number += 1
            yield number, _checked(record)
        if progress is not None:
            progress(size * number // total)


def read_urls(path: Path, field: DataField, progress: Progress | None = None) -> Records:
    done = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            done += len(raw)
            try:
                line = raw.decode("utf-8").strip()
            except UnicodeDecodeError:
                raise _decode_error(path, number) from None
            if not line or line.startswith("#"):
                continue
            problem = limits.too_large(len(raw))
            yield number, Malformed(problem) if problem else {field.name: line}
            if progress is not None and number % 10_000 == 0:
                progress(done)
    if progress is not None:
        progress(done)


def _checked(record: Any) -> Any:
    """The record, or `Malformed` when it is too wide or too large to be an item."""
    problem = limits.record_problem(record)
    return record if problem is None else Malformed(problem)


def _width_error(path: Path, problem: str) -> InvalidInput:
    return InvalidInput(
        f"{path.name} {problem}; an item's fields are its columns, so split the data or put "
        "related values together in one JSON column.",
        details=[{"row": 1, "field": None, "problem": problem}],
    )


def _is_not_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


class Malformed:
    """A record that cannot be used; the import reports `problem` for its row."""

    def __init__(self, problem: str) -> None:
        self.problem = problem
