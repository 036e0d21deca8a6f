"""Queued imports: an upload is stored, then imported by a job batch by batch, with progress.

`queue_upload` (the API and the page) refuses at once what needs no reading (a closed project,
an unknown format), stores the file as `<data dir>/imports/<run id>/<name>`, records the run as
queued and emits `import.queued`, whose job (`projects/jobs.py`) calls `run_import`. The CLI
calls `run_import` itself, on its own file, with a progress bar.

`run_import` works in short transactions of its own (from the session factory it is given):

1. *Claim*: the run becomes running and its `attempts` goes up by one.
2. *Check*: every row is read and checked (also against the database: ids already in the
   project, media of other organizations) and nothing is written, only progress. A file with
   any bad row therefore fails here having stored nothing, unless `skip_invalid`; so does a
   file that cannot be read. The counts and the problems found are kept on the run.
3. *Write*: the file is read again and each batch of `BATCH_SIZE` good rows is inserted and
   committed together with the run's progress and `written_through`, the last row of the
   file whose items are now stored. Items appear in the project batch by batch.
4. *Finish*: the run succeeds and the project's counts grow, in one transaction; the stored
   upload is deleted.

When it stops part-way:

* An error in the file found while checking fails the run; nothing was written.
* Any other error (the database went away, the disk filled up) leaves the run running and
  goes to the job runner, which retries with back-off; the retry resumes: checking starts
  again, writing continues after `written_through` (its rows are skipped, not stored twice).
* A process killed mid-import (kill -9, power cut) leaves the same state, and its job's lease
  runs out, so another runner retries it the same way.
* After `MAX_ATTEMPTS` tries the run fails and everything it wrote is deleted in the same
  transaction: a run ends either whole (succeeded) or failed with no items.
* Every batch first checks that the run is still this attempt's; an attempt that was taken
  over (its runner stalled past the lease) stops at its next batch without writing.

Media zips and folders are imported in one transaction instead (their files are stored before
their items, all or none; archives are bounded by the media limits), retried whole.
"""

from __future__ import annotations

import re
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.db.engine import transaction
from labelpool.db.types import utcnow
from labelpool.errors import InvalidInput
from labelpool.events import Action, emit
from labelpool.media.storage import MediaStorage
from labelpool.projects.importing import readers, run_state
from labelpool.projects.importing.rows import CheckedRow
from labelpool.projects.importing.run_state import IMPORTS_DIR, Superseded, upload_folder
from labelpool.projects.importing.service import (
    NO_ITEMS,
    Tally,
    check_open,
    collector_paused,
    drop_refused,
    import_into,
    media_field_names,
    project_fields,
    read_and_check,
    records,
    refusal_message,
    row_checker,
)
from labelpool.projects.importing.writer import ItemWriter
from labelpool.projects.models import (
    ImportRun,
    ImportStage,
    ImportStatus,
    Project,
)

MAX_ATTEMPTS = 3  # fewer than the job's own max_attempts, so the last try can clean up
MEDIA_FORMATS = ("zip", "folder")
PROGRESS_EVERY_SECONDS = 0.5  # while checking, how often the run's progress is saved
SAFE_NAME = re.compile(r"[^A-Za-z0-9._ -]+")

#: Told what stage the import is in and how many bytes of the file it has read.
StageProgress = Callable[[ImportStage, int], None]


def _yes() -> bool:
    return True


def safe_file_name(filename: str | None) -> str:
    """The upload's own name, without folders or characters a file system may refuse."""
    name = SAFE_NAME.sub("_", Path(filename or "").name).strip(" .")
    if not name:
        return "upload"
    stem, dot, suffix = name.rpartition(".")
    if len(name) > 120:
        name = (stem[: 110 - len(suffix)] + dot + suffix) if dot else name[:120]
    return name


