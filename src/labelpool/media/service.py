"""Storing and finding media files (logic and transactions; no web imports)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import wave
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.errors import NotFound
from labelpool.media.archives import ArchiveLimits, MediaFileProblem, iter_media_files
from labelpool.media.kinds import MEDIA_REFERENCE, MediaKind
from labelpool.media.models import MediaFile
from labelpool.media.signing import sign_media_url, signed_media_url
from labelpool.media.sniff import (
    DEFAULT_MAX_BYTES,
    SNIFF_BYTES,
    Sniffed,
    check_size,
    sniff,
)
from labelpool.media.storage import MediaStorage, Readable, new_storage_key

MAX_NAME_LENGTH = 500
_IDS_PER_QUERY = 1000


class _CheckedReader:
    """Replays the sniffed head, then the rest of the stream; hashes and counts every byte and
    stops with `InvalidInput` as soon as the size limit is passed."""

    def __init__(self, head: bytes, rest: Readable, limit: int, name: str, kind: MediaKind):
        self._head = head
        self._rest = rest
        self._limit = limit
        self._name = name
        self._kind = kind
        self.count = 0
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1, /) -> bytes:
        if self._head:
            if size < 0 or size >= len(self._head):
                chunk, self._head = self._head, b""
            else:
                chunk, self._head = self._head[:size], self._head[size:]
        else:
            chunk = self._rest.read(size)
        self.count += len(chunk)
        if self.count > self._limit:
            check_size(self._name, self._kind, self.count, {self._kind: self._limit})
        self.sha256.update(chunk)
        return chunk


def read_head(stream: Readable, size: int = SNIFF_BYTES) -> bytes:
    """Up to `size` leading bytes (streams may return short reads)."""
    parts: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        parts.append(chunk)
        remaining -= len(chunk)
    return b"".join(parts)


def _image_size(head: bytes) -> tuple[int | None, int | None]:
    """Width and height from the header alone (no decoding); None when Pillow can't tell."""
    try:
        from PIL import Image
    except ImportError:  # Pillow is optional for the service
        return None, None
    try:
        with Image.open(io.BytesIO(head)) as image:
            width, height = image.size
    except Exception:  # truncated or exotic header: dimensions are a nicety
        return None, None
    return int(width), int(height)


def _wav_duration(head: bytes) -> float | None:
    """Duration from the WAV header (the data chunk's declared size)."""
    try:
        with wave.open(io.BytesIO(head), "rb") as wav:
            rate, frames = wav.getframerate(), wav.getnframes()
    except (wave.Error, EOFError, ValueError):
        return None
    return round(frames / rate, 3) if rate > 0 else None


def store_media(
    db: Session,
    storage: MediaStorage,
    organization_id: int,
    project_id: int | None,
    original_name: str,
    stream: Readable,
    actor: User | None,
    *,
    limits: dict[MediaKind, int] | None = None,
    dedupe: bool = False,
    sniffed: Sniffed | None = None,
    created_keys: list[str] | None = None,
) -> MediaFile:
    """Check, store and record one media file; return its row (flushed, not committed).

    The type comes from the content; the size limit for that type is enforced while the bytes
    stream by, and the SHA-256 is computed on the way. With `dedupe`, a file whose content the
    organization already stored for the same project is not stored twice: the existing row
    is returned (so callers that undo an import must not delete that row's bytes; off by
    default, so every call creates exactly one new row and object). If the caller's
    transaction is rolled back afterwards, the stored bytes are left behind (unreferenced):
    delete them with `storage.delete(media.storage_key)`. `sniffed` skips sniffing the type
    again; `created_keys`, when given, gets the storage key of a newly stored object (nothing
    when the file was deduplicated).
    """
    name = (original_name or "upload").strip()[-MAX_NAME_LENGTH:] or "upload"
    limits = limits or DEFAULT_MAX_BYTES
    head = read_head(stream)
    found = sniffed or sniff(head, name)
    reader = _CheckedReader(head, stream, limits[found.kind], name, found.kind)
    key = new_storage_key(organization_id, found.extension)
    size = storage.save(key, reader)
    digest = reader.sha256.hexdigest()
    try:
        if dedupe:
            existing = db.scalars(
                select(MediaFile)
                .where(
                    MediaFile.organization_id == organization_id,
                    MediaFile.sha256 == digest,
                    MediaFile.project_id.is_(None)
                    if project_id is None
                    else MediaFile.project_id == project_id,
                )
                .order_by(MediaFile.id)
                .limit(1)
            ).first()
            if existing is not None:
                storage.delete(key)
                return existing
        width = height = None
        duration = None
        if found.kind is MediaKind.IMAGE:
            width, height = _image_size(head)
        elif found.content_type == "audio/wav":
            duration = _wav_duration(head)
        media = MediaFile(
            organization_id=organization_id,
            project_id=project_id,
            storage_key=key,
            original_name=name,
            kind=found.kind,
            content_type=found.content_type,
            size_bytes=size,
            sha256=digest,
            width=width,
            height=height,
            duration_seconds=duration,
            created_by=actor.id if actor is not None else None,
        )
        db.add(media)
        db.flush()
    except BaseException:
        with contextlib.suppress(Exception):
            storage.delete(key)
        raise
    if created_keys is not None:
        created_keys.append(key)
    return media


