"""Importing a file that arrives over HTTP (API or page): spooled to the data dir, then imported.

Uploads are spooled under `<data dir>/tmp/uploads`, one `upload-*` folder each, locked while in
use; `clean_stale_uploads` (run at start-up) removes those a killed process left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.media.storage import TEMP_PREFIX, MediaStorage, clean_stale_temp, hold_lock
from labelpool.projects.importing.service import import_file
from labelpool.projects.media_import import media_records_for
from labelpool.projects.models import ImportRun, Project


def uploads_dir(settings: Settings) -> Path:
    """labelpool's own folder for uploads being imported (nothing else is kept there)."""
    path = settings.resolved_data_dir / "tmp" / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _upload_folder(settings: Settings) -> Iterator[Path]:
    """A fresh folder for one upload, locked while in use and removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=uploads_dir(settings)))
    fd = os.open(folder, os.O_RDONLY)
    try:
        hold_lock(fd)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        os.close(fd)


def clean_stale_uploads(settings: Settings, before: float | None = None) -> int:
    """Remove uploads and media writes cut off by a crash or kill -9; return how many.

    Only `upload-*` entries of labelpool's temp folders (`tmp/uploads` and the media folder's
    `.tmp`) that are older than `before` (default: now, i.e. start-up) and that no running
    process holds are removed; stored media are never touched.
    """
    before = time.time() if before is None else before
    media_tmp = settings.resolved_data_dir / "media" / ".tmp"
    return clean_stale_temp(uploads_dir(settings), before) + clean_stale_temp(media_tmp, before)


def import_upload(
    db: Session,
    settings: Settings,
    storage: MediaStorage,
    actor: User,
    project: Project,
    stream: BinaryIO,
    filename: str | None,
    *,
    fmt: str | None = None,
    skip_invalid: bool = False,
) -> ImportRun:
    """Copy the upload next to the database (readers need a path) and import it."""
    name = Path(filename or "upload").name or "upload"
    with _upload_folder(settings) as folder:
        path = folder / name
        with path.open("wb") as target:
            shutil.copyfileobj(stream, target, length=1024 * 1024)
        return import_file(
            db,
            actor,
            project,
            path,
            fmt=fmt or None,
            skip_invalid=skip_invalid,
            media_records=media_records_for(db, settings, storage, project, actor),
        )