def queue_upload(
    db: Session,
    settings: Settings,
    actor: User,
    project: Project,
    stream: BinaryIO,
    filename: str | None,
    *,
    fmt: str | None = None,
    skip_invalid: bool = False,
) -> ImportRun:
    """Store the upload and queue its import; InvalidInput at once for what needs no reading."""
    from labelpool.projects import jobs

    _ = jobs  # subscribes the job that runs queued imports, in whichever process emits
    name = safe_file_name(filename)
    fmt = readers.detect_format(Path(name), fmt or None)
    if fmt == "folder":
        raise InvalidInput("A folder cannot be uploaded; upload a zip of it.")
    check_open(project)
    run = ImportRun(
        project_id=project.id,
        source_name=(Path(filename or "").name or name)[:500],
        format=fmt,
        skip_invalid=skip_invalid,
        status=ImportStatus.QUEUED,
        created_by=actor.id,
        errors=[],
        upload_name=name,
    )
    db.add(run)
    db.flush()
    folder = upload_folder(settings, run.id)
    # A request that rolled back may have left this id's folder (SQLite reuses row ids).
    shutil.rmtree(folder, ignore_errors=True)
    try:
        folder.mkdir(parents=True)
        with (folder / name).open("wb") as target:
            shutil.copyfileobj(stream, target, length=1024 * 1024)
            run.bytes_total = target.tell()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    emit(
        db,
        Action.IMPORT_QUEUED,
        "project",
        project.id,
        actor_id=actor.id,
        organization_id=project.organization_id,
        details={"import_run_id": run.id, "source_name": run.source_name},
    )
    return run


def new_run(
    db: Session, project: Project, path: Path, *, fmt: str | None, skip_invalid: bool
) -> ImportRun:
    """A run of a file on this machine (the CLI), for `run_import(..., path=path)`."""
    fmt = readers.detect_format(path, fmt)
    check_open(project)
    run = ImportRun(
        project_id=project.id,
        source_name=path.name[:500],
        format=fmt,
        skip_invalid=skip_invalid,
        status=ImportStatus.QUEUED,
        errors=[],
        bytes_total=path.stat().st_size if path.is_file() else None,
    )
    db.add(run)
    db.flush()
    return run


def run_import(
    sessions: sessionmaker[Session],
    settings: Settings,
    storage: MediaStorage,
    run_id: int,
    *,
    path: Path | None = None,
    progress: StageProgress | None = None,
    keep_alive: Callable[[], bool] = _yes,
    max_attempts: int = MAX_ATTEMPTS,
) -> ImportRun | None:
    """Run (or resume) the import `run_id` of `path` (default: its stored upload).

    Returns the run as it was left, or None when there is no such run or another attempt
    owns it. Errors other than the file's are raised (the run stays running, for a retry)
    unless this was the last attempt, which fails the run and deletes what it wrote.
    """
    claimed = _claim(sessions, settings, run_id, path, max_attempts)
    if not isinstance(claimed, run_state.Claim):
        return claimed
    try:
        if claimed.fmt in MEDIA_FORMATS:
            return _import_media(sessions, settings, storage, claimed)
        return _import_rows(sessions, settings, claimed, progress, keep_alive)
    except Superseded:
        return None
    except InvalidInput as exc:  # the file changed between checking and writing
        return fail_import(sessions, settings, run_id, exc.message)
    except Exception as exc:
        problem = "".join(traceback.format_exception_only(exc)).strip()[:500]
        if claimed.attempt >= max_attempts:
            message = f"The import stopped with an error ({problem}); nothing was kept."
            return fail_import(sessions, settings, run_id, message)
        run_state.note(
            sessions, claimed, f"Interrupted by an error ({problem}); it will be retried."
        )
        raise


def fail_import(
    sessions: sessionmaker[Session],
    settings: Settings,
    run_id: int,
    message: str,
    errors: list[Any] | None = None,
) -> ImportRun | None:
    """Fail an unfinished run, deleting the items it wrote (a finished run is left alone)."""
    with transaction(sessions, write=True) as db:
        run = db.get(ImportRun, run_id, with_for_update=True)
        if run is None:
            return None
        if run.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            return run
        project = db.get_one(Project, run.project_id)
        run_state.fail_in(db, project, run, message, errors or [])
    run_state.remove_upload(settings, run)
    return run


