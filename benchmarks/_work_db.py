"""The work benchmark's database side: building the pool and projects, the invariants by SQL,
and CPU time of the server's processes (see `bench_work.py`)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, and_, func, or_, select, text

from labelpool.projects.models import Item
from labelpool.work.models import Assignment, AssignmentStatus, Response

ADMIN_EMAIL = "bench-admin@example.org"
ORGANIZATION = "Bench"
COUNTED = (AssignmentStatus.LIVE, AssignmentStatus.SUBMITTED)
SQLITE_TIME_FORMAT = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a DateTime on SQLite
COLUMNS = (
    "email",
    "name",
    "country",
    "languages",
    "skills",
    "devices",
    "weekly_hours",
    "time_zone",
)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cli(env: dict[str, str], *args: str) -> str:
    """Run `labelpool ARGS` in a child process; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "labelpool.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"labelpool {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def contributor_email(n: int) -> str:
    return f"bench-c{n:03d}@example.org"


def build_pool(env: dict[str, str], folder: Path, contributors: int) -> None:
    """Migrate, create the admin, and import + activate the contributors with
    `labelpool contributors import --activate` (issue 21, point 12)."""
    cli(env, "db", "upgrade")
    cli(
        env,
        "users",
        "create",
        ADMIN_EMAIL,
        "--role",
        "admin",
        "--password",
        "bench password 1",
        "--organization",
        ORGANIZATION,
    )
    path = folder / "pool.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(contributors):
            writer.writerow(
                [
                    contributor_email(n),
                    f"Bench Contributor {n}",
                    "KE",
                    "en:native;sw:fluent",
                    "",
                    "laptop:linux",
                    "20",
                    "Africa/Nairobi",
                ]
            )
    cli(env, "contributors", "import", str(path), "--activate", "--reason", "Work benchmark pool.")


def tokens(engine: Engine, contributors: int) -> list[str]:
    """A write-scoped API token per contributor, in pool order."""
    from labelpool.accounts import service as accounts
    from labelpool.accounts.models import User
    from labelpool.accounts.roles import Scope
    from labelpool.db.engine import make_session_factory, transaction

    found: list[str] = []
    with transaction(make_session_factory(engine)) as db:
        for n in range(contributors):
            user = db.scalars(select(User).where(User.email == contributor_email(n))).one()
            secret, _ = accounts.create_api_token(db, user, "bench", Scope.WRITE)
            found.append(secret)
    return found


def bulk_items(conn: Connection, project_id: int, n: int) -> None:
    """Insert n plain text items in one statement (no importer: see `make_project`)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "INSERT INTO items (project_id, data, is_gold, taken, filled, withdrawn, "
                "created_at) SELECT :p, jsonb_build_object('text', 'bench review ' || g), "
                "false, 0, false, false, now() FROM generate_series(1, :n) AS g"
            ),
            {"p": project_id, "n": n},
        )
    else:
        now = datetime.now(UTC).replace(tzinfo=None).strftime(SQLITE_TIME_FORMAT)
        conn.execute(
            text(
                "INSERT INTO items (project_id, data, is_gold, taken, filled, withdrawn, "
                "created_at) WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s "
                "WHERE g < :n) SELECT :p, json_object('text', 'bench review ' || g), "
                "0, 0, 0, 0, :now FROM s"
            ),
            {"p": project_id, "n": n, "now": now},
        )


def make_project(engine: Engine, name: str, items: int, overlap: int) -> int:
    """A text-sentiment project of `items` bulk-inserted items (SQL, not the importer: 1M rows
    through `labelpool import` take minutes), its counters set as an import sets them, then
    activated. Returns its id."""
    from labelpool.accounts.models import User
    from labelpool.db.engine import make_session_factory, transaction
    from labelpool.projects import service as projects
    from labelpool.projects.models import Project, ProjectStatus

    with transaction(make_session_factory(engine)) as db:
        admin = db.scalars(select(User).where(User.email == ADMIN_EMAIL)).one()
        org_id = db.scalar(
            text("SELECT id FROM organizations WHERE name = :n"), {"n": ORGANIZATION}
        )
        project = projects.create_project(
            db, admin, int(org_id), name=name, template_key="text-sentiment", overlap=overlap
        )
        project.lease_seconds = 600
        db.flush()
        bulk_items(db.connection(), project.id, items)
        project.item_count = items
        project.gold_count = 0
        projects.change_status(db, admin, project, ProjectStatus.ACTIVE)
        project_id = project.id
    with engine.connect() as conn:  # fresh statistics, as a real import's autovacuum would
        conn.execute(text("ANALYZE items" if engine.dialect.name == "postgresql" else "ANALYZE"))
        conn.commit()
    with transaction(make_session_factory(engine)) as db:
        stored = db.get(Project, project_id)
        assert stored is not None and stored.status == ProjectStatus.ACTIVE
    return project_id


@dataclass
class Invariants:
    """What the SQL checks found on one project (every figure must be 0)."""

    over_overlap: int  # items with more live + submitted assignments than the overlap
    over_overlap_responses: int  # items with more counted responses than the overlap
    same_contributor_twice: int  # (item, contributor) pairs assigned or answered twice
    counters_wrong: int  # items whose taken / filled disagree with their assignments
    acked_not_stored: int  # acknowledged answers not stored as counted responses
    stored_not_acked: int  # counted responses no client was told about

    @property
    def ok(self) -> bool:
        return not any(vars(self).values())

    def problems(self) -> str:
        return ", ".join(f"{k} {v}" for k, v in vars(self).items() if v) or "none"


def check_invariants(
    conn: Connection, project_id: int, overlap: int, acked: set[int]
) -> Invariants:
    """The pool's invariants on the project, by SQL, after a run (`acked`: every response id
    the clients were answered 201 for, on this project, over all its runs)."""
    counted = and_(Assignment.project_id == project_id, Assignment.status.in_(COUNTED))
    per_item = (
        select(Assignment.item_id, func.count().label("n"))
        .where(counted)
        .group_by(Assignment.item_id)
        .subquery()
    )
    over = conn.scalar(select(func.count()).select_from(per_item).where(per_item.c.n > overlap))
    responses = (
        select(Response.item_id, func.count().label("n"))
        .where(Response.project_id == project_id, Response.counted.is_(True))
        .group_by(Response.item_id)
        .subquery()
    )
    over_responses = conn.scalar(
        select(func.count()).select_from(responses).where(responses.c.n > overlap)
    )
    twice_assigned = (
        select(Assignment.item_id, Assignment.user_id)
        .where(Assignment.project_id == project_id)
        .group_by(Assignment.item_id, Assignment.user_id)
        .having(func.count() > 1)
        .subquery()
    )
    twice_answered = (
        select(Response.item_id, Response.user_id)
        .where(Response.project_id == project_id)
        .group_by(Response.item_id, Response.user_id)
        .having(func.count() > 1)
        .subquery()
    )
    twice = (conn.scalar(select(func.count()).select_from(twice_assigned)) or 0) + (
        conn.scalar(select(func.count()).select_from(twice_answered)) or 0
    )
    # Only items a run touched (or whose counter says so): the 1M-item project stays cheap.
    touched = select(Assignment.item_id).where(Assignment.project_id == project_id)
    live_count = (
        select(func.count())
        .where(Assignment.item_id == Item.id, Assignment.status.in_(COUNTED))
        .correlate(Item)
        .scalar_subquery()
    )
    wrong = conn.scalar(
        select(func.count())
        .select_from(Item)
        .where(
            Item.project_id == project_id,
            or_(Item.taken != 0, Item.filled.is_(True), Item.id.in_(touched)),
            or_(Item.taken != live_count, Item.filled != (live_count >= overlap)),
        )
    )
    stored = set(
        conn.scalars(
            select(Response.id).where(Response.project_id == project_id, Response.counted.is_(True))
        )
    )
    return Invariants(
        over_overlap=over or 0,
        over_overlap_responses=over_responses or 0,
        same_contributor_twice=twice,
        counters_wrong=wrong or 0,
        acked_not_stored=len(acked - stored),
        stored_not_acked=len(stored - acked),
    )


# --- CPU time of processes (/proc) ---------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found.extend(int(c) for c in handle.read().split())
    except OSError:
        pass
    return found


def process_tree(root: int) -> list[int]:
    """The pid and all its descendants (uvicorn's workers are children of `labelpool serve`)."""
    seen, todo = [], [root]
    while todo:
        pid = todo.pop()
        seen.append(pid)
        todo.extend(_children(pid))
    return seen


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """utime + stime of each live process, in seconds."""
    found = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15
    return found


def cpu_delta(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU spent between two readings (a process new since `before` counts from 0)."""
    return sum(t - before.get(pid, 0.0) for pid, t in after.items())


def postgres_backends(conn: Connection, database: str) -> list[int]:
    """The pids of the PostgreSQL backends connected to `database`."""
    return list(
        conn.scalars(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
            {"d": database},
        )
    )
