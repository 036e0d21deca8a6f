"""The account review checks as stored: one row per check, created pending, set, read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.contributors.enums import CheckName, CheckStatus
from labelpool.contributors.models import IdentityDocument, VerificationCheck
from labelpool.contributors.review import NOT_SUBMITTED


def ensure_checks(db: Session, user_id: int) -> dict[CheckName, VerificationCheck]:
    """Every check of the contributor, keyed by name (missing ones are created pending)."""
    found = {
        c.name: c
        for c in db.scalars(select(VerificationCheck).where(VerificationCheck.user_id == user_id))
    }
    for name in CheckName:
        if name not in found:
            check = VerificationCheck(
                user_id=user_id,
                name=name,
                status=CheckStatus.PENDING,
                reason=NOT_SUBMITTED.say(),
            )
            db.add(check)
            found[name] = check
    db.flush()
    return {name: found[name] for name in CheckName}


def _set(
    check: VerificationCheck,
    status: CheckStatus,
    reason: str,
    actor_id: int | None,
    now: datetime,
) -> bool:
    changed = (check.status, check.reason, check.decided_by_id) != (status, reason, actor_id)
    if changed:
        check.status = status
        check.reason = reason
        check.decided_by_id = actor_id
        check.decided_at = now
    return changed


def checks_of(db: Session, user_id: int) -> list[VerificationCheck]:
    return list(ensure_checks(db, user_id).values())


def current_identity_document(db: Session, user_id: int) -> IdentityDocument | None:
    """The newest document still waiting for a decision (not decided, not deleted)."""
    return db.scalar(
        select(IdentityDocument)
        .where(
            IdentityDocument.user_id == user_id,
            IdentityDocument.deleted_at.is_(None),
            IdentityDocument.decided_at.is_(None),
        )
        .order_by(IdentityDocument.id.desc())
        .limit(1)
    )