def prune_uploads(db: Session, settings: Settings, older_than: timedelta) -> int:
    """Delete stored uploads no unfinished run needs (left by a failed request or a crash
    between a run's end and the upload's deletion) once older than `older_than`."""
    root = settings.resolved_data_dir / IMPORTS_DIR
    if not root.is_dir():
        return 0
    folders = {int(p.name): p for p in root.iterdir() if p.is_dir() and p.name.isdigit()}
    if not folders:
        return 0
    live = set(
        db.scalars(
            select(ImportRun.id).where(
                ImportRun.id.in_(list(folders)),
                ImportRun.status.in_([ImportStatus.QUEUED, ImportStatus.RUNNING]),
            )
        )
    )
    cutoff = time.time() - older_than.total_seconds()
    removed = 0
    for run_id, folder in folders.items():
        if run_id not in live and folder.stat().st_mtime < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


# --- The stages -------------------------------------------------------------------------------


def _claim(
    sessions: sessionmaker[Session],
    settings: Settings,
    run_id: int,
    path: Path | None,
    max_attempts: int,
) -> run_state.Claim | ImportRun | None:
    """Start an attempt; a finished run (or one failed here) is returned as it is."""
    with transaction(sessions, write=True) as db:
        run = db.get(ImportRun, run_id, with_for_update=True)
        if run is None or run.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED):
            finished = run
        else:
            project = db.get_one(Project, run.project_id)
            run.attempts += 1
            finished = _refusal(db, settings, project, run, path, max_attempts)
            if finished is None:
                if run.status == ImportStatus.QUEUED or run.started_at is None:
                    run.started_at = utcnow()
                run.status = ImportStatus.RUNNING
                run.message = None
                if run.stage != ImportStage.WRITING:
                    run.stage = ImportStage.CHECKING
                    run.rows_read = run.rows_invalid = run.bytes_read = 0
                return run_state.Claim(
                    run_id=run.id,
                    attempt=run.attempts,
                    project_id=run.project_id,
                    fmt=run.format,
                    skip_invalid=run.skip_invalid,
                    path=path or run_state.upload_path(settings, run),
                    stage=run.stage,
                    rows_read=run.rows_read,
                    written_through=run.written_through,
                    rows_imported=run.rows_imported,
                    gold_imported=run.gold_imported,
                )
    if finished is not None:
        run_state.remove_upload(settings, finished)
    return finished


def _refusal(
    db: Session,
    settings: Settings,
    project: Project,
    run: ImportRun,
    path: Path | None,
    max_attempts: int,
) -> ImportRun | None:
    """Fail the run now if it cannot go on (returning it), else None."""
    if run.attempts > max_attempts:
        message = (
            f"The import stopped before the end {plural_times(max_attempts)}; nothing was kept."
        )
    elif project.status.value in ("completed", "cancelled"):
        message = f"The project is {project.status.value}; items cannot be added."
    elif not (path or run_state.upload_path(settings, run)).exists():
        message = "The uploaded file is gone; upload it again."
    else:
        return None
    run_state.fail_in(db, project, run, message, [])
    return run


def plural_times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"


def _import_rows(
    sessions: sessionmaker[Session],
    settings: Settings,
    claim: run_state.Claim,
    progress: StageProgress | None,
    keep_alive: Callable[[], bool],
) -> ImportRun | None:
    with transaction(sessions) as db:
        project = db.get_one(Project, claim.project_id)
    if claim.stage == ImportStage.CHECKING:
        checked, problem = _check(sessions, project, claim, progress, keep_alive)
        if problem is not None:
            message, errors = problem
            return run_state.fail_owned(sessions, settings, claim, message, errors, checked)
        run_state.start_writing(sessions, claim, checked)
        claim.rows_read = checked.read
    written = _write(sessions, project, claim, progress, keep_alive)
    if written.invalid and not claim.skip_invalid:  # refused by rows another import just added
        message = refusal_message(Tally(read=claim.rows_read, invalid=written.invalid))
        return run_state.fail_owned(sessions, settings, claim, message, written.errors)
    return run_state.succeed(sessions, settings, claim, written)


