"""Import 1,000,000 JSONL items with `labelpool import`, beside a bare executemany/COPY.

Prints wall time, CPU time, peak memory and items/s for labelpool's whole command (validation
and all) and for the bare insert of the same rows, on SQLite and on PostgreSQL.
Set LABELPOOL_BENCH_ITEMS to change the size.
"""

from __future__ import annotations

import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

from benchmarks._common import drop_postgres, postgres_database, run_child

CACHE = Path(__file__).parent / ".cache"
N = int(os.environ.get("LABELPOOL_BENCH_ITEMS", "1000000"))
WORDS = [
    "the",
    "battery",
    "lasts",
    "all",
    "day",
    "but",
    "the",
    "screen",
    "scratches",
    "easily",
    "and",
    "support",
    "never",
    "answered",
    "my",
    "emails",
    "great",
    "value",
    "for",
    "money",
    "would",
    "buy",
    "again",
    "terrible",
    "packaging",
    "arrived",
    "late",
]


def make_file(n: int) -> Path:
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"items-{n}.jsonl"
    if path.exists():
        return path
    rng = random.Random(7)
    with path.open("w") as handle:
        for i in range(n):
            text = " ".join(rng.choices(WORDS, k=rng.randint(8, 20)))
            row = {"id": f"r{i}", "text": text, "stars": rng.randint(1, 5)}
            handle.write(json.dumps(row) + "\n")
    return path


def prepare(env: dict[str, str]) -> int:
    """Migrate, create an admin, an organization and a text-sentiment project; return its id."""
    cli = [sys.executable, "-m", "labelpool.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [
            *cli,
            "users",
            "create",
            "bench@example.org",
            "--role",
            "admin",
            "--password",
            "bench password 1",
            "--organization",
            "Bench",
        ],
        env=env,
        check=True,
        capture_output=True,
    )
    out = subprocess.run(
        [
            *cli,
            "projects",
            "create",
            "Bench",
            "--template",
            "text-sentiment",
            "--organization",
            "Bench",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip())  # `projects create` prints the new id alone


def bare_sqlite(path: Path, db_path: Path) -> tuple[float, float]:
    """The peer: parse with the same JSON library, executemany into a bare table, no checks."""
    start, cpu0 = time.perf_counter(), time.process_time()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute(
        "CREATE TABLE bare (id INTEGER PRIMARY KEY, project_id INT, position INT, "
        "external_id TEXT, data TEXT, created_at TEXT, UNIQUE(project_id, external_id))"
    )
    now = datetime.now(UTC).isoformat()
    with path.open() as handle:
        batch = []
        for i, line in enumerate(handle):
            row = orjson.loads(line)
            batch.append((1, i, row.pop("id"), orjson.dumps(row).decode(), now))
            if len(batch) == 5000:
                conn.executemany(
                    "INSERT INTO bare (project_id, position, external_id, data, created_at) "
                    "VALUES (?,?,?,?,?)",
                    batch,
                )
                batch = []
        if batch:
            conn.executemany(
                "INSERT INTO bare (project_id, position, external_id, data, created_at) "
                "VALUES (?,?,?,?,?)",
                batch,
            )
    conn.commit()
    conn.close()
    return time.perf_counter() - start, time.process_time() - cpu0


def bare_postgres(path: Path, url: str) -> tuple[float, float]:
    """The peer on PostgreSQL: parse, COPY into a bare table with the same indexes, no checks."""
    import psycopg
    from sqlalchemy.engine import make_url

    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    start, cpu0 = time.perf_counter(), time.process_time()
    with psycopg.connect(dsn) as conn, conn.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bare (id bigserial PRIMARY KEY, project_id int, external_id text, "
            "data jsonb, created_at timestamptz)"
        )
        cursor.execute("CREATE UNIQUE INDEX ON bare (project_id, external_id)")
        now = datetime.now(UTC)
        with (
            path.open("rb") as handle,
            cursor.copy("COPY bare (project_id, external_id, data, created_at) FROM STDIN") as copy,
        ):
            for line in handle:
                row = orjson.loads(line)
                copy.write_row((1, row.pop("id"), orjson.dumps(row).decode(), now))
    return time.perf_counter() - start, time.process_time() - cpu0


def report(label: str, wall: float, cpu: float, peak: float | None) -> None:
    memory = f"{peak:7.0f} MB peak" if peak is not None else "            "
    print(
        f"  {label:<34} {wall:6.2f} s wall {cpu:6.2f} s CPU  {memory}  "
        f"{N / wall:>10,.0f} items/s  {cpu / N * 1e6:5.2f} µs CPU/item"
    )


def main() -> None:
    source = make_file(N)
    print(f"{N:,} JSONL items, {source.stat().st_size / 2**20:.0f} MB")
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "LABELPOOL_DATA_DIR": folder}
        env.pop("LABELPOOL_DATABASE_URL", None)
        project = prepare(env)
        cli = [sys.executable, "-m", "labelpool.cli", "import", str(project), str(source)]
        wall, cpu, peak, out = run_child(cli, env)
        print("SQLite:")
        report("labelpool import (whole command)", wall, cpu, peak)
        bare_wall, bare_cpu = bare_sqlite(source, Path(folder) / "bare.sqlite3")
        report("bare executemany (no checks)", bare_wall, bare_cpu, None)
        print(f"  ratio labelpool / bare: {wall / bare_wall:.2f}x   ({out})")

    url = postgres_database()
    if url is None:
        return
    try:
        with tempfile.TemporaryDirectory() as folder:
            env = {**os.environ, "LABELPOOL_DATA_DIR": folder, "LABELPOOL_DATABASE_URL": url}
            project = prepare(env)
            cli = [sys.executable, "-m", "labelpool.cli", "import", str(project), str(source)]
            wall, cpu, peak, out = run_child(cli, env)
            print("PostgreSQL:")
            report("labelpool import (whole command)", wall, cpu, peak)
            bare_wall, bare_cpu = bare_postgres(source, url)
            report("bare COPY (no checks)", bare_wall, bare_cpu, None)
            print(f"  ratio labelpool / bare: {wall / bare_wall:.2f}x   ({out})")
    finally:
        drop_postgres(url)


if __name__ == "__main__":
    main()
