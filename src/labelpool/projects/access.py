"""Who may see and change a project: members of its organization, by role."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Membership, User
from labelpool.accounts.roles import Role
from labelpool.errors import InvalidInput, NotFound, PermissionDenied
from labelpool.projects.models import Project

VIEW_ROLES = frozenset({Role.REQUESTER, Role.REVIEWER, Role.ADMIN})
MANAGE_ROLES = frozenset({Role.REQUESTER, Role.ADMIN})


def organization_role(db: Session, user: User, organization_id: int) -> Role | None:
    return db.scalar(
        select(Membership.role).where(
            Membership.user_id == user.id, Membership.organization_id == organization_id
        )
    )


def manageable_organization_ids(db: Session, user: User) -> list[int]:
    return list(
        db.scalars(
            select(Membership.organization_id).where(
                Membership.user_id == user.id, Membership.role.in_(MANAGE_ROLES)
            )
        )
    )


def default_organization_id(db: Session, user: User, organization_id: int | None) -> int:
    """The organization to create in: the one given, or the only one the user manages."""
    if organization_id is not None:
        return organization_id
    managed = manageable_organization_ids(db, user)
    if len(managed) == 1:
        return managed[0]
    raise InvalidInput(
        "Say which organization this belongs to (organization_id); "
        f"you can create in {len(managed)} organizations.",
        details={"field": "organization_id"},
    )


def manageable_projects(db: Session, user: User) -> list[Project]:
    """The projects of every organization the user manages, by name."""
    return list(
        db.scalars(
            select(Project)
            .where(Project.organization_id.in_(manageable_organization_ids(db, user)))
            .order_by(Project.name)
        )
    )


def visible_organization_ids(db: Session, user: User) -> list[int]:
    return list(
        db.scalars(
            select(Membership.organization_id).where(
                Membership.user_id == user.id, Membership.role.in_(VIEW_ROLES)
            )
        )
    )


def project_for_viewer(db: Session, user: User, project_id: int) -> Project:
    """The project if `user` may see it; otherwise NotFound (other tenants' ids stay hidden)."""
    project = db.get(Project, project_id)
    if project is None:
        raise NotFound(f"No project with id {project_id}.")
    if user.role == Role.ADMIN:
        return project
    if organization_role(db, user, project.organization_id) not in VIEW_ROLES:
        raise NotFound(f"No project with id {project_id}.")
    return project


def project_for_manager(db: Session, user: User, project_id: int) -> Project:
    project = project_for_viewer(db, user, project_id)
    if user.role != Role.ADMIN and organization_role(db, user, project.organization_id) not in (
        MANAGE_ROLES
    ):
        raise PermissionDenied(
            "Only the organization's requesters and admins can change this project."
        )
    return project
