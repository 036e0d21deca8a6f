"""View shaping for the project pages: cards, item views, the settings form, history.

Presentation only: these read through the services and shape data for templates.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.eligibility.presenters import funnel_view, requirements_editor
from labelpool.errors import InvalidInput, LabelpoolError
from labelpool.guidelines import service as guidelines_service
from labelpool.guidelines.models import GuidelinesVersion
from labelpool.guidelines.presenters import outline_view, version_summary
from labelpool.policy import ProjectPolicy, actor_of, permits
from labelpool.policy.eligibility import EligibilityPolicy
from labelpool.projects import service
from labelpool.projects.item_presenters import control_summary, control_view, item_view, media_links
from labelpool.projects.lifecycle import ALLOWED
from labelpool.projects.models import ImportRun, Project, ProjectStatus
from labelpool.projects.templates import TaskFamily, get_template, list_templates
from labelpool.web.render import render, when
from labelpool.web.schemas import AfterId
from labelpool.work.presenters import reports_view
from labelpool.work.reported import withdrawn_count

ITEMS_PER_PAGE = 20
TABS = ("items", "import", "guidelines", "schema", "history", "reports", "workforce", "settings")
IMPORT_ACCEPT = ".jsonl,.ndjson,.json,.csv,.tsv,.parquet,.txt,.zip"

FAMILY_TITLES = {
    TaskFamily.IMAGE: ("Image", "Tag, classify and draw boxes on pictures."),
    TaskFamily.VIDEO: ("Video", "Follow objects, tag actions and events in clips."),
    TaskFamily.AUDIO: ("Audio", "Transcribe, segment and classify sound and speech."),
    TaskFamily.TEXT: ("Text", "Classify, highlight and check written text."),
    TaskFamily.RATING: ("Search & AI rating", "Judge relevance, ads and AI responses."),
    TaskFamily.COMPARISON: ("Comparison", "Pick the better of two responses or rank several."),
    TaskFamily.CONVERSATION: ("Conversation", "Rate chats turn by turn."),
    TaskFamily.GENERATION: ("Generation", "Write, rewrite and verify content."),
}
STATUS_BADGES = {
    ProjectStatus.DRAFT: "neutral",
    ProjectStatus.ACTIVE: "success",
    ProjectStatus.PAUSED: "warning",
    ProjectStatus.COMPLETED: "info",
    ProjectStatus.CANCELLED: "danger",
}
# The button for moving to each status: label, style, whether to ask first.
TRANSITION_BUTTONS = {
    ProjectStatus.ACTIVE: ("Activate", "btn-primary", None),
    ProjectStatus.PAUSED: ("Pause", "btn-secondary", None),
    ProjectStatus.COMPLETED: (
        "Mark completed",
        "btn-secondary",
        "Mark the project completed? It cannot be reopened.",
    ),
    ProjectStatus.CANCELLED: (
        "Cancel project",
        "btn-danger",
        "Cancel the project? It cannot be reopened; work already done is still paid.",
    ),
}
TRANSITION_ORDER = list(TRANSITION_BUTTONS)


# --- Shaping data for templates (presentation only) ---------------------------------------


def _duration(seconds: int) -> str:
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def _family_title(family: str) -> str:
    try:
        return FAMILY_TITLES[TaskFamily(family)][0]
    except ValueError:
        return family.capitalize()


def project_card(project: Project, organization_names: Mapping[int, str]) -> dict[str, Any]:
    return {
        "id": project.id,
        "name": project.name,
        "description": project.description,
        "template_key": project.template_key,
        "family": project.task_family,
        "family_title": _family_title(project.task_family),
        "status": project.status.value,
        "status_badge": STATUS_BADGES[project.status],
        "item_count": project.item_count,
        "gold_count": project.gold_count,
        "organization": organization_names.get(project.organization_id, ""),
        "created_at": f"{project.created_at:%Y-%m-%d}",
    }


def manageable_organizations(db: Session, user: User) -> list[dict[str, Any]]:
    actor = actor_of(db, user)
    if actor.is_admin:
        return [{"id": org.id, "name": org.name} for org in accounts.list_organizations(db)]
    managed = actor.managed_organization_ids
    return [
        {"id": org.id, "name": org.name}
        for org, _role in accounts.organizations_of(db, user)
        if org.id in managed
    ]


def _counted(labels: Iterable[str]) -> list[str]:
    """Repeated labels once, with a count: ["Rating 1 to 5 (x4)", "Text"]."""
    counts = Counter(labels)
    return [f"{label} \u00d7{n}" if n > 1 else label for label, n in counts.items()]


def template_cards() -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for family in TaskFamily:
        templates = list_templates(family)
        if not templates:
            continue
        title, blurb = FAMILY_TITLES.get(family, (family.value.capitalize(), ""))
        groups.append(
            {
                "family": family.value,
                "title": title,
                "blurb": blurb,
                "templates": [
                    {
                        "key": t.key,
                        "title": t.title,
                        "description": t.description,
                        "fields": [
                            {"name": f.name, "kind": f.kind.value, "required": f.required}
                            for f in t.data_fields
                        ],
                        "controls": _counted(control_summary(c) for c in t.controls),
                    }
                    for t in templates
                ],
            }
        )
    return groups


def _import_runs(db: Session, project: Project) -> list[dict[str, Any]]:
    runs = db.scalars(
        select(ImportRun)
        .where(ImportRun.project_id == project.id)
        .order_by(ImportRun.id.desc())
        .limit(20)
    )
    return [
        {
            "id": r.id,
            "source_name": r.source_name,
            "format": r.format,
            "status": r.status.value,
            "status_badge": {"succeeded": "success", "failed": "danger"}.get(
                r.status.value, "info"
            ),
            "rows_read": r.rows_read,
            "rows_imported": r.rows_imported,
            "rows_invalid": r.rows_invalid,
            "skip_invalid": r.skip_invalid,
            "message": r.message,
            "created_at": when(r.created_at),
        }
        for r in runs
    ]


SETTING_NAMES = {
    "name": "name",
    "description": "description",
    "instructions": "instructions",
    "guidelines": "guidelines",  # a setting until the guidelines became versioned (0010)
    "overlap": "overlap",
    "lease_seconds": "lease time",
    "deadline": "deadline",
    "max_lease_seconds": "longest lease",
    "gold_rate": "gold rate",
    "max_live_per_contributor": "tasks held at once",
    "max_responses_per_day": "answers a day",
    "report_threshold": "reports to take an item out",
    "fair_share_factor": "fair-share factor",
    "data_fields": "data fields",
    "label_schema": "label schema",
}


def _history(db: Session, project: Project) -> list[dict[str, Any]]:
    names: dict[int, str] = {}
    events = []
    for event in reversed(service.history(db, project)):
        actor = ""
        if event.actor_id is not None:
            if event.actor_id not in names:
                try:
                    names[event.actor_id] = accounts.get_user(db, event.actor_id).display_name
                except LabelpoolError:
                    names[event.actor_id] = f"user {event.actor_id}"
            actor = names[event.actor_id]
        created = event.action == "project.created"
        updated = event.action == "project.updated"
        to = "draft" if created else str(event.details.get("to", ""))
        events.append(
            {
                "created": created,
                "updated": updated,
                "fields": ", ".join(
                    SETTING_NAMES.get(str(f), str(f)) for f in event.details.get("fields", [])
                )
                if updated
                else "",
                "from_status": event.details.get("from"),
                "to_status": to,
                "to_badge": STATUS_BADGES.get(ProjectStatus(to), "neutral") if to else "neutral",
                "reason": event.reason,
                "actor": actor,
                "at": when(event.created_at),
            }
        )
    return events


def _example_row(project: Project) -> str:
    example: dict[str, Any] = {"id": "item-1"}
    for f in project.data_fields:
        value = f.get("example")
        if value is None:
            value = {
                "number": 1,
                "url": "https://example.com/page",
                "image": "https://example.com/photo.jpg",
                "audio": "https://example.com/clip.wav",
                "video": "https://example.com/clip.mp4",
                "conversation": [{"role": "user", "content": "Hi"}],
                "responses": ["First answer", "Second answer"],
            }.get(f["kind"], "…")
        example[f["name"]] = value
    return json.dumps(example, ensure_ascii=False)


def _current_guidelines(
    db: Session, project: Project
) -> tuple[dict[str, Any], GuidelinesVersion] | None:
    """The versioned guidelines the project follows ({id, title, version, published, note,
    material, href}) and their current version; None when it follows none."""
    guidelines = guidelines_service.guidelines_of_project(db, project.id)
    if guidelines is None:
        return None
    version = guidelines_service.get_version(db, guidelines)
    return version_summary(guidelines, version), version


def _guidelines_view(db: Session, project: Project) -> dict[str, Any]:
    """The Guidelines tab: the current version by numbered section, as the guidelines page
    shows it (headings moved down to sit under the section headings)."""
    found = _current_guidelines(db, project)
    if found is None:
        return {"guidelines": None, "preamble": "", "sections": []}
    summary, version = found
    preamble, sections = outline_view(version.body)
    return {"guidelines": summary, "preamble": preamble, "sections": sections}


def new_guidelines_form(db: Session, project: Project) -> dict[str, Any]:
    """The guidelines form ready for a project: titled after it, the project ticked, and the
    template's default guidelines as a start (projects from scratch start empty); the
    organization's projects to choose from."""
    body = ""
    if project.template_key:
        try:
            body = get_template(project.template_key).guidelines
        except KeyError:
            body = ""
    return {
        "form": {
            "title": guidelines_service.project_guidelines_title(project.name),
            "body": body,
            "project_ids": [project.id],
        },
        "projects": [
            {"id": p.id, "name": p.name}
            for p in service.organization_projects(db, project.organization_id)
        ],
    }


