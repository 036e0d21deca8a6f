"""Scheduled work for contributor accounts: deleting identity documents past retention."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from labelpool.contributors.service import purge_expired_documents
from labelpool.db.types import utcnow
from labelpool.jobs.context import JobContext
from labelpool.jobs.registry import periodic


@periodic("contributors.purge_identity_documents", every=timedelta(hours=1))
def purge_identity_documents(db: Session, _payload: dict[str, Any], context: JobContext) -> None:
    """Delete decided identity documents whose retention period has ended."""
    purge_expired_documents(db, context.storage, utcnow())
