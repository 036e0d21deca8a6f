"""Implementation of `labelpool aggregate` (imported lazily by ``aggregate.py``).

Reading: PyArrow's multi-threaded CSV reader with only the three needed columns, all as strings,
then ``dictionary_encode`` for integer codes (first-appearance order, like ``pandas.factorize`` and
Crowd-Kit, which decides ties). Writing: PyArrow's CSV writer into a temporary file in the target
directory, renamed over the destination only when complete, so a failed run leaves no partial file.
"""

from __future__ import annotations

import csv
import io
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REQUIRED = ("worker", "task", "label")
GOLD_REQUIRED = ("task", "label")


class AggregateError(Exception):
    """Bad input or output: the message is shown to the user on one line."""


# ----------------------------------------------------------------------------- reading


def _is_parquet(path: Path) -> bool:
    if path.suffix.lower() in (".parquet", ".pq"):
        return True
    with path.open("rb") as fh:
        return fh.read(4) == b"PAR1"


def _line_of_row(path: Path, row: int) -> int:
    """1-based file line of 0-based data row ``row`` (blank lines are skipped by the reader)."""
    seen = -1
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            if lineno == 1 or not raw.strip(b"\r\n"):
                continue
            seen += 1
            if seen == row:
                return lineno
    return row + 2


def _first_bad_utf8_line(path: Path) -> int | None:
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return lineno
    return None


def _check_header(path: Path, required: tuple[str, ...], what: str) -> list[str]:
    with path.open("rb") as fh:
        head = fh.read(1 << 16)
    if not head.strip():
        raise AggregateError(f"{path}: empty file (expected a header {','.join(required)})")
    first = head.split(b"\n", 1)[0]
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise AggregateError(f"{path}: not UTF-8 text (line 1)") from None
    header = next(csv.reader(io.StringIO(text)), [])
    header = [h.strip() for h in header]
    missing = [c for c in required if c not in header]
    if missing:
        found = ", ".join(repr(h) for h in header) or "nothing"
        raise AggregateError(
            f"{path}: missing column{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(m) for m in missing)} in the header of the {what} file "
            f"(found {found}; expected {','.join(required)})"
        )
    return header


def read_table(path: Path, required: tuple[str, ...], what: str) -> Any:
    """Read the ``required`` columns of a CSV or Parquet file as a PyArrow table of strings."""
    import pyarrow as pa

    if not path.exists():
        raise AggregateError(f"{path}: no such file")
    if not path.is_file():
        raise AggregateError(f"{path}: not a file")
    if path.stat().st_size == 0:
        raise AggregateError(f"{path}: empty file (expected a header {','.join(required)})")
    if _is_parquet(path):
        import pyarrow.parquet as pq

        try:
            names = pq.read_schema(path).names
            missing = [c for c in required if c not in names]
            if missing:
                raise AggregateError(
                    f"{path}: missing column {', '.join(repr(m) for m in missing)} "
                    f"(found {', '.join(repr(n) for n in names)})"
                )
            table = pq.read_table(path, columns=list(required))
        except (pa.ArrowException, OSError) as exc:
            raise AggregateError(f"{path}: cannot read Parquet: {_first_line(exc)}") from None
        columns = []
        for name in required:
            col = table.column(name)
            if col.null_count:
                import pyarrow.compute as pc

                row = int(pc.index(col.is_null(), True).as_py())
                raise AggregateError(f"{path}: row {row + 1}: empty {name}")
            columns.append(col.cast(pa.string()))
        return pa.table(columns, names=list(required))

    import pyarrow.csv as pacsv

    _check_header(path, required, what)
    # dictionary columns: the reader encodes while parsing, in order of first appearance
    kind = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(use_threads=True, block_size=1 << 21),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(required),
                column_types={c: kind for c in required},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except pa.ArrowInvalid as exc:
        msg = _first_line(exc)
        if "utf8" in msg.lower() or "utf-8" in msg.lower():
            line = _first_bad_utf8_line(path)
            where = f" (line {line})" if line else ""
            raise AggregateError(f"{path}: not UTF-8 text{where}") from None
        raise AggregateError(f"{path}: malformed CSV: {msg}") from None
    if table.num_rows == 0:
        raise AggregateError(f"{path}: no data rows after the header")
    table = table.unify_dictionaries()
    table = pa.table([table.column(c).combine_chunks() for c in required], names=list(required))
    for name in required:
        col = table.column(name).chunk(0)
        # Vectorised look-ups only: a Python scalar here (pc.index) would import pandas (0.3 s).
        empty = np.flatnonzero(np.diff(string_offsets(col.dictionary)) == 0)
        if empty.size:
            indices = as_numpy(col.indices)
            row = int(np.flatnonzero(indices == empty[0])[0])
            context = ""
            if name != "task" and "task" in required:
                context = f" for task {table.column('task')[row].as_py()!r}"
            problem = "task with no label" if name == "label" else f"empty {name}"
            raise AggregateError(f"{path}: line {_line_of_row(path, row)}: {problem}{context}")
    return table