def store_media_bytes(
    db: Session,
    storage: MediaStorage,
    organization_id: int,
    project_id: int | None,
    original_name: str,
    data: bytes,
    actor: User | None,
    *,
    limits: dict[MediaKind, int] | None = None,
    dedupe: bool = False,
) -> MediaFile:
    """`store_media` for bytes already in memory."""
    return store_media(
        db,
        storage,
        organization_id,
        project_id,
        original_name,
        io.BytesIO(data),
        actor,
        limits=limits,
        dedupe=dedupe,
    )


def store_media_folder_or_zip(
    db: Session,
    storage: MediaStorage,
    organization_id: int,
    project_id: int | None,
    path: Path,
    actor: User | None,
    *,
    limits: dict[MediaKind, int] | None = None,
    archive_limits: ArchiveLimits | None = None,
    problems: list[MediaFileProblem] | None = None,
    dedupe: bool = False,
) -> dict[str, MediaFile]:
    """Store every media file of a folder or zip; return {relative path: MediaFile}.

    Unsafe archives are refused before anything is stored; one that turns out to unpack to
    more than `archive_limits.max_total_bytes`, or to be damaged, while it is stored raises
    `InvalidInput` and leaves nothing behind. A file that is not a supported media type, or
    too large, raises `InvalidInput` naming it, unless a `problems` list is given: then it is
    skipped and reported there.
    """
    # First pass: check every entry (headers only) so a bad file stores nothing.
    first_pass_problems: list[MediaFileProblem] | None = None if problems is None else []
    for _entry in iter_media_files(
        path, limits=limits, archive_limits=archive_limits, problems=first_pass_problems
    ):
        pass
    if problems is not None and first_pass_problems:
        problems.extend(first_pass_problems)
    stored: dict[str, MediaFile] = {}
    created_keys: list[str] = []
    try:
        for entry in iter_media_files(
            path, limits=limits, archive_limits=archive_limits, problems=[]
        ):
            with entry.opener() as handle:
                stored[entry.relative_path] = store_media(
                    db,
                    storage,
                    organization_id,
                    project_id,
                    entry.relative_path.rsplit("/", 1)[-1],
                    handle,
                    actor,
                    limits=limits,
                    dedupe=dedupe,
                    sniffed=Sniffed(entry.kind, entry.content_type, _extension(entry.content_type)),
                    created_keys=created_keys,
                )
    except BaseException:
        for key in created_keys:  # all or nothing (the caller rolls the rows back)
            with contextlib.suppress(Exception):
                storage.delete(key)
        raise
    return stored


