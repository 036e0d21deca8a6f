"""Which project follows which guidelines (a project follows at most one document)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.errors import InvalidInput, NotFound
from labelpool.guidelines.models import Guidelines, ProjectGuidelines
from labelpool.policy import ProjectPolicy, actor_of, authorize
from labelpool.projects.models import Project


def _managed_project(db: Session, actor: User, project_id: int) -> Project:
    project = db.get(Project, project_id)
    if project is None:
        raise NotFound(f"No project with id {project_id}.")
    authorize(actor_of(db, actor), ProjectPolicy.manage(project))
    return project


def link_project(db: Session, actor: User, guidelines: Guidelines, project_id: int) -> Project:
    """Make a project of the same organization follow these guidelines (replacing others)."""
    project = _managed_project(db, actor, project_id)
    if project.organization_id != guidelines.organization_id:
        raise InvalidInput(
            "A project can only follow guidelines of its own organization.",
            details={"field": "project_id"},
        )
    link = db.get(ProjectGuidelines, project.id)
    if link is None:
        db.add(ProjectGuidelines(project_id=project.id, guidelines_id=guidelines.id))
    else:
        link.guidelines_id = guidelines.id
    db.flush()
    return project


def unlink_project(db: Session, actor: User, guidelines: Guidelines, project_id: int) -> None:
    project = _managed_project(db, actor, project_id)
    link = db.get(ProjectGuidelines, project.id)
    if link is None or link.guidelines_id != guidelines.id:
        raise NotFound(f"Project {project_id} does not follow these guidelines.")
    db.delete(link)
    db.flush()


def linked_projects(db: Session, guidelines: Guidelines) -> list[Project]:
    return list(
        db.scalars(
            select(Project)
            .join(ProjectGuidelines, ProjectGuidelines.project_id == Project.id)
            .where(ProjectGuidelines.guidelines_id == guidelines.id)
            .order_by(Project.name)
        )
    )


def guidelines_of_project(db: Session, project_id: int) -> Guidelines | None:
    return db.scalar(
        select(Guidelines)
        .join(ProjectGuidelines, ProjectGuidelines.guidelines_id == Guidelines.id)
        .where(ProjectGuidelines.project_id == project_id)
    )
