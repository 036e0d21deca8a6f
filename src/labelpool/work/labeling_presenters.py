"""What the labeling page (`/projects/{id}/work`) is rendered with: the project, its controls
and data fields as the page's script reads them, and the guidelines it follows by section.

Never the project's gold answers nor anyone's responses: the page gets its item from the
claim API, which hides them too."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from labelpool.accounts.actor import actor_of
from labelpool.accounts.models import User
from labelpool.guidelines import service as guidelines_service
from labelpool.guidelines.presenters import outline_view
from labelpool.policy import GuidelinesPolicy, permits
from labelpool.policy.rules import get_authorized
from labelpool.policy.work import WorkPolicy
from labelpool.projects.answers import checked_schema
from labelpool.projects.models import Project
from labelpool.work.models import ReportReason

REPORT_REASONS = {
    ReportReason.BROKEN_MEDIA: "The media does not load or play",
    ReportReason.OFFENSIVE: "Offensive or harmful content",
    ReportReason.UNCLEAR: "Unclear: the task cannot be answered as asked",
    ReportReason.OTHER: "Something else",
}


def labeling_view(db: Session, user: User, project_id: int) -> dict[str, Any]:
    """The page's context; NotFound / PermissionDenied as the claim rule says (a requester is
    told only contributors take work)."""
    project = get_authorized(db, user, Project, project_id, WorkPolicy.claim, "project")
    fields = [dict(field) for field in project.data_fields]
    schema = checked_schema(project.label_schema, [f["name"] for f in fields])
    guidelines = _guidelines(db, user, project)
    config = {
        "project": {"id": project.id, "name": project.name},
        "controls": schema.to_json()["controls"],
        "fields": [
            {"name": f["name"], "kind": f["kind"], "description": f.get("description")}
            for f in fields
        ],
        "sections": [s["number"] for s in guidelines["sections"]] if guidelines else [],
        "report_reasons": [
            {"value": reason.value, "label": label} for reason, label in REPORT_REASONS.items()
        ],
    }
    return {
        "project": {
            "id": project.id,
            "name": project.name,
            "description": project.description,
            "status": project.status.value,
        },
        "instructions": project.instructions,
        "guidelines": guidelines,
        "page_config": config,
        "report_reasons": config["report_reasons"],
    }


def _guidelines(db: Session, user: User, project: Project) -> dict[str, Any] | None:
    """The current version of the guidelines the project follows, by numbered section."""
    guidelines = guidelines_service.guidelines_of_project(db, project.id)
    if guidelines is None or not permits(actor_of(db, user), GuidelinesPolicy.read(guidelines)):
        return None
    version = guidelines_service.get_version(db, guidelines)
    preamble, sections = outline_view(version.body)
    return {
        "id": guidelines.id,
        "title": guidelines.title,
        "version": version.number,
        "preamble": preamble,
        "sections": sections,
    }
