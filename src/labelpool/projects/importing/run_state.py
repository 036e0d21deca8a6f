"""An import run's row as its attempt writes it: owned transactions (Superseded once another
attempt took the run over), progress, the switch to writing, success and failure, the stored
upload."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from labelpool.config import Settings
from labelpool.db.engine import transaction
from labelpool.db.types import utcnow
from labelpool.projects.importing.rows import RowError
from labelpool.projects.importing.service import (
    Tally,
    record_finished,
    success_message,
)
from labelpool.projects.models import (
    ImportRun,
    ImportStage,
    ImportStatus,
    Item,
    Prediction,
    Project,
)

IMPORTS_DIR = "imports"


def upload_folder(settings: Settings, run_id: int) -> Path:
    """Where a queued run's upload is kept until the run finishes."""
    return settings.resolved_data_dir / IMPORTS_DIR / str(run_id)


class Superseded(Exception):
    """The run is no longer this attempt's (finished, or taken over by a newer attempt)."""


@dataclass
class Claim:
    """What one attempt knows of its run (read when it claimed it)."""

    run_id: int
    attempt: int
    project_id: int
    fmt: str
    skip_invalid: bool
    path: Path
    stage: ImportStage
    rows_read: int
    written_through: int
    rows_imported: int
    gold_imported: int


@contextmanager
def owned(sessions: sessionmaker[Session], claim: Claim) -> Iterator[Session]:
    """A write transaction holding the run's lock; Superseded unless this attempt still runs
    it."""
    with transaction(sessions, write=True) as db:
        found = db.execute(
            select(ImportRun.attempts, ImportRun.status)
            .where(ImportRun.id == claim.run_id)
            .with_for_update()
        ).one_or_none()
        if found is None or found.attempts != claim.attempt or found.status != ImportStatus.RUNNING:
            raise Superseded
        yield db


def run_and_project(db: Session, claim: Claim) -> tuple[ImportRun, Project]:
    return db.get_one(ImportRun, claim.run_id), db.get_one(Project, claim.project_id)


def set_run(db: Session, claim: Claim, **values: Any) -> None:
    """Update the run's row (in the caller's transaction)."""
    db.execute(update(ImportRun).where(ImportRun.id == claim.run_id).values(**values))


def save_progress(
    sessions: sessionmaker[Session], claim: Claim, tally: Tally, bytes_read: int
) -> None:
    with owned(sessions, claim) as db:
        set_run(db, claim, rows_read=tally.read, rows_invalid=tally.invalid, bytes_read=bytes_read)


def start_writing(sessions: sessionmaker[Session], claim: Claim, tally: Tally) -> None:
    """Checking passed: keep its counts and problems, and start writing from the top."""
    with owned(sessions, claim) as db:
        set_run(
            db,
            claim,
            stage=ImportStage.WRITING,
            rows_read=tally.read,
            rows_invalid=tally.invalid,
            errors=[e.as_dict() for e in tally.errors],
            bytes_read=0,
        )


def succeed(
    sessions: sessionmaker[Session], settings: Settings, claim: Claim, written: Tally
) -> ImportRun:
    with owned(sessions, claim) as db:
        run, project = run_and_project(db, claim)
        run.status = ImportStatus.SUCCEEDED
        run.stage = None
        run.rows_imported = written.imported
        run.gold_imported = written.gold
        run.rows_invalid = run.rows_read - written.imported  # each row read is one or the other
        run.bytes_read = run.bytes_total or run.bytes_read
        run.message = success_message(
            Tally(read=run.rows_read, invalid=run.rows_invalid, imported=written.imported)
        )
        run.finished_at = utcnow()
        db.execute(
            update(Project)
            .where(Project.id == project.id)
            .values(
                item_count=Project.item_count + written.imported,
                gold_count=Project.gold_count + written.gold,
            )
        )
        record_finished(db, project, run, run.created_by)
    remove_upload(settings, run)
    return run


def fail_owned(
    sessions: sessionmaker[Session],
    settings: Settings,
    claim: Claim,
    message: str,
    errors: list[Any],
    checked: Tally | None = None,
) -> ImportRun:
    with owned(sessions, claim) as db:
        run, project = run_and_project(db, claim)
        if checked is not None:
            run.rows_read, run.rows_invalid = checked.read, checked.invalid
        fail_in(db, project, run, message, errors)
    remove_upload(settings, run)
    return run


def fail_in(db: Session, project: Project, run: ImportRun, message: str, errors: list[Any]) -> None:
    """Mark the run failed and delete what it wrote, in the caller's transaction."""
    if run.written_through or run.rows_imported:
        written = select(Item.id).where(
            Item.project_id == run.project_id, Item.import_run_id == run.id
        )
        db.execute(delete(Prediction).where(Prediction.item_id.in_(written)))
        db.execute(
            delete(Item).where(Item.project_id == run.project_id, Item.import_run_id == run.id)
        )
    run.status = ImportStatus.FAILED
    run.stage = None
    run.rows_imported = run.gold_imported = run.written_through = 0
    run.message = message
    run.errors = [e.as_dict() if isinstance(e, RowError) else e for e in errors]
    run.finished_at = utcnow()
    record_finished(db, project, run, run.created_by)


def note(sessions: sessionmaker[Session], claim: Claim, message: str) -> None:
    """Say on the run why it stopped (best effort: the database may be what failed)."""
    try:
        with owned(sessions, claim) as db:
            set_run(db, claim, message=message)
    except Exception:  # the original error is what gets reported
        pass


def upload_path(settings: Settings, run: ImportRun) -> Path:
    return upload_folder(settings, run.id) / (run.upload_name or "upload")


def remove_upload(settings: Settings, run: ImportRun) -> None:
    if run.upload_name is not None:
        shutil.rmtree(upload_folder(settings, run.id), ignore_errors=True)