@dataclass
class _Reading:
    """Bytes read so far, and when progress was last saved."""

    bytes: int = 0
    saved_at: float = 0.0


def _check(
    sessions: sessionmaker[Session],
    project: Project,
    claim: run_state.Claim,
    progress: StageProgress | None,
    keep_alive: Callable[[], bool],
) -> tuple[Tally, tuple[str, list[Any]] | None]:
    """Read and check every row, writing nothing but progress: the tally, and why the file
    cannot be imported (None when it can)."""
    fields = project_fields(project)
    checker = row_checker(project, fields)
    media_fields = media_field_names(fields)
    tally = Tally()
    reading = _Reading(saved_at=time.monotonic())

    def on_bytes(done: int) -> None:
        reading.bytes = done
        if progress is not None:
            progress(ImportStage.CHECKING, done)

    def tick() -> None:
        if not keep_alive():
            raise Superseded
        now = time.monotonic()
        if now - reading.saved_at >= PROGRESS_EVERY_SECONDS:
            reading.saved_at = now
            run_state.save_progress(sessions, claim, tally, reading.bytes)

    with sessions() as look:

        def submit(rows: list[CheckedRow]) -> None:
            drop_refused(look, project, media_fields, rows, tally.refuse)
            look.rollback()  # each batch looks at the items as they are now

        try:
            with collector_paused():
                found = records(claim.fmt, claim.path, fields, on_bytes)
                read_and_check(claim.skip_invalid, checker, found, tally, submit, tick=tick)
        except InvalidInput as exc:
            return tally, (exc.message, exc.details if isinstance(exc.details, list) else [])
    if tally.read == 0:
        return tally, (NO_ITEMS, [])
    if tally.invalid and not claim.skip_invalid:
        return tally, (refusal_message(tally), list(tally.errors))
    return tally, None


def _write(
    sessions: sessionmaker[Session],
    project: Project,
    claim: run_state.Claim,
    progress: StageProgress | None,
    keep_alive: Callable[[], bool],
) -> Tally:
    """Read the file again and store its good rows batch by batch, after `written_through`."""
    fields = project_fields(project)
    checker = row_checker(project, fields)
    media_fields = media_field_names(fields)
    tally = Tally(imported=claim.rows_imported)
    gold = claim.gold_imported
    reading = _Reading()
    now = utcnow()

    def on_bytes(done: int) -> None:
        reading.bytes = done
        if progress is not None:
            progress(ImportStage.WRITING, done)

    def submit(rows: list[CheckedRow]) -> None:
        nonlocal gold
        with run_state.owned(sessions, claim) as db:
            kept = drop_refused(db, project, media_fields, rows, tally.refuse)
            ItemWriter(db.connection(), project.id, claim.run_id, now).write(kept)
            imported = tally.imported + len(kept)
            added_gold = gold + sum(1 for row in kept if row.gold is not None)
            run_state.set_run(
                db,
                claim,
                written_through=rows[-1].row,
                rows_imported=imported,
                gold_imported=added_gold,
                bytes_read=reading.bytes,
            )
        tally.imported, gold = imported, added_gold
        if not keep_alive():
            raise Superseded

    def tick() -> None:
        if not keep_alive():
            raise Superseded

    with collector_paused():
        found = records(claim.fmt, claim.path, fields, on_bytes)
        read_and_check(
            claim.skip_invalid,
            checker,
            found,
            tally,
            submit,
            skip_through=claim.written_through,
            tick=tick,
        )
    tally.gold = gold
    return tally


def _import_media(
    sessions: sessionmaker[Session],
    settings: Settings,
    storage: MediaStorage,
    claim: run_state.Claim,
) -> ImportRun:
    """A zip or folder of media: stored and imported in one transaction, as `import_file`."""
    from labelpool.projects.media_import import media_records_for

    with run_state.owned(sessions, claim) as db:
        run, project = run_state.run_and_project(db, claim)
        actor = db.get(User, run.created_by) if run.created_by else None
        media = media_records_for(db, settings, storage, project, actor)
        import_into(db, actor, project, run, claim.path, media_records=media)
        run.stage = None
    run_state.remove_upload(settings, run)
    return run
