"""What several benchmarks share: a throwaway PostgreSQL database and a timed child process."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time

POSTGRES = os.environ.get(
    "LABELPOOL_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def postgres_database(prefix: str = "labelpool_bench") -> str | None:
    """A new, empty database on the PostgreSQL server (its URL), or None when there is none."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{os.getpid()}_{time.monotonic_ns()}"
    engine = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        print(f"PostgreSQL not available ({str(exc).splitlines()[0]}); skipping it.")
        return None
    finally:
        engine.dispose()
    return make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)


def drop_postgres(url: str) -> None:
    """Drop the database `postgres_database` made (connections to it are ended)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    engine.dispose()


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, float, str]:
    """Run a command; return (wall s, CPU s, peak RSS MB, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    code = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stderr.write(p.stderr[-2000:])\n"
        "print(p.stdout.strip())\n"
        "r = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(f'@@{r.ru_maxrss}')\n"
        "sys.exit(p.returncode)\n"
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    lines = done.stdout.strip().splitlines()
    peak_mb = int(lines[-1].removeprefix("@@")) / 1024
    return wall, cpu, peak_mb, "\n".join(lines[:-1])
