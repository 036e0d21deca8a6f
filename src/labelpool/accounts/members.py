"""Reading who belongs to an organization (for the members listing)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Membership, User
from labelpool.accounts.roles import Role


def organization_members(db: Session, organization_id: int) -> list[tuple[User, Role]]:
    """An organization's members with their role in it, by name."""
    rows = db.execute(
        select(User, Membership.role)
        .join(Membership)
        .where(Membership.organization_id == organization_id)
        .order_by(User.display_name)
    )
    return [(user, role) for user, role in rows]
