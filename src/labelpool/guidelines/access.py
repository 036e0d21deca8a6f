"""Guidelines a user may read or change, and the documents they may list: the rules are
`labelpool.policy.guidelines` (members read, requesters and admins write, contributors read
what a published test or running project uses; other tenants get 404)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.guidelines.models import Guidelines
from labelpool.policy import GuidelinesPolicy, actor_of, permits, visible
from labelpool.policy.rules import get_authorized


def can_manage(db: Session, user: User, guidelines: Guidelines) -> bool:
    return permits(actor_of(db, user), GuidelinesPolicy.manage(guidelines))


def guidelines_for_reader(db: Session, user: User, guidelines_id: int) -> Guidelines:
    """The document if `user` may read it; otherwise NotFound (ids of others stay hidden)."""
    return get_authorized(db, user, Guidelines, guidelines_id, GuidelinesPolicy.read, "guidelines")


def guidelines_for_manager(db: Session, user: User, guidelines_id: int) -> Guidelines:
    return get_authorized(
        db, user, Guidelines, guidelines_id, GuidelinesPolicy.manage, "guidelines"
    )


def list_guidelines(db: Session, user: User) -> list[Guidelines]:
    """Documents of the user's organizations (admins: all; contributors: those in use)."""
    query = select(Guidelines).order_by(Guidelines.title, Guidelines.id)
    return list(db.scalars(visible(query, actor_of(db, user))))
