"""Where a claim + submit pair spends its CPU: the app driven in-process (no server, no sockets).

Builds a SQLite (or, with `--postgresql`, a PostgreSQL) database as `bench_work` does, then
runs one contributor's claim + submit loop straight through the ASGI app and prints CPU ms per
pair, SQL statements per call, and (with `--profile N`) the top N functions by cumulative time.
A tool for making the work loop cheaper, not part of `make bench`:

    python -m benchmarks.profile_work [--pairs 300] [--profile 40] [--postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event

from benchmarks import _work_db as wdb
from benchmarks._common import drop_postgres, postgres_database


async def _call(
    app: Any, method: str, path: str, headers: dict[str, str], body: bytes
) -> tuple[int, bytes]:
    """One request through the ASGI app, as uvicorn would send it."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def _pairs(app: Any, token: str, project_id: int, n: int) -> None:
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    for _ in range(n):
        status, data = await _call(
            app, "POST", f"/api/v1/projects/{project_id}/assignments", auth, b""
        )
        assert status in (200, 201), (status, data[:300])
        claimed = orjson.loads(data)
        body = orjson.dumps({"answers": {"sentiment": "positive"}, "active_seconds": 5})
        headers = {**auth, "Idempotency-Key": uuid.uuid4().hex}
        status, data = await _call(
            app, "POST", f"/api/v1/assignments/{claimed['id']}/response", headers, body
        )
        assert status in (200, 201), (status, data[:300])


def _count_statements(engine: Engine) -> Counter[str]:
    counted: Counter[str] = Counter()

    @event.listens_for(engine, "before_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        counted[statement.split(None, 1)[0].upper()] += 1

    return counted


def _print_statements(engine: Engine) -> Any:
    def _print(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        print(" ".join(statement.split())[:400])

    event.listen(engine, "before_cursor_execute", _print)
    return _print


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=300)
    parser.add_argument("--items", type=int, default=20000)
    parser.add_argument(
        "--profile", type=int, default=0, help="print the top N functions (needs yappi)"
    )
    parser.add_argument("--postgresql", action="store_true")
    parser.add_argument("--sql", action="store_true", help="print one pair's statements")
    args = parser.parse_args()
    if args.profile:
        import yappi  # a profiler of every thread: the endpoints run in worker threads

    folder = Path(tempfile.mkdtemp(prefix="lp-profile-work-"))
    url = (
        postgres_database("lp_profile_work")
        if args.postgresql
        else f"sqlite:///{folder / 'db.sqlite3'}"
    )
    os.environ.update(
        {
            "LABELPOOL_DATA_DIR": str(folder),
            "LABELPOOL_DATABASE_URL": url,
            "LABELPOOL_JOBS_IN_PROCESS": "false",
        }
    )
    env = dict(os.environ)
    try:
        wdb.build_pool(env, folder, 2)
        from labelpool.app import create_app
        from labelpool.config import Settings

        settings = Settings()
        engine = create_engine(settings.sqlalchemy_url)
        project_id = wdb.make_project(engine, "Profile", args.items, 1)
        token = wdb.tokens(engine, 1)[0]
        engine.dispose()
        app = create_app(settings)
        counted = _count_statements(app.state.engine)
        asyncio.run(_pairs(app, token, project_id, 20))  # warm caches and the pool
        if args.sql:
            shown = _print_statements(app.state.engine)
            asyncio.run(_pairs(app, token, project_id, 1))
            event.remove(app.state.engine, "before_cursor_execute", shown)
        counted.clear()
        if args.profile:
            yappi.set_clock_type("cpu")
            yappi.start()
        cpu, wall = time.process_time(), time.perf_counter()
        asyncio.run(_pairs(app, token, project_id, args.pairs))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if args.profile:
            yappi.stop()
        print(
            f"{args.pairs} pairs: {cpu / args.pairs * 1000:.2f} ms CPU, "
            f"{wall / args.pairs * 1000:.2f} ms wall per pair"
            + (" (profiled: inflated)" if args.profile else "")
        )
        total = sum(counted.values())
        print(
            f"SQL per pair: {total / args.pairs:.1f} "
            + ", ".join(f"{k} {v / args.pairs:.1f}" for k, v in counted.most_common())
        )
        if args.profile:
            stats = yappi.get_func_stats()
            stats.sort("ttot", "desc")
            for row in list(stats)[: args.profile]:
                where = f"{row.module.split('site-packages/')[-1].split('/src/')[-1]}:{row.lineno}"
                print(
                    f"{row.ttot / args.pairs * 1000:8.3f} ms {row.tsub / args.pairs * 1000:8.3f}"
                    f" ms {row.ncall / args.pairs:7.1f}x  {row.name}  {where}"
                )
        app.state.engine.dispose()
    finally:
        if args.postgresql:
            drop_postgres(url)


if __name__ == "__main__":
    main()
