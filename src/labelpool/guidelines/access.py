"""Who may read and who may change guidelines, and the documents a user may list.

Members of the owning organization with a managing role (requester, admin) write; its members
and admins read everything; contributors read guidelines that are in use (attached to a
published test, or followed by an active or paused project). Other tenants get 404.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Membership, User
from labelpool.accounts.roles import Role
from labelpool.assessments.models import AssessmentTest, TestStatus
from labelpool.errors import NotFound, PermissionDenied
from labelpool.guidelines.models import Guidelines, ProjectGuidelines
from labelpool.projects import access
from labelpool.projects.models import Project, ProjectStatus

IN_USE_PROJECT_STATUSES = (ProjectStatus.ACTIVE, ProjectStatus.PAUSED)


def _role_in(db: Session, user: User, organization_id: int) -> Role | None:
    return access.organization_role(db, user, organization_id)


def can_manage(db: Session, user: User, guidelines: Guidelines) -> bool:
    if user.role == Role.ADMIN:
        return True
    return _role_in(db, user, guidelines.organization_id) in access.MANAGE_ROLES


def _in_use(db: Session, guidelines_id: int) -> bool:
    by_test = db.scalar(
        select(AssessmentTest.id)
        .where(
            AssessmentTest.guidelines_id == guidelines_id,
            AssessmentTest.status == TestStatus.PUBLISHED,
        )
        .limit(1)
    )
    if by_test is not None:
        return True
    by_project = db.scalar(
        select(ProjectGuidelines.project_id)
        .join(Project, Project.id == ProjectGuidelines.project_id)
        .where(
            ProjectGuidelines.guidelines_id == guidelines_id,
            Project.status.in_(IN_USE_PROJECT_STATUSES),
        )
        .limit(1)
    )
    return by_project is not None


def guidelines_for_reader(db: Session, user: User, guidelines_id: int) -> Guidelines:
    """The document if `user` may read it; otherwise NotFound (ids of others stay hidden)."""
    guidelines = db.get(Guidelines, guidelines_id)
    if guidelines is None:
        raise NotFound(f"No guidelines with id {guidelines_id}.")
    if user.role == Role.ADMIN or _role_in(db, user, guidelines.organization_id) is not None:
        return guidelines
    if user.role == Role.CONTRIBUTOR and _in_use(db, guidelines.id):
        return guidelines
    raise NotFound(f"No guidelines with id {guidelines_id}.")


def guidelines_for_manager(db: Session, user: User, guidelines_id: int) -> Guidelines:
    guidelines = guidelines_for_reader(db, user, guidelines_id)
    if not can_manage(db, user, guidelines):
        raise PermissionDenied(
            "Only the organization's requesters and admins can change these guidelines."
        )
    return guidelines


def list_guidelines(db: Session, user: User) -> list[Guidelines]:
    """Documents of the user's organizations (admins: all; contributors: those in use)."""
    query = select(Guidelines).order_by(Guidelines.title, Guidelines.id)
    if user.role == Role.ADMIN:
        return list(db.scalars(query))
    mine = select(Membership.organization_id).where(Membership.user_id == user.id)
    if user.role != Role.CONTRIBUTOR:
        return list(db.scalars(query.where(Guidelines.organization_id.in_(mine))))
    used_by_tests = select(AssessmentTest.guidelines_id).where(
        AssessmentTest.status == TestStatus.PUBLISHED, AssessmentTest.guidelines_id.is_not(None)
    )
    used_by_projects = (
        select(ProjectGuidelines.guidelines_id)
        .join(Project, Project.id == ProjectGuidelines.project_id)
        .where(Project.status.in_(IN_USE_PROJECT_STATUSES))
    )
    return list(
        db.scalars(
            query.where(
                or_(
                    Guidelines.organization_id.in_(mine),
                    Guidelines.id.in_(used_by_tests),
                    Guidelines.id.in_(used_by_projects),
                )
            )
        )
    )
