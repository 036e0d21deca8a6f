"""Work benchmark (issue 21, point 11): contributors claiming and answering over HTTP.

A served app (`labelpool serve --workers N` on PostgreSQL, one worker on SQLite) and 1 to 64
clients, each an active contributor (64 imported with `labelpool contributors import
--activate`, one API token each) looping claim, then submit, on one keep-alive connection
(asyncio; see `_work_load.py`). Each cell runs a warm-up, then a fixed measured window, then
lets every client answer the item it holds, and checks the pool's invariants by SQL
(`_work_db.check_invariants`): no item over its overlap, no item twice to one contributor,
`taken`/`filled` agreeing with the assignments, and every acknowledged answer stored as a
counted response and nothing else.

Printed per cell: pairs (claim + submit) per second, p50/p99 per call, CPU ms per pair of the
app's processes (the `serve` process and its workers, /proc utime + stime), of the PostgreSQL
backends serving the bench database, and of the load generator itself; busy answers ("database
is locked" / 503) and other errors reaching a client. Then the targets and the peers measured on
these machines, and claim p50 on a 1,000-item project beside a 1,000,000-item one.

Items are bulk-inserted by SQL (not through `labelpool import`), with the project's counters set
as an import sets them. Figures are printed, never asserted. Other processes on the machine
(tests of other sessions) share its cores: the load average is printed per cell.

Environment (defaults in brackets):
  LABELPOOL_BENCH_WORK_DATABASES  postgresql,sqlite
  LABELPOOL_BENCH_WORK_ITEMS      project sizes for the full clients x overlaps matrix [100000]
  LABELPOOL_BENCH_WORK_CLIENTS    [1,8,32,64]
  LABELPOOL_BENCH_WORK_OVERLAPS   [1,3]
  LABELPOOL_BENCH_WORK_BIG        the big project, run at overlap 1 [1000000; 0: none]
  LABELPOOL_BENCH_WORK_BIG_CLIENTS  [1,32]
  LABELPOOL_BENCH_WORK_SMALL      the small project of the claim-p50 comparison [1000; 0: none]
  LABELPOOL_BENCH_WORK_SECONDS    measured seconds per cell [10]
  LABELPOOL_BENCH_WORK_WARMUP     warm-up seconds per cell [2]
  LABELPOOL_BENCH_WORK_WORKERS    `serve --workers` on PostgreSQL [the number of CPUs]
  LABELPOOL_BENCH_POSTGRES_URL    the server's maintenance database URL
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from benchmarks import _work_db as wdb
from benchmarks._common import drop_postgres, postgres_database
from benchmarks._work_load import Tally, contributor


def _ints(name: str, default: str) -> list[int]:
    return [int(v) for v in os.environ.get(name, default).split(",") if v.strip()]


DATABASES = [
    d.strip()
    for d in os.environ.get("LABELPOOL_BENCH_WORK_DATABASES", "postgresql,sqlite").split(",")
    if d.strip()
]
ITEMS = _ints("LABELPOOL_BENCH_WORK_ITEMS", "100000")
CLIENTS = _ints("LABELPOOL_BENCH_WORK_CLIENTS", "1,8,32,64")
OVERLAPS = _ints("LABELPOOL_BENCH_WORK_OVERLAPS", "1,3")
BIG = int(os.environ.get("LABELPOOL_BENCH_WORK_BIG", "1000000"))
BIG_CLIENTS = _ints("LABELPOOL_BENCH_WORK_BIG_CLIENTS", "1,32")
SMALL = int(os.environ.get("LABELPOOL_BENCH_WORK_SMALL", "1000"))
SECONDS = float(os.environ.get("LABELPOOL_BENCH_WORK_SECONDS", "10"))
WARMUP = float(os.environ.get("LABELPOOL_BENCH_WORK_WARMUP", "2"))
WORKERS = int(os.environ.get("LABELPOOL_BENCH_WORK_WORKERS", str(os.cpu_count() or 2)))
HOST = "127.0.0.1"
SERVE = [sys.executable, "-m", "labelpool.cli", "serve"]

PG_TARGET = (370.0, 100.0, 5.0)  # pairs/s at 32 clients, p99 ms, server CPU ms per pair
SQLITE_TARGET = 100.0  # pairs/s, with 0 duplicates and 0 "database is locked" to a client
PEERS = {
    "postgresql": "Label Studio 4.1 pairs/s at 32 clients (p99 12 s)",
    "sqlite": "Label Studio: 43 tasks annotated twice at overlap 1; Turkle 0.43 pairs/s",
}


@dataclass
class Cell:
    db: str
    items: int
    overlap: int
    clients: int
    project_id: int = 0
    max_pairs: int | None = None  # the small project stops early: it must not run dry


@dataclass
class Result:
    cell: Cell
    seconds: float
    pairs: int
    claim_p50: float
    claim_p99: float
    submit_p50: float
    submit_p99: float
    app_cpu: float  # seconds over the window
    db_cpu: float | None
    gen_cpu: float
    tally: Tally
    invariants: wdb.Invariants
    load: float

    @property
    def rate(self) -> float:
        return self.pairs / self.seconds if self.seconds else 0.0

    def per_pair(self, cpu: float | None) -> str:
        if cpu is None:
            return "-"
        return f"{cpu / self.pairs * 1000:.2f}" if self.pairs else "-"

    @property
    def p99(self) -> float:
        return max(self.claim_p99, self.submit_p99)

    @property
    def duplicates(self) -> int:
        inv = self.invariants
        return (
            inv.over_overlap
            + inv.over_overlap_responses
            + inv.same_contributor_twice
            + self.tally.items_twice
        )


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# --- the server ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(
    env: dict[str, str], workers: int, log: Path
) -> tuple[subprocess.Popen[bytes], int]:
    port = _free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*SERVE, "--host", HOST, "--port", str(port), "--workers", str(workers)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one below
        )
    deadline = time.monotonic() + 60
    answered = 0
    while answered < 4 * workers:  # several answers: every worker is up, most likely
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            raise SystemExit(f"labelpool serve did not start:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/v1/health", timeout=2):
                answered += 1
        except OSError:
            time.sleep(0.2)
    time.sleep(0.5)
    return process, port


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- one cell ------------------------------------------------------------------------------


def run_cell(
    cell: Cell,
    port: int,
    tokens: list[str],
    server_pid: int,
    engine: Engine,
    acked: set[int],
    database: str,
) -> Result:
    backends = engine if engine.dialect.name == "postgresql" else None
    load = os.getloadavg()[0]
    pair_ends: list[float] = []
    tally, start, end, app_cpu, db_cpu, gen_cpu = asyncio.run(
        _drive_cell(cell, port, tokens, server_pid, backends, database, pair_ends)
    )
    acked |= tally.acked
    with engine.connect() as conn:
        invariants = wdb.check_invariants(conn, cell.project_id, cell.overlap, acked)

    def window(calls: list[tuple[float, float]]) -> list[float]:
        return [d * 1000 for e, d in calls if start <= e <= end]

    claims, submits = window(tally.claims), window(tally.submits)
    return Result(
        cell=cell,
        seconds=end - start,
        pairs=sum(1 for e in pair_ends if start <= e <= end),
        claim_p50=_quantile(claims, 0.5),
        claim_p99=_quantile(claims, 0.99),
        submit_p50=_quantile(submits, 0.5),
        submit_p99=_quantile(submits, 0.99),
        app_cpu=app_cpu,
        db_cpu=db_cpu,
        gen_cpu=gen_cpu,
        tally=tally,
        invariants=invariants,
        load=load,
    )


async def _drive_cell(
    cell: Cell,
    port: int,
    tokens: list[str],
    server_pid: int,
    backends: Engine | None,
    database: str,
    pair_ends: list[float],
) -> tuple[Tally, float, float, float, float | None, float]:
    tally = Tally()
    stopping = False

    def stop() -> bool:
        return stopping

    def readings() -> tuple[dict[int, float], dict[int, float], float]:
        app = wdb.cpu_seconds(wdb.process_tree(server_pid))
        pg: dict[int, float] = {}
        if backends is not None:
            with backends.connect() as conn:
                pg = wdb.cpu_seconds(wdb.postgres_backends(conn, database))
        return app, pg, time.process_time()

    tasks = [
        asyncio.create_task(
            contributor(n, HOST, port, tokens[n], cell.project_id, tally, stop, pair_ends)
        )
        for n in range(cell.clients)
    ]
    await asyncio.sleep(WARMUP)
    app0, pg0, gen0 = readings()
    start = time.perf_counter()
    deadline = start + SECONDS
    while time.perf_counter() < deadline:
        if cell.max_pairs is not None and len(tally.acked) >= cell.max_pairs:
            break
        await asyncio.sleep(0.02)
    end = time.perf_counter()
    app1, pg1, gen1 = readings()
    stopping = True
    await asyncio.gather(*tasks)
    db_cpu = wdb.cpu_delta(pg0, pg1) if backends is not None else None
    return tally, start, end, wdb.cpu_delta(app0, app1), db_cpu, gen1 - gen0


# --- the matrix ----------------------------------------------------------------------------


def cells_for(db: str) -> list[Cell]:
    cells = []
    if SMALL and BIG:
        cells.append(Cell(db, SMALL, 1, 1, max_pairs=SMALL // 2))
    if BIG:
        cells.extend(Cell(db, BIG, 1, c) for c in BIG_CLIENTS)
    for items in ITEMS:
        for overlap in OVERLAPS:
            cells.extend(Cell(db, items, overlap, c) for c in CLIENTS)
    return cells


HEADER = (
    f"  {'db':<10} {'items':>9} {'ovl':>3} {'cli':>3} {'pairs/s':>8} "
    f"{'claim p50/p99 ms':>17} {'submit p50/p99 ms':>18} {'CPU ms/pair app':>15} "
    f"{'db':>5} {'gen':>5} {'busy':>4} {'5xx':>4} {'err':>4} {'load':>4}  invariants"
)


def print_row(r: Result) -> None:
    c, t = r.cell, r.tally
    ok = "OK" if r.invariants.ok and not t.items_twice else "FAILED: " + r.invariants.problems()
    if t.items_twice:
        ok += f", item twice to one client {t.items_twice}"
    print(
        f"  {c.db:<10} {c.items:>9,} {c.overlap:>3} {c.clients:>3} {r.rate:>8.1f} "
        f"{r.claim_p50:>8.1f}/{r.claim_p99:<8.1f} {r.submit_p50:>9.1f}/{r.submit_p99:<8.1f} "
        f"{r.per_pair(r.app_cpu):>15} {r.per_pair(r.db_cpu):>5} {r.per_pair(r.gen_cpu):>5} "
        f"{t.busy:>4} {t.server_errors:>4} {t.other_errors:>4} {r.load:>4.1f}  {ok}",
        flush=True,
    )
    for sample in t.samples:
        print(f"      e.g. {sample}")


def last_traceback(log: Path, lines: int = 12) -> str:
    """The end of the last traceback the server logged (the evidence behind its 5xx)."""
    try:
        text_ = log.read_text(errors="replace")
    except OSError:
        return ""
    at = text_.rfind("Traceback (most recent call last)")
    if at < 0:
        return ""
    block = text_[at:].splitlines()
    end = next((i for i, line in enumerate(block[1:], 1) if line and not line[0].isspace()), 0)
    return "\n".join(block[max(1, end - lines + 1) : end + 1])


def run_database(db: str, folder: Path) -> list[Result]:
    env = {**os.environ, "LABELPOOL_DATA_DIR": str(folder), "LABELPOOL_SECRET_KEY": "b" * 48}
    env.pop("LABELPOOL_DATABASE_URL", None)
    database = url = ""  # the bench database's name (its backends' CPU) and URL
    if db == "postgresql":
        url = postgres_database("labelpool_bench_work") or ""
        if not url:
            return []
        env["LABELPOOL_DATABASE_URL"] = url
        database = make_url(url).database or ""
    from labelpool.db.engine import make_engine

    results: list[Result] = []
    server: subprocess.Popen[bytes] | None = None
    engine: Engine | None = None
    try:
        contributors = max([*CLIENTS, *(BIG_CLIENTS if BIG else []), 1])
        started = time.perf_counter()
        wdb.build_pool(env, folder, contributors)
        url = env.get("LABELPOOL_DATABASE_URL") or f"sqlite:///{folder / 'labelpool.sqlite3'}"
        engine = make_engine(url)
        tokens = wdb.tokens(engine, contributors)
        print(
            f"{db}: {contributors} contributors imported and activated with `labelpool "
            f"contributors import --activate` ({time.perf_counter() - started:.1f} s)",
            flush=True,
        )
        cells = cells_for(db)
        projects: dict[tuple[int, int], int] = {}
        for cell in cells:
            key = (cell.items, cell.overlap)
            if key not in projects:
                started = time.perf_counter()
                projects[key] = wdb.make_project(
                    engine, f"Bench {cell.items} x{cell.overlap}", cell.items, cell.overlap
                )
                print(
                    f"  project {projects[key]}: {cell.items:,} items bulk-inserted by SQL, "
                    f"overlap {cell.overlap} ({time.perf_counter() - started:.1f} s)",
                    flush=True,
                )
            cell.project_id = projects[key]
        workers = WORKERS if db == "postgresql" else 1
        log = folder / f"serve-{db}.log"
        server, port = start_server(env, workers, log)
        print(
            f"  labelpool serve --workers {workers}; {WARMUP:g} s warm-up + {SECONDS:g} s "
            "measured per cell; CPU ms per pair of the app's processes, the database's "
            "backends (PostgreSQL) and the load generator",
            flush=True,
        )
        print(HEADER)
        acked: dict[int, set[int]] = {}
        for cell in cells:
            result = run_cell(
                cell,
                port,
                tokens,
                server.pid,
                engine,
                acked.setdefault(cell.project_id, set()),
                database,
            )
            print_row(result)
            if result.tally.server_errors:
                print("      the server's last traceback:")
                for line in last_traceback(log).splitlines():
                    print(f"      | {line}")
            results.append(result)
    finally:
        if server is not None:
            stop_server(server)
        if engine is not None:
            engine.dispose()
        if db == "postgresql" and url:
            drop_postgres(url)
    return results


# --- the verdicts --------------------------------------------------------------------------


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def summarize(results: list[Result]) -> None:
    print("\nTargets (issue 21.11) and peers measured on these machines:")
    for r in results:
        c = r.cell
        head = f"  {c.db} {c.items:,} items, overlap {c.overlap}, {c.clients} clients:"
        if c.db == "postgresql" and c.clients == 32:
            want_rate, want_p99, want_cpu = PG_TARGET
            cpu = r.app_cpu / r.pairs * 1000 if r.pairs else float("inf")
            met = r.rate >= want_rate and r.p99 < want_p99 and cpu <= want_cpu
            print(
                f"{head} {r.rate:.0f} pairs/s (>= {want_rate:.0f}), p99 {r.p99:.0f} ms "
                f"(< {want_p99:.0f}), app CPU {cpu:.2f} ms/pair (<= {want_cpu:g}): "
                f"{_verdict(met)}; peer: {PEERS['postgresql']}"
            )
        elif c.db == "sqlite" and c.clients > 1:
            met = r.rate >= SQLITE_TARGET and r.duplicates == 0 and r.tally.busy == 0
            print(
                f"{head} {r.rate:.0f} pairs/s (>= {SQLITE_TARGET:.0f}), duplicates "
                f"{r.duplicates} (0), database-locked answers {r.tally.busy} (0): "
                f"{_verdict(met)}; peer: {PEERS['sqlite']}"
            )
    for db in sorted({r.cell.db for r in results}):
        one = {r.cell.items: r for r in results if r.cell.db == db and r.cell.clients == 1}
        one = {k: v for k, v in one.items() if v.cell.overlap == 1}
        if SMALL in one and BIG in one:
            small, big = one[SMALL].claim_p50, one[BIG].claim_p50
            print(
                f"  {db}: claim p50 at 1 client, {SMALL:,} items {small:.2f} ms vs "
                f"{BIG:,} items {big:.2f} ms (x{big / small:.2f}): "
                f"{_verdict(big <= small * 1.25)} (the same within 25%)"
            )
    bad = [r for r in results if not r.invariants.ok or r.tally.items_twice]
    print(f"  invariants: {'all cells OK' if not bad else f'{len(bad)} cell(s) FAILED'}")


def main() -> None:
    print(
        f"cells: items {ITEMS} x overlaps {OVERLAPS} x clients {CLIENTS}"
        + (f"; {BIG:,} items at overlap 1 x clients {BIG_CLIENTS}" if BIG else "")
        + (
            f"; {SMALL:,} items at overlap 1, 1 client (claim p50 beside {BIG:,})"
            if SMALL and BIG
            else ""
        )
        + f"; databases {DATABASES}",
        flush=True,
    )
    results: list[Result] = []
    for db in DATABASES:
        with tempfile.TemporaryDirectory() as folder:
            results.extend(run_database(db, Path(folder)))
    summarize(results)


if __name__ == "__main__":
    main()
