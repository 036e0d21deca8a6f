"""Importing a folder or zip of media files: each file becomes an item, or a manifest
(`items.jsonl` or `items.csv` at the top) describes the items and names files by path."""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.controls.fields import MEDIA_KINDS, DataField
from labelpool.errors import InvalidInput
from labelpool.media.archives import MediaFileProblem, read_zip_entry
from labelpool.media.service import store_media_folder_or_zip
from labelpool.media.settings import MediaSettings
from labelpool.media.storage import MediaStorage
from labelpool.projects.importing import readers
from labelpool.projects.models import Project

MANIFESTS = ("items.jsonl", "items.csv")
MAX_MANIFEST_BYTES = 50 * 1024 * 1024


class MediaRecords:
    """Stores a folder's or zip's media and yields item records; `discard()` undoes the files."""

    def __init__(
        self,
        db: Session,
        storage: MediaStorage,
        media_settings: MediaSettings,
        project: Project,
        actor: User | None,
    ) -> None:
        self.db = db
        self.storage = storage
        self.media_settings = media_settings
        self.project = project
        self.actor = actor
        self.stored_keys: list[str] = []

    def __call__(self, path: Path, fields: list[DataField]) -> Iterator[tuple[int, Any]]:
        media_fields = [f for f in fields if f.kind in MEDIA_KINDS]
        if not media_fields:
            raise InvalidInput("This project has no image, audio or video field to fill.")
        problems: list[MediaFileProblem] = []
        media_settings = self.media_settings
        stored = store_media_folder_or_zip(
            self.db,
            self.storage,
            self.project.organization_id,
            self.project.id,
            path,
            self.actor,
            limits=media_settings.size_limits,
            archive_limits=media_settings.archive_limits,
            problems=problems,
        )
        self.stored_keys = [media.storage_key for media in stored.values()]
        refused = [p for p in problems if p.relative_path not in MANIFESTS]
        if refused:
            raise InvalidInput(
                f"{refused[0].relative_path}: {refused[0].message}",
                details=[
                    {"row": None, "field": p.relative_path, "problem": p.message}
                    for p in refused[:100]
                ],
            )
        references = {relative: f"media:{media.id}" for relative, media in stored.items()}
        manifest = _manifest(path)
        if manifest is not None:
            yield from _manifest_records(manifest, fields, media_fields, references)
            return
        needed = [f.name for f in fields if f.required and f not in media_fields]
        if needed or len(media_fields) > 1:
            raise InvalidInput(
                "This project's items need more than one file per item "
                f"({', '.join(f.name for f in fields if f.required)}); add an items.jsonl or "
                "items.csv at the top of the folder naming the files of each item."
            )
        field = media_fields[0]
        for number, (relative, media) in enumerate(sorted(stored.items()), start=1):
            if media.kind.value != field.kind.value:
                raise InvalidInput(
                    f"{relative} is {media.kind.value}, but this project's '{field.name}' field "
                    f"takes {field.kind.value} files."
                )
            yield number, {"id": relative, field.name: references[relative]}

    def discard(self) -> None:
        for key in self.stored_keys:
            self.storage.delete(key)


def _manifest(path: Path) -> tuple[Path, tempfile.TemporaryDirectory[str] | None] | None:
    if path.is_dir():
        for name in MANIFESTS:
            if (path / name).is_file():
                return path / name, None
        return None
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        for name in MANIFESTS:
            if name in names:
                content = read_zip_entry(archive, name, MAX_MANIFEST_BYTES + 1)
                if len(content) > MAX_MANIFEST_BYTES:
                    raise InvalidInput(f"{name} in the zip is larger than 50 MB.")
                folder = tempfile.TemporaryDirectory()
                target = Path(folder.name) / name
                target.write_bytes(content)
                return target, folder
    return None


def _manifest_records(
    manifest: tuple[Path, tempfile.TemporaryDirectory[str] | None],
    fields: list[DataField],
    media_fields: list[DataField],
    references: dict[str, str],
) -> Iterator[tuple[int, Any]]:
    path, folder = manifest
    try:
        if path.suffix == ".jsonl":
            records = readers.read_jsonl(path)
        else:
            records = readers.read_csv(path, fields)
        for number, record in records:
            yield number, _resolve_paths(record, media_fields, references)
    finally:
        if folder is not None:
            folder.cleanup()


def _resolve_paths(record: Any, media_fields: list[DataField], references: dict[str, str]) -> Any:
    """Replace file paths in media fields by media references."""
    if not isinstance(record, dict):
        return record
    data = record["data"] if isinstance(record.get("data"), dict) else record
    for field in media_fields:
        value = data.get(field.name)
        if not isinstance(value, str) or value.startswith(("http://", "https://", "media:")):
            continue
        relative = value.strip().removeprefix("./")
        if relative not in references:
            return readers.Malformed(f"field '{field.name}': there is no file '{relative}'")
        data[field.name] = references[relative]
    return record


def media_records_for(
    db: Session,
    settings: Settings,
    storage: MediaStorage,
    project: Project,
    actor: User | None,
) -> MediaRecords:
    """Media records stored in `storage` (the process's one), within `settings.media` limits."""
    return MediaRecords(db, storage, settings.media, project, actor)
