"""Importing a file that arrives over HTTP (API or page): spooled to the data dir, then imported."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.projects.importing.service import import_file
from labelpool.projects.media_import import media_records_for
from labelpool.projects.models import ImportRun, Project


def import_upload(
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
    """Copy the upload next to the database (readers need a path) and import it."""
    name = Path(filename or "upload").name or "upload"
    with tempfile.TemporaryDirectory(dir=settings.resolved_data_dir) as folder:
        path = Path(folder) / name
        with path.open("wb") as target:
            shutil.copyfileobj(stream, target, length=1024 * 1024)
        return import_file(
            db,
            actor,
            project,
            path,
            fmt=fmt or None,
            skip_invalid=skip_invalid,
            media_records=media_records_for(db, settings, project, actor),
        )
