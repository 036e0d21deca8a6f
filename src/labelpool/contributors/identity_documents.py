"""Identity documents: upload, admin viewing, deletion after the decision."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime, timedelta
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.contributors.checks import _set, ensure_checks
from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    ContributorState,
)
from labelpool.contributors.models import (
    IdentityDocument,
)
from labelpool.contributors.profiles import get_or_create_profile
from labelpool.contributors.review import (
    DOCUMENT_BEFORE_SUBMIT,
    identity_decision,
)
from labelpool.contributors.settings import ReviewSettings
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound
from labelpool.events import Action, emit
from labelpool.media.sniff import SNIFF_BYTES, format_bytes, sniff
from labelpool.media.storage import MediaStorage, Readable, check_key

PDF_MAGIC = b"%PDF-"


DOCUMENT_KINDS = "an image (JPEG, PNG, GIF, WebP) or a PDF"


class _LimitedReader:
    """The already-read head, then the rest of the stream; refuses more than `limit` bytes."""

    def __init__(self, head: bytes, rest: Readable, limit: int) -> None:
        self._head = head
        self._rest = rest
        self._limit = limit
        self.count = 0

    def read(self, size: int = -1, /) -> bytes:
        if self._head:
            chunk, self._head = self._head, b""
        else:
            chunk = self._rest.read(size)
        self.count += len(chunk)
        if self.count > self._limit:
            raise InvalidInput(
                f"The identity document is larger than the limit of {format_bytes(self._limit)}.",
                code="document_too_large",
                details={"field": "file", "limit_bytes": self._limit},
            )
        return chunk


def document_type(head: bytes, filename: str) -> tuple[str, str]:
    """(content type, extension) of an identity document, judged by content: image or PDF."""
    if head.startswith(PDF_MAGIC):
        return "application/pdf", "pdf"
    try:
        found = sniff(head, filename or "document")
    except InvalidInput:
        found = None
    if found is None or found.kind.value != "image":
        raise InvalidInput(
            f"{filename or 'The file'} is not {DOCUMENT_KINDS}; the type is judged from the "
            "content, not the name.",
            code="unsupported_media_type",
            details={"field": "file"},
        )
    return found.content_type, found.extension


def identity_documents(db: Session, user_id: int) -> list[IdentityDocument]:
    return list(
        db.scalars(
            select(IdentityDocument)
            .where(IdentityDocument.user_id == user_id)
            .order_by(IdentityDocument.id.desc())
        )
    )


def _delete_document(
    db: Session,
    storage: MediaStorage,
    document: IdentityDocument,
    reason: str,
    now: datetime,
    actor_id: int | None = None,
) -> None:
    storage.delete(document.storage_key)
    document.deleted_at = now
    document.deleted_reason = reason[:200]
    emit(
        db,
        Action.CONTRIBUTOR_IDENTITY_DOCUMENT_DELETED,
        "identity_document",
        document.id,
        actor_id=actor_id,
        reason=reason,
        details={"user_id": document.user_id},
    )


def upload_identity_document(
    db: Session,
    user: User,
    stream: Readable,
    filename: str,
    storage: MediaStorage,
    settings: ReviewSettings,
    *,
    now: datetime | None = None,
) -> IdentityDocument:
    """Store an identity document privately; an earlier undecided one is replaced and deleted.

    The identity check goes (back) to needs review.
    """
    now = now or utcnow()
    profile = get_or_create_profile(db, user)
    checks = ensure_checks(db, user.id)
    if checks[CheckName.IDENTITY_VERIFIED].status == CheckStatus.PASSED:
        raise Conflict("Your identity is already verified; no document is needed.")
    if profile.state == ContributorState.SUSPENDED:
        raise Conflict("Your account is suspended; documents cannot be uploaded.")
    head = b""
    while len(head) < SNIFF_BYTES and (chunk := stream.read(SNIFF_BYTES - len(head))):
        head += chunk
    if not head:
        raise InvalidInput("The file is empty.", details={"field": "file"})
    content_type, extension = document_type(head, filename)
    key = check_key(f"identity/u{user.id}/{uuid.uuid4().hex}.{extension}")
    reader = _LimitedReader(head, stream, settings.identity_max_bytes)
    try:
        size = storage.save(key, reader)
    except BaseException:
        with contextlib.suppress(Exception):
            storage.delete(key)
        raise
    try:
        for old in db.scalars(
            select(IdentityDocument).where(
                IdentityDocument.user_id == user.id,
                IdentityDocument.deleted_at.is_(None),
                IdentityDocument.decided_at.is_(None),
            )
        ):
            _delete_document(db, storage, old, "Replaced by a newer upload.", now, user.id)
        document = IdentityDocument(
            user_id=user.id,
            storage_key=key,
            content_type=content_type,
            size_bytes=size,
            filename=(filename or "")[:255],
            created_at=now,
            deleted_reason="",
        )
        db.add(document)
        db.flush()
    except BaseException:
        storage.delete(key)
        raise
    emit(
        db,
        Action.CONTRIBUTOR_IDENTITY_DOCUMENT_UPLOADED,
        "identity_document",
        document.id,
        actor_id=user.id,
        details={"content_type": content_type, "size_bytes": size},
    )
    identity = checks[CheckName.IDENTITY_VERIFIED]
    _set(identity, CheckStatus.NEEDS_REVIEW, identity_decision(True).reason, None, now)
    if profile.state == ContributorState.APPLIED:
        identity.reason = DOCUMENT_BEFORE_SUBMIT.say()
    db.flush()
    return document


def _documents_decided(
    db: Session,
    user_id: int,
    storage: MediaStorage | None,
    settings: ReviewSettings,
    now: datetime,
    *,
    actor_id: int | None,
) -> None:
    """Identity was decided: delete the documents now, or mark when they must go."""
    for document in db.scalars(
        select(IdentityDocument).where(
            IdentityDocument.user_id == user_id, IdentityDocument.deleted_at.is_(None)
        )
    ):
        document.decided_at = document.decided_at or now
        days = settings.identity_retention_days
        if days == 0 and storage is not None:
            _delete_document(
                db, storage, document, "Deleted after the identity decision.", now, actor_id
            )
        elif document.delete_after is None:
            document.delete_after = now + timedelta(days=days)
    db.flush()


def get_identity_document(db: Session, document_id: int) -> IdentityDocument:
    document = db.get(IdentityDocument, document_id)
    if document is None:
        raise NotFound(f"No identity document with id {document_id}.")
    if document.deleted_at is not None:
        raise NotFound(
            f"Identity document {document_id} was deleted "
            f"({document.deleted_reason or 'after the decision'}).",
            code="document_deleted",
        )
    return document


def open_identity_document(
    db: Session, storage: MediaStorage, admin: User, document_id: int
) -> tuple[IdentityDocument, BinaryIO]:
    """For admins only (the route checks the role): the document and a stream of its bytes."""
    document = get_identity_document(db, document_id)
    emit(
        db,
        Action.CONTRIBUTOR_IDENTITY_DOCUMENT_VIEWED,
        "identity_document",
        document.id,
        actor_id=admin.id,
        details={"user_id": document.user_id},
    )
    return document, storage.open(document.storage_key)


def purge_expired_documents(db: Session, storage: MediaStorage, now: datetime) -> int:
    """Delete decided documents whose retention has run out; returns how many."""
    due = list(
        db.scalars(
            select(IdentityDocument).where(
                IdentityDocument.deleted_at.is_(None),
                IdentityDocument.delete_after.is_not(None),
                IdentityDocument.delete_after <= now,
            )
        )
    )
    for document in due:
        _delete_document(db, storage, document, "Retention period after the decision ended.", now)
    db.flush()
    return len(due)