def _extension(content_type: str) -> str:
    return {
        "image/jpeg": "jpg",
        "image/png": "png",
        "image/gif": "gif",
        "image/webp": "webp",
        "audio/wav": "wav",
        "audio/mpeg": "mp3",
        "audio/flac": "flac",
        "audio/mp4": "m4a",
        "audio/ogg": "ogg",
        "audio/webm": "webm",
        "video/mp4": "mp4",
        "video/quicktime": "mov",
        "video/webm": "webm",
        "video/ogg": "ogv",
    }.get(content_type, "bin")


def get_media(db: Session, media_id: int, organization_id: int) -> MediaFile:
    """The organization's media file, or `NotFound` (also for another organization's file)."""
    media = db.get(MediaFile, media_id)
    if media is None or media.organization_id != organization_id:
        raise NotFound(f"Media file {media_id} does not exist in this organization.")
    return media


def find_media(db: Session, media_id: int) -> MediaFile:
    """Any organization's media file by id (for the signed-URL route: the signature decides)."""
    media = db.get(MediaFile, media_id)
    if media is None:
        raise NotFound(f"Media file {media_id} does not exist (it may have been deleted).")
    return media


def list_media(db: Session, organization_id: int, project_id: int | None = None) -> list[MediaFile]:
    query = select(MediaFile).where(MediaFile.organization_id == organization_id)
    if project_id is not None:
        query = query.where(MediaFile.project_id == project_id)
    return list(db.scalars(query.order_by(MediaFile.id)))


def delete_media(db: Session, storage: MediaStorage, media: MediaFile) -> None:
    """Delete the row and the bytes (the bytes only if no other row shares the key)."""
    key = media.storage_key
    db.delete(media)
    db.flush()
    storage.delete(key)


def media_reference_id(value: object) -> int | None:
    """The id in a `media:<id>` reference, or None when `value` is not one."""
    if not isinstance(value, str):
        return None
    match = MEDIA_REFERENCE.fullmatch(value)
    return int(match.group(1)) if match else None


def organization_media_ids(db: Session, organization_id: int, ids: Iterable[int]) -> set[int]:
    """Those of `ids` that name media files of the organization (the others are foreign or gone)."""
    wanted = sorted(set(ids))
    found: set[int] = set()
    for start in range(0, len(wanted), _IDS_PER_QUERY):
        chunk = wanted[start : start + _IDS_PER_QUERY]
        found.update(
            db.scalars(
                select(MediaFile.id).where(
                    MediaFile.organization_id == organization_id, MediaFile.id.in_(chunk)
                )
            )
        )
    return found


class ItemMediaLinks:
    """Signed URLs for the `media:<id>` values of one organization's items, and for no others.

    Every URL signed for an item value goes through here: a reference to another
    organization's file (or to a deleted one) gets no URL, so ids cannot be walked.
    """

    def __init__(
        self,
        db: Session,
        organization_id: int,
        signing_key: str,
        values: Iterable[object],
        *,
        ttl_seconds: int = 3600,
    ) -> None:
        ids = (media_reference_id(value) for value in values)
        self._owned = organization_media_ids(db, organization_id, (i for i in ids if i))
        self._signing_key = signing_key
        self._ttl_seconds = ttl_seconds

    def url(self, value: object) -> str | None:
        """The signed URL for a `media:<id>` value of this organization, else None."""
        media_id = media_reference_id(value)
        if media_id is None or media_id not in self._owned:
            return None
        return media_url(media_id, self._signing_key, ttl_seconds=self._ttl_seconds)


def media_url(media_id: int, signing_key: str, *, ttl_seconds: int = 3600) -> str:
    """A signed URL for the media route, valid for `ttl_seconds`.

    Signs any id: for a value taken from an item use `ItemMediaLinks`, which checks that the
    file belongs to the item's organization first.
    """
    return signed_media_url(media_id, signing_key, ttl_seconds)


def media_url_until(media_id: int, signing_key: str, expires_at: datetime) -> str:
    """A signed URL for the media route, valid until `expires_at` (e.g. a task's lease end).

    Like `media_url`, it signs any id: check an item's reference with `organization_media_ids`.
    """
    return sign_media_url(media_id, signing_key, expires_at)
