"""The item of an assignment as a contributor gets it: data and signed media URLs, no gold."""

from __future__ import annotations

from sqlalchemy.orm import Session

from labelpool.config import Settings
from labelpool.projects.item_presenters import MEDIA_FIELD_KINDS, media_links
from labelpool.projects.models import Item, Project
from labelpool.work.models import Assignment
from labelpool.work.schemas import AssignmentOut, WorkItemOut


def assignment_out(
    db: Session, settings: Settings, project: Project, assignment: Assignment, item: Item
) -> AssignmentOut:
    fields = list(project.data_fields)
    links = media_links(db, settings, project, fields, [item])
    media: dict[str, str] = {}
    for field in fields:
        if field["kind"] not in MEDIA_FIELD_KINDS:
            continue
        url = links.url((item.data or {}).get(field["name"]))
        if url is not None:
            media[field["name"]] = url
    return AssignmentOut(
        id=assignment.id,
        project_id=project.id,
        item=WorkItemOut(id=item.id, data=dict(item.data or {}), media=media),
        expires_at=assignment.expires_at,
    )