def project_context(
    db: Session,
    user: User,
    settings: Settings,
    project: Project,
    tab: str,
    after: AfterId = 0,
) -> dict[str, Any]:
    organization_names = {o.id: o.name for o, _ in accounts.organizations_of(db, user)}
    controls_list = list((project.label_schema or {}).get("controls", []))
    controls = {str(c.get("name")): c for c in controls_list}
    can_manage = permits(actor_of(db, user), ProjectPolicy.manage(project))
    can_see_funnel = permits(actor_of(db, user), EligibilityPolicy.see_funnel(project))
    allowed = ALLOWED[project.status]
    transitions = [
        {
            "status": target.value,
            "label": TRANSITION_BUTTONS[target][0],
            "style": TRANSITION_BUTTONS[target][1],
            "confirm": TRANSITION_BUTTONS[target][2],
        }
        for target in TRANSITION_ORDER
        if target in allowed
    ]
    context: dict[str, Any] = {
        "project": project_card(project, organization_names),
        "facts": {
            "template": project.template_key,
            "family": _family_title(project.task_family),
            "overlap": project.overlap,
            "lease": _duration(project.lease_seconds),
            "created_at": when(project.created_at),
        },
        "can_manage": can_manage,
        "transitions": transitions if can_manage else [],
        "tab": tab,
        "tabs": [
            ("items", "Items", project.item_count),
            ("import", "Import", None),
            ("guidelines", "Guidelines", None),
            ("schema", "Schema", len(controls_list)),
            ("history", "History", None),
            ("reports", "Reported", withdrawn_count(db, project)),
            *([("workforce", "Workforce", None)] if can_see_funnel else []),
            *([("settings", "Settings", None)] if can_manage else []),
        ],
        "import_accept": IMPORT_ACCEPT,
    }
    if tab == "items":
        page = service.list_items(db, project, after_id=after, limit=ITEMS_PER_PAGE + 1)
        fields = list(project.data_fields)
        media_only = all(f["kind"] in ("image", "video", "audio") for f in fields)
        shown = page[:ITEMS_PER_PAGE]
        links = media_links(db, settings, project, fields, shown)
        context["items"] = [item_view(i, fields, controls, links) for i in shown]
        context["items_layout"] = "grid" if media_only else "list"
        context["next_after"] = page[ITEMS_PER_PAGE - 1].id if len(page) > ITEMS_PER_PAGE else None
        context["after"] = after
    elif tab == "import":
        context["runs"] = _import_runs(db, project)
        context["fields"] = list(project.data_fields)
        context["example_row"] = _example_row(project)
        context["control_names"] = list(controls)
    elif tab == "guidelines":
        context["instructions"] = project.instructions
        context.update(_guidelines_view(db, project))
    elif tab == "schema":
        context["controls"] = [control_view(c, controls) for c in controls_list]
        context["fields"] = list(project.data_fields)
    elif tab == "history":
        context["history"] = _history(db, project)
    elif tab == "reports":
        context["reports"] = reports_view(db, settings, project, can_manage=can_manage, after=after)
    elif tab == "workforce" and can_see_funnel:
        context["workforce"] = funnel_view(db, project)
    elif tab == "settings" and can_manage:
        context["settings_form"] = _settings_form(project)
        context["settings_locked"] = service.settings_problem(project)
        found = _current_guidelines(db, project)
        context["guidelines"] = found[0] if found else None
        context["requirements_editor"] = requirements_editor(db, project)
    return context


