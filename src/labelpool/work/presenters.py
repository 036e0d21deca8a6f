"""The item of an assignment as a contributor gets it: data and signed media URLs, no gold."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from labelpool.config import Settings
from labelpool.projects.item_presenters import MEDIA_FIELD_KINDS, item_view, media_links
from labelpool.projects.models import Item, Project
from labelpool.web.render import when
from labelpool.work import reported
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


# --- the requester's Reported tab (issue 21, point 5) ------------------------------------------

REPORTS_PER_PAGE = 20
REASON_LABELS = {
    "broken_media": "Broken media",
    "offensive": "Offensive",
    "unclear": "Unclear",
    "other": "Other",
}


def reports_view(
    db: Session,
    settings: Settings,
    project: Project,
    *,
    can_manage: bool,
    after: int = 0,
    edits: Mapping[int, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The Reported tab: items with open reports, their reasons and comments (never who
    reported), the data as the edit form shows it; `edits` keeps a refused form's text and
    error by item id."""
    found = reported.reported_items(db, project, after_id=after, limit=REPORTS_PER_PAGE + 1)
    shown = found[:REPORTS_PER_PAGE]
    fields = list(project.data_fields)
    controls = {str(c.get("name")): c for c in (project.label_schema or {}).get("controls", [])}
    links = media_links(db, settings, project, fields, [entry.item for entry in shown])
    rows = []
    for entry in shown:
        edit = (edits or {}).get(entry.item.id, {})
        rows.append(
            {
                **item_view(entry.item, fields, controls, links),
                "withdrawn": entry.withdrawn,
                "reports": entry.reports,
                "reasons": [
                    {"key": key, "label": REASON_LABELS.get(key, key), "count": count}
                    for key, count in entry.by_reason.items()
                    if count
                ],
                "comments": [
                    {
                        "reason": REASON_LABELS.get(n.reason.value, n.reason.value),
                        "comment": n.comment,
                        "at": when(n.created_at),
                        "at_iso": n.created_at.isoformat(),
                    }
                    for n in entry.notes
                ],
                "first_reported_at": when(entry.first_reported_at),
                "last_reported_at": when(entry.last_reported_at),
                "data_text": edit.get("data")
                or json.dumps(entry.item.data or {}, indent=2, ensure_ascii=False),
                "error": edit.get("error"),
                "note": edit.get("note", ""),
                "open_edit": bool(edit),
            }
        )
    return {
        "rows": rows,
        "withdrawn_total": reported.withdrawn_count(db, project),
        "threshold": project.report_threshold,
        "can_manage": can_manage,
        "after": after,
        "next_after": shown[-1].item.id if len(found) > REPORTS_PER_PAGE else None,
    }