_NUMPY_TYPES = {
    "int8": np.int8,
    "int16": np.int16,
    "int32": np.int32,
    "int64": np.int64,
    "float": np.float32,
    "double": np.float64,
}


def as_numpy(array: Any) -> npt.NDArray[Any]:
    """A zero-copy NumPy view of a null-free numeric Arrow array.

    PyArrow's own conversions (`to_numpy`, `pa.array`) import pandas on first use, which costs
    a third of a second of start-up; going through the buffers does not.
    """
    dtype = np.dtype(_NUMPY_TYPES[str(array.type)])
    data = array.buffers()[1]
    return np.frombuffer(data, dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)


def string_offsets(array: Any) -> npt.NDArray[np.int32]:
    """The ``len(array) + 1`` value offsets of a string Arrow array (a NumPy view)."""
    return np.frombuffer(
        array.buffers()[1], dtype=np.int32, count=len(array) + 1, offset=array.offset * 4
    )


def from_numpy(values: npt.NDArray[Any]) -> Any:
    """An Arrow array over a NumPy array's memory (see `as_numpy` for why not `pa.array`)."""
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    kind = next(name for name, t in _NUMPY_TYPES.items() if np.dtype(t) == values.dtype)
    arrow_type = {"float": pa.float32(), "double": pa.float64()}.get(kind) or getattr(pa, kind)()
    return pa.Array.from_buffers(arrow_type, len(values), [None, pa.py_buffer(values)])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _codes(column: Any) -> tuple[npt.NDArray[np.int64], Any]:
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column if pa.types.is_dictionary(column.type) else column.dictionary_encode()
    codes = as_numpy(encoded.indices).astype(np.int64)
    return codes, encoded.dictionary


# ----------------------------------------------------------------------------- writing


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """Yield a temporary path next to ``dest``; rename it to ``dest`` only on success."""
    parent = dest.parent if str(dest.parent) else Path(".")
    if not parent.is_dir():
        raise AggregateError(f"{dest}: directory {parent} does not exist")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise AggregateError(f"{dest}: cannot write: {exc.strerror}") from None
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


_SPECIAL = (b",", b'"', b"\r", b"\n")


def _needs_quotes(table: Any) -> bool:
    """Whether a column name or string value holds a comma, quote or line break."""
    import pyarrow as pa

    for name in table.column_names:
        if any(ch.decode() in name for ch in _SPECIAL):
            return True
        col = table.column(name)
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
        if pa.types.is_dictionary(col.type):
            col = col.dictionary
        data = col.buffers()[2] if pa.types.is_string(col.type) else None
        if data is not None and len(col):
            offsets = string_offsets(col)
            text = memoryview(data)[offsets[0] : offsets[-1]].tobytes()
            if any(ch in text for ch in _SPECIAL):
                return True
    return False


def write_csv(table: Any, dest: Path) -> None:
    """Write ``table`` as CSV, quoting only if some value needs it (atomically)."""
    import pyarrow.csv as pacsv

    quote = _needs_quotes(table)
    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(table.column_names)
    with atomic_path(dest) as tmp, tmp.open("wb") as fh:
        fh.write(header.getvalue().encode("utf-8"))
        pacsv.write_csv(
            table,
            fh,
            write_options=pacsv.WriteOptions(
                include_header=False, quoting_style="needed" if quote else "none"
            ),
        )


# ----------------------------------------------------------------------------- progress


class Progress:
    """A Rich progress bar on stderr, shown only on a terminal and only once a run is slow."""

    def __init__(self, delay: float = 0.75) -> None:
        self.enabled = sys.stderr.isatty()
        self.start = time.perf_counter()
        self.delay = delay
        self._bar: Any = None
        self._task: Any = None
        self.stage = "reading"

    def set_stage(self, stage: str) -> None:
        self.stage = stage
        if self._bar is not None:
            self._bar.update(self._task, description=stage)

    def __call__(self, step: int, total: int) -> None:
        if not self.enabled:
            return
        if self._bar is None:
            if time.perf_counter() - self.start < self.delay:
                return
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

            self._bar = Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.stage, total=total)
        self._bar.update(self._task, completed=step, total=total)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# ----------------------------------------------------------------------------- running


