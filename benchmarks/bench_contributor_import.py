"""Bring a workforce over: `labelpool contributors import` of 10,000 CSV rows.

Prints wall time, CPU time, peak memory and the cost per row of the whole command (checking
and writing) on SQLite and on PostgreSQL, for a check-only run (`--dry-run`), an import that
leaves the contributors under review, and one with `--activate --reason ... --invite`.
Set LABELPOOL_BENCH_CONTRIBUTORS to change the size; LABELPOOL_BENCH_PROFILE=1 also writes a
cProfile of each import to benchmarks/.cache/ and prints its top 25 lines (cumulative time).
"""

from __future__ import annotations

import csv
import os
import pstats
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks._common import POSTGRES, drop_postgres, postgres_database, run_child

CACHE = Path(__file__).parent / ".cache"
N = int(os.environ.get("LABELPOOL_BENCH_CONTRIBUTORS", "10000"))
PROFILE = bool(os.environ.get("LABELPOOL_BENCH_PROFILE"))
PLACES = [
    ("BR", "pt", "America/Sao_Paulo"),
    ("DE", "de", "Europe/Berlin"),
    ("IN", "hi", "Asia/Kolkata"),
    ("KE", "sw", "Africa/Nairobi"),
    ("PH", "tl", "Asia/Manila"),
    ("US", "en", "America/New_York"),
    ("FR", "fr", "Europe/Paris"),
    ("JP", "ja", "Asia/Tokyo"),
]
SKILLS = ["grammar", "audio", "sentiment", "ocr", "translation.de", "medical"]
DEVICES = ["laptop:windows", "desktop:linux", "laptop:macos", "phone:android", "tablet:ipados"]
HEADER = ["email", "name", "country", "languages", "skills", "devices", "weekly_hours"]
HEADER.append("time_zone")
ADMIN_PASSWORD = ["--password", "bench password 1"]
REASON = "Brought over from our previous tool; vetted there."


def make_file(n: int) -> Path:
    """A CSV of `n` contributors who pass the review rules (a laptop or desktop each)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"contributors-{n}.csv"
    if path.exists():
        return path
    rng = random.Random(11)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(n):
            country, language, zone = rng.choice(PLACES)
            languages = f"{language}:native" + (";en:fluent" if language != "en" else "")
            skills = ";".join(f"{k}:{rng.randint(0, 100)}" for k in rng.sample(SKILLS, 2))
            devices = ";".join([rng.choice(DEVICES[:3]), *rng.sample(DEVICES[3:], 1)])
            writer.writerow(
                [
                    f"worker{i}@example.org",
                    f"Worker {i}",
                    country,
                    languages,
                    skills,
                    devices,
                    rng.randint(5, 40),
                    zone,
                ]
            )
    return path


def prepare(env: dict[str, str]) -> None:
    """Migrate and create the admin the import acts as."""
    cli = [sys.executable, "-m", "labelpool.cli"]
    subprocess.run([*cli, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run(
        [*cli, "users", "create", "bench@example.org", "--role", "admin", *ADMIN_PASSWORD],
        env=env,
        check=True,
        capture_output=True,
    )


def report(label: str, wall: float, cpu: float, peak: float) -> None:
    print(
        f"  {label:<34} {wall:7.2f} s wall {cpu:7.2f} s CPU {peak:6.0f} MB peak  "
        f"{N / wall:>8,.0f} rows/s  {wall / N * 1e3:6.2f} ms wall/row  "
        f"{cpu / N * 1e3:6.2f} ms CPU/row"
    )


RUNS = [
    ("check only (--dry-run)", ["--dry-run", "--activate", "--reason", REASON]),
    ("import (under review)", []),
    ("import --activate --invite", ["--activate", "--reason", REASON, "--invite"]),
]


def bench(backend: str, source: Path, url: str | None) -> None:
    """Each run on a fresh database of `backend` (`url` None: a SQLite file)."""
    print(f"{backend}:")
    for label, options in RUNS:
        fresh = url
        if backend == "PostgreSQL":
            fresh = postgres_database()
            if fresh is None:
                return
        try:
            with tempfile.TemporaryDirectory() as folder:
                env = {**os.environ, "LABELPOOL_DATA_DIR": folder}
                env.pop("LABELPOOL_DATABASE_URL", None)
                if fresh is not None:
                    env["LABELPOOL_DATABASE_URL"] = fresh
                prepare(env)
                extra = (
                    ["--invites", str(Path(folder) / "invites.csv")]
                    if options[-1:] == ["--invite"]
                    else []
                )
                command = ["-m", "labelpool.cli", "contributors", "import", str(source)]
                profile = CACHE / f"contributors-{backend.lower()}-{len(options)}.prof"
                runner = ["-m", "cProfile", "-o", str(profile)] if PROFILE else []
                args = [sys.executable, *runner, *command, *options, *extra]
                wall, cpu, peak, out = run_child(args, env)
                report(label, wall, cpu, peak)
                print(f"    ({out.splitlines()[-1] if out else 'no output'})")
                if PROFILE:
                    pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(25)
        finally:
            if backend == "PostgreSQL" and fresh is not None:
                drop_postgres(fresh)


def main() -> None:
    source = make_file(N)
    print(f"{N:,} contributors in a CSV, {source.stat().st_size / 2**20:.1f} MB")
    bench("SQLite", source, None)
    bench("PostgreSQL", source, POSTGRES)


if __name__ == "__main__":
    main()