def _settings_form(project: Project) -> dict[str, str]:
    """The settings form's values: what the project has now."""
    return {
        "name": project.name,
        "description": project.description,
        "instructions": project.instructions,
        "overlap": str(project.overlap),
        "lease_minutes": _minutes(project.lease_seconds),
        "deadline": _local(project.deadline) if project.deadline else "",
        "max_lease_minutes": _minutes(project.max_lease_seconds),
        "gold_rate": str(project.gold_rate),
        "max_live_per_contributor": str(project.max_live_per_contributor),
        "max_responses_per_day": str(project.max_responses_per_day or ""),
        "report_threshold": str(project.report_threshold),
        "fair_share_factor": str(project.fair_share_factor),
    }


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g}"


# The form's numbers: (form key, setting, scale, what it is called, blank means).
_NUMBERS: tuple[tuple[str, str, int, str, str], ...] = (
    ("overlap", "overlap", 1, "Overlap", "error"),
    ("lease_minutes", "lease_seconds", 60, "Lease time", "error"),
    ("max_lease_minutes", "max_lease_seconds", 60, "The longest lease", "keep"),
    ("gold_rate", "gold_rate", 1, "The gold rate", "keep"),
    ("max_live_per_contributor", "max_live_per_contributor", 1, "Tasks held at once", "keep"),
    ("max_responses_per_day", "max_responses_per_day", 1, "Answers a day", "none"),
    ("report_threshold", "report_threshold", 1, "Reports to take an item out", "keep"),
    ("fair_share_factor", "fair_share_factor", 1, "The fair-share factor", "keep"),
)