def _fit(
    method: str, w: Any, t: Any, a: Any, sizes: dict[str, Any], seed: int, progress: Progress
) -> Any:
    if method == "mv":
        from labelpool.aggregation.categorical import majority_vote

        return majority_vote(w, t, a, **sizes)
    if method == "wawa":
        from labelpool.aggregation.categorical import wawa

        return wawa(w, t, a, **sizes)
    if method == "ds":
        from labelpool.aggregation.dawid_skene import dawid_skene

        return dawid_skene(w, t, a, progress=progress, **sizes)
    if method == "one-coin-ds":
        from labelpool.aggregation.dawid_skene import one_coin_dawid_skene

        return one_coin_dawid_skene(w, t, a, progress=progress, **sizes)
    if method == "glad":
        from labelpool.aggregation.glad import glad

        return glad(w, t, a, progress=progress, **sizes)
    if method == "mace":
        from labelpool.aggregation.mace import mace

        return mace(w, t, a, seed=seed, progress=progress, **sizes)
    raise AggregateError(f"unknown method {method!r}")


def _workers_table(result: Any, method: str, worker_names: Any, classes: list[str], w: Any) -> Any:
    import pyarrow as pa

    n_w = len(worker_names)
    columns: dict[str, Any] = {
        "worker": worker_names,
        "answers": from_numpy(np.bincount(w, minlength=n_w).astype(np.int64)),
        "skill": from_numpy(np.round(result.skills, 6)),
    }
    if method == "glad":
        columns["alpha"] = from_numpy(np.round(result.extra["alpha"], 6))
    if result.confusion is not None and method == "ds":
        for i, true in enumerate(classes):
            for j, ans in enumerate(classes):
                columns[f"p({ans}|{true})"] = from_numpy(np.round(result.confusion[:, i, j], 6))
    return pa.table(columns)


def _accuracy(gold_path: Path, task_names: Any, labels: Any) -> list[str]:
    import pyarrow as pa
    import pyarrow.compute as pc

    gold = read_table(gold_path, GOLD_REQUIRED, "gold")
    gold = pa.table({c: gold.column(c).cast(pa.string()) for c in GOLD_REQUIRED})
    labels = labels.cast(pa.string())
    # A look-up rather than a table join: joins load pyarrow.dataset, which imports pandas.
    positions = pc.index_in(gold.column("task"), value_set=task_names.cast(pa.string()))
    predicted = labels.take(positions)
    n_gold = gold.num_rows
    n = n_gold - positions.null_count
    if n == 0:
        return [f"gold: none of the {n_gold} gold tasks has labels; accuracy not computed"]
    hits = int(pc.sum(pc.equal(gold.column("label"), predicted)).as_py() or 0)
    line = f"accuracy: {hits / n:.4f} ({hits}/{n} gold tasks)"
    if n < n_gold:
        line += f"; {n_gold - n} gold tasks have no labels and were skipped"
    return [line]


def run(
    labels: Path,
    *,
    method: str,
    out: Path,
    gold: Path | None = None,
    workers_out: Path | None = None,
    seed: int = 0,
    echo: Callable[[str], None] | None = None,
) -> list[str]:
    """Run the command; returns the lines to print on stdout."""
    import pyarrow as pa

    progress = Progress()
    try:
        started = time.perf_counter()
        table = read_table(labels, REQUIRED, "labels")
        w, worker_names = _codes(table.column("worker"))
        t, task_names = _codes(table.column("task"))
        a, class_names = _codes(table.column("label"))
        sizes: dict[str, Any] = {
            "n_contributors": len(worker_names),
            "n_items": len(task_names),
            "n_classes": len(class_names),
        }
        progress.set_stage(method)
        result = _fit(method, w, t, a, sizes, seed, progress)
        progress.set_stage("writing")
        # every task here has answers, so every label code is valid (>= 0)
        label_col = pa.DictionaryArray.from_arrays(
            from_numpy(result.labels.astype(np.int32)), class_names
        )
        conf = np.round(result.confidence, 6)
        write_csv(
            pa.table({"task": task_names, "label": label_col, "confidence": from_numpy(conf)}),
            out,
        )
        if workers_out is not None:
            classes = [str(c) for c in class_names.to_pylist()]
            write_csv(_workers_table(result, method, worker_names, classes, w), workers_out)
        elapsed = time.perf_counter() - started
        report = [
            f"{method}: {len(t):,} labels, {len(task_names):,} tasks, {len(worker_names):,} "
            f"workers, {len(class_names)} classes -> {out} ({elapsed:.2f} s)"
        ]
        if gold is not None:
            report += _accuracy(gold, task_names, label_col)
        return report
    finally:
        progress.close()