def settings_changes(form: Mapping[str, str]) -> dict[str, Any]:
    """The form as `update_project` changes; numbers checked here, the rest by the service.
    A blank work setting keeps its value (a blank daily limit means none)."""
    changes: dict[str, Any] = {key: form[key] for key in ("name", "description", "instructions")}
    for key, field, scale, words, blank in _NUMBERS:
        raw = form.get(key, "").strip()
        if not raw and blank != "error":
            if blank == "none":
                changes[field] = None
            continue
        try:
            number = float(raw)
        except ValueError:
            raise InvalidInput(f"{words} must be a number.", details={"field": field}) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise InvalidInput(f"{words} must be a number.", details={"field": field})
        if scale == 1 and not number.is_integer():
            raise InvalidInput(f"{words} must be a whole number.", details={"field": field})
        changes[field] = round(number * scale)
    if "deadline" in form:
        changes["deadline"] = _deadline(form["deadline"])
    return changes


def _local(value: datetime) -> str:
    """A UTC moment as a `datetime-local` value (seconds only when there are some)."""
    return f"{value:%Y-%m-%dT%H:%M:%S}" if value.second else f"{value:%Y-%m-%dT%H:%M}"


def _deadline(raw: str) -> datetime | None:
    """The form's deadline (a UTC date and time, as `datetime-local` posts it); blank: none."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            "Write the deadline as a date and time, e.g. 2027-01-15 18:00 (UTC).",
            details={"field": "deadline"},
        ) from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def render_project(
    request: Request,
    db: Session,
    user: User,
    settings: Settings,
    project: Project,
    tab: str,
    *,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
    flashes: list[dict[str, str]] | None = None,
) -> HTMLResponse:
    context = project_context(db, user, settings, project, tab)
    return render(
        request,
        "projects/detail.html",
        {**context, **(extra or {})},
        user=user,
        status_code=status_code,
        flashes=flashes,
    )
