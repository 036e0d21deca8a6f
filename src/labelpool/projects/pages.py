"""Pages for requesters: the project list, creating from a template, a project's page with
its items, imports, guidelines, schema and lifecycle.

Routes stay thin: the services decide; the helpers here only shape data for templates.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.config import Settings
from labelpool.errors import Conflict, InvalidInput, LabelpoolError, NotFound, PermissionDenied
from labelpool.guidelines import service as guidelines_service
from labelpool.guidelines.models import GuidelinesVersion
from labelpool.guidelines.sections import parse_sections
from labelpool.media.service import ItemMediaLinks
from labelpool.projects import access, service
from labelpool.projects.importing.limits import MORE, preview
from labelpool.projects.lifecycle import ALLOWED
from labelpool.projects.models import ImportRun, ImportStatus, Item, Project, ProjectStatus
from labelpool.projects.templates import TaskFamily, get_template, list_templates
from labelpool.projects.uploads import import_upload
from labelpool.web.deps import CurrentUser, DbSession, SettingsDep, StorageDep, csrf_protect
from labelpool.web.markdown import markdown_html
from labelpool.web.render import FormStr, redirect, render, when
from labelpool.web.schemas import AfterId, ResourceId

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

ITEMS_PER_PAGE = 20
TABS = ("items", "import", "guidelines", "schema", "history", "settings")
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
KIND_LABELS = {
    "choice": "Choice",
    "rating": "Rating",
    "text": "Text",
    "spans": "Text spans",
    "boxes": "Boxes",
    "regions": "Time regions",
    "tracks": "Tracks",
    "ranking": "Ranking",
    "pairwise": "Pairwise",
}
SHOWN_CONTROL_KEYS = {
    "name",
    "kind",
    "title",
    "description",
    "target",
    "targets",
    "required",
    "show_if",
    "guideline_section",
    "options",
    "labels",
    "scale",
}


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


def _project_card(project: Project, organization_names: Mapping[int, str]) -> dict[str, Any]:
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


def _manageable_organizations(db: Session, user: User) -> list[dict[str, Any]]:
    return [
        {"id": org.id, "name": org.name}
        for org, role in accounts.organizations_of(db, user)
        if role in access.MANAGE_ROLES
    ]


def _control_summary(control: Mapping[str, Any]) -> str:
    kind = str(control.get("kind", ""))
    label = KIND_LABELS.get(kind, kind)
    if kind == "choice":
        count = len(control.get("options", []))
        return f"{'Multi' if control.get('multiple') else 'Single'} choice ({count})"
    if kind == "rating":
        values = [p.get("value") for p in control.get("scale", []) if isinstance(p, dict)]
        return f"Rating {values[0]} to {values[-1]}" if values else "Rating"
    return label


def _counted(labels: Iterable[str]) -> list[str]:
    """Repeated labels once, with a count: ["Rating 1 to 5 (x4)", "Text"]."""
    counts = Counter(labels)
    return [f"{label} \u00d7{n}" if n > 1 else label for label, n in counts.items()]


def _template_cards() -> list[dict[str, Any]]:
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
                        "controls": _counted(_control_summary(c) for c in t.controls),
                    }
                    for t in templates
                ],
            }
        )
    return groups


def _label_of(control: Mapping[str, Any], value: Any) -> str:
    for key in ("options", "scale", "labels"):
        for option in control.get(key) or []:
            if option.get("value") == value:
                return str(option.get("label", value))
    return str(value)


def _compact(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _answer_text(control: Mapping[str, Any] | None, answer: Any) -> str:
    """A gold answer in words: option labels, scale labels, counts of boxes and regions."""
    if control is None:
        return _compact(answer)
    kind = control.get("kind")
    if kind in ("choice", "rating"):
        values = answer if isinstance(answer, list) else [answer]
        return ", ".join(_label_of(control, v) for v in values)
    if kind == "text" and isinstance(answer, str):
        return answer
    if kind == "regions" and isinstance(answer, list):
        parts = [
            f"{_label_of(control, r.get('label'))} {r.get('start')}\u2013{r.get('end')} s"
            for r in answer
            if isinstance(r, dict)
        ]
        return "; ".join(parts) if parts else "No regions"
    if kind in ("boxes", "spans", "tracks") and isinstance(answer, list):
        noun = {"boxes": "box", "spans": "span", "tracks": "track"}[kind]
        labels = ", ".join(
            _label_of(control, a.get("label")) for a in answer if isinstance(a, dict)
        )
        plural = "es" if noun == "box" else "s"
        count = len(answer)
        return f"{count} {noun}{'' if count == 1 else plural}" + (f": {labels}" if labels else "")
    if kind == "pairwise" and isinstance(answer, dict) and "winner" in answer:
        winner = answer["winner"]
        verdict = "Tie" if winner == "tie" else f"{str(winner).upper()} is better"
        return verdict + (f" ({answer['strength']})" if answer.get("strength") else "")
    if kind == "ranking" and isinstance(answer, list):
        return "Order: " + " > ".join(str(i + 1) if isinstance(i, int) else str(i) for i in answer)
    return _compact(answer)


MEDIA_FIELD_KINDS = ("image", "audio", "video")


def _media_field_view(kind: str, value: Any, links: ItemMediaLinks) -> dict[str, Any]:
    """A media field: the file, a link, or "unavailable" for a reference that is not ours."""
    if isinstance(value, str) and value.startswith("media:"):
        src = links.url(value)
        if src is None:
            return {"display": "unavailable", "value": value}
        return {"display": kind, "src": src, "value": value}
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return {"display": kind, "src": value, "value": value}
    return {"display": "text", "src": None, "value": str(value)}


def _field_value(kind: str, value: Any, links: ItemMediaLinks) -> dict[str, Any]:
    """How to show one field of an item; `display` picks the template branch."""
    if value is None or value == "":
        return {"display": "missing"}
    if kind in MEDIA_FIELD_KINDS:
        return _media_field_view(kind, value, links)
    if kind == "url" and isinstance(value, str) and value.startswith(("http://", "https://")):
        return {"display": "url", "value": value}
    if kind == "number" and isinstance(value, int | float):
        return {"display": "number", "value": value}
    if kind == "conversation" and isinstance(value, list):
        turns = [
            {"role": str(t.get("role", "")), "content": str(t.get("content", ""))}
            for t in value
            if isinstance(t, dict)
        ]
        return {"display": "conversation", "turns": turns}
    if kind == "responses" and isinstance(value, list):
        responses = [r.get("text", "") if isinstance(r, dict) else str(r) for r in value]
        return {"display": "responses", "responses": responses}
    if kind == "markdown" and isinstance(value, str):
        return {"display": "markdown", "html": markdown_html(value, shift=3)}
    if kind == "text" and isinstance(value, str):
        return {"display": "text", "value": value}
    return {"display": "json", "value": json.dumps(value, indent=2, ensure_ascii=False)}


def _item_view(
    item: Item,
    fields: list[dict[str, Any]],
    controls: Mapping[str, Mapping[str, Any]],
    links: ItemMediaLinks,
) -> dict[str, Any]:
    known = {f["name"] for f in fields}
    data, shortened = preview(item.data or {}, first=known)
    more_keys = data.pop(MORE, None) if shortened else None
    shown = [
        {
            "name": f["name"],
            "kind": f["kind"],
            **_field_value(f["kind"], data.get(f["name"]), links),
        }
        for f in fields
        if f["name"] in data or f.get("required", True)
    ]
    shown += [
        {"name": name, "kind": "json", **_field_value("json", value, links)}
        for name, value in data.items()
        if name not in known
    ]
    gold = [
        {
            "control": name,
            "title": (controls.get(name) or {}).get("title", name),
            "answer": _answer_text(controls.get(name), answer),
        }
        for name, answer in (item.gold or {}).items()
    ]
    return {
        "id": item.id,
        "external_id": item.external_id,
        "is_gold": item.is_gold,
        "fields": shown,
        "gold": gold,
        "shortened": shortened,
        "more_keys": more_keys,
    }


def _media_links(
    db: Session,
    settings: Settings,
    project: Project,
    fields: list[dict[str, Any]],
    items: list[Item],
) -> ItemMediaLinks:
    """Signed URLs for the media fields of `items`: only the project's organization's files."""
    names = [f["name"] for f in fields if f["kind"] in MEDIA_FIELD_KINDS]
    values = [(item.data or {}).get(name) for item in items for name in names]
    return ItemMediaLinks(
        db,
        project.organization_id,
        settings.signing_key,
        values,
        ttl_seconds=settings.media.media_url_ttl_seconds,
    )


def _condition_text(condition: Any, controls: Mapping[str, Mapping[str, Any]]) -> str | None:
    if not isinstance(condition, dict) or "control" not in condition:
        return None
    name = str(condition["control"])
    target = controls.get(name)
    values = [_label_of(target or {}, v) for v in condition.get("in", [])]
    title = (target or {}).get("title", name)
    answers = " or ".join(f"“{v}”" for v in values)
    return f"Shown only when “{title}” ({name}) is {answers}."


SETTING_WORDS = {
    "na_option": "N/A allowed",
    "multiline": "multi-line",
    "multiple": "several answers",
    "allow_text": "free text allowed",
    "allow_tie": "ties allowed",
    "allow_overlap": "overlaps allowed",
}


def _setting_text(key: str, value: Any) -> str:
    words = SETTING_WORDS.get(key, key.replace("_", " "))
    if value is True:
        return words
    return f"{words}: {value if isinstance(value, str | int | float) else _compact(value, 80)}"


def _control_view(
    control: Mapping[str, Any], controls: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    kind = str(control.get("kind", ""))
    choices = control.get("options") or control.get("labels") or []
    scale = control.get("scale") or []
    targets = control.get("targets") or ([control["target"]] if control.get("target") else [])
    return {
        "name": control.get("name"),
        "kind": kind,
        "kind_label": _control_summary(control),
        "title": control.get("title", ""),
        "description": control.get("description"),
        "targets": targets,
        "required": control.get("required", True),
        "section": control.get("guideline_section"),
        "condition": _condition_text(control.get("show_if"), controls),
        "choices": [
            {"value": c.get("value"), "label": c.get("label"), "hint": c.get("hint")}
            for c in choices
            if isinstance(c, dict)
        ],
        "choices_title": "Labels" if control.get("labels") else "Options",
        "scale": [
            {"value": p.get("value"), "label": p.get("label"), "description": p.get("description")}
            for p in scale
            if isinstance(p, dict)
        ],
        "settings": [
            _setting_text(k, v)
            for k, v in control.items()
            if k not in SHOWN_CONTROL_KEYS and v is not None and v is not False
        ],
    }


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
    summary = {
        "id": guidelines.id,
        "title": guidelines.title,
        "version": version.number,
        "published": when(version.created_at),
        "note": version.note,
        "material": version.material,
        "href": f"/guidelines/{guidelines.id}",
    }
    return summary, version


def _guidelines_view(db: Session, project: Project) -> dict[str, Any]:
    """The Guidelines tab: the current version by numbered section, as the guidelines page
    shows it (headings moved down to sit under the section headings)."""
    found = _current_guidelines(db, project)
    if found is None:
        return {"guidelines": None, "preamble": "", "sections": []}
    summary, version = found
    outline = parse_sections(version.body)
    return {
        "guidelines": summary,
        "preamble": markdown_html(outline.preamble, shift=1),
        "sections": [
            {
                "number": s.number,
                "title": s.title,
                "level": s.level,
                "html": markdown_html(s.body, shift=2),
            }
            for s in outline.sections
        ],
    }


def _project_context(
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
    can_manage = user.role == Role.ADMIN or access.organization_role(
        db, user, project.organization_id
    ) in (access.MANAGE_ROLES)
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
        "project": _project_card(project, organization_names),
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
            *([("settings", "Settings", None)] if can_manage else []),
        ],
        "import_accept": IMPORT_ACCEPT,
    }
    if tab == "items":
        page = service.list_items(db, project, after_id=after, limit=ITEMS_PER_PAGE + 1)
        fields = list(project.data_fields)
        media_only = all(f["kind"] in ("image", "video", "audio") for f in fields)
        shown = page[:ITEMS_PER_PAGE]
        links = _media_links(db, settings, project, fields, shown)
        context["items"] = [_item_view(i, fields, controls, links) for i in shown]
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
        context["controls"] = [_control_view(c, controls) for c in controls_list]
        context["fields"] = list(project.data_fields)
    elif tab == "history":
        context["history"] = _history(db, project)
    elif tab == "settings" and can_manage:
        context["settings_form"] = _settings_form(project)
        context["settings_locked"] = service.settings_problem(project)
        found = _current_guidelines(db, project)
        context["guidelines"] = found[0] if found else None
    return context


def _settings_form(project: Project) -> dict[str, str]:
    """The settings form's values: what the project has now."""
    return {
        "name": project.name,
        "description": project.description,
        "instructions": project.instructions,
        "overlap": str(project.overlap),
        "lease_minutes": _minutes(project.lease_seconds),
    }


def _minutes(seconds: int) -> str:
    return f"{seconds / 60:g}"


def _settings_changes(form: Mapping[str, str]) -> dict[str, Any]:
    """The form as `update_project` changes; numbers checked here, the rest by the service."""
    changes: dict[str, Any] = {key: form[key] for key in ("name", "description", "instructions")}
    for key, field, scale, words in (
        ("overlap", "overlap", 1, "Overlap"),
        ("lease_minutes", "lease_seconds", 60, "Lease time"),
    ):
        raw = form[key].strip()
        try:
            number = float(raw)
        except ValueError:
            raise InvalidInput(f"{words} must be a number.", details={"field": field}) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise InvalidInput(f"{words} must be a number.", details={"field": field})
        if scale == 1 and not number.is_integer():
            raise InvalidInput(f"{words} must be a whole number.", details={"field": field})
        changes[field] = round(number * scale)
    return changes


def _render_project(
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
    context = _project_context(db, user, settings, project, tab)
    return render(
        request,
        "projects/detail.html",
        {**context, **(extra or {})},
        user=user,
        status_code=status_code,
        flashes=flashes,
    )


# --- Routes -----------------------------------------------------------------------------------


@router.get("/projects", response_class=HTMLResponse)
def project_list(request: Request, user: CurrentUser, db: DbSession) -> Response:
    organization_names = {o.id: o.name for o, _ in accounts.organizations_of(db, user)}
    projects = [_project_card(p, organization_names) for p in service.list_projects(db, user)]
    return render(
        request,
        "projects/list.html",
        {
            "projects": projects,
            "can_create": bool(_manageable_organizations(db, user)),
            "show_organization": len({p["organization"] for p in projects}) > 1,
        },
        user=user,
    )


def _new_form(
    request: Request,
    db: Session,
    user: User,
    form: dict[str, Any],
    *,
    error: str | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    organizations = _manageable_organizations(db, user)
    if not organizations:
        if user.role == Role.CONTRIBUTOR:
            raise NotFound("There is no such page.")
        raise PermissionDenied(
            "Only an organization's requesters and admins can create projects; ask one of them."
        )
    return render(
        request,
        "projects/new.html",
        {
            "groups": _template_cards(),
            "organizations": organizations,
            "form": form,
            "form_error": error,
            "field_errors": field_errors or {},
        },
        user=user,
        status_code=status_code,
    )


@router.get("/projects/new", response_class=HTMLResponse)
def new_project_page(
    request: Request, user: CurrentUser, db: DbSession, template: str = ""
) -> Response:
    return _new_form(request, db, user, {"template": template})


@router.post("/projects/new", response_class=HTMLResponse)
def new_project(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    name: FormStr = "",
    template: FormStr = "",
    organization_id: FormStr = "",
) -> Response:
    form = {"name": name, "template": template, "organization_id": organization_id}
    organizations = _manageable_organizations(db, user)
    try:
        if not template:
            raise InvalidInput("Choose a template for the project.", details={"field": "template"})
        if organization_id:
            try:
                org_id = int(organization_id)
            except ValueError:
                raise InvalidInput(
                    "Choose an organization from the list.", details={"field": "organization_id"}
                ) from None
        elif len(organizations) == 1:
            org_id = organizations[0]["id"]
        else:
            raise InvalidInput(
                "Choose the organization the project belongs to.",
                details={"field": "organization_id"},
            )
        project = service.create_project(db, user, org_id, name=name, template_key=template)
    except LabelpoolError as exc:
        db.rollback()
        field = exc.details.get("field") if isinstance(exc.details, dict) else None
        return _new_form(
            request,
            db,
            user,
            form,
            error=exc.message,
            field_errors={field: exc.message} if field else {},
            status_code=exc.status_code,
        )
    return redirect(
        request,
        f"/projects/{project.id}",
        ("success", f"Project “{project.name}” created as a draft. Import items next."),
    )


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project_page(
    request: Request,
    project_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    tab: str = "items",
    after: AfterId = 0,
) -> Response:
    project = access.project_for_viewer(db, user, project_id)
    tab = tab if tab in TABS else "items"
    context = _project_context(db, user, settings, project, tab, max(after, 0))
    return render(request, "projects/detail.html", context, user=user)


@router.get("/projects/{project_id}/guidelines/new", response_class=HTMLResponse)
def new_guidelines_page(
    request: Request, project_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    """The guidelines form ready for this project: titled after it, the project ticked, and
    the template's default guidelines as a start (projects from scratch start empty)."""
    project = access.project_for_manager(db, user, project_id)
    body = ""
    if project.template_key:
        try:
            body = get_template(project.template_key).guidelines
        except KeyError:
            body = ""
    same_organization = db.scalars(
        select(Project)
        .where(Project.organization_id == project.organization_id)
        .order_by(Project.name)
    )
    context = {
        "form": {
            "title": guidelines_service.project_guidelines_title(project.name),
            "body": body,
            "project_ids": [project.id],
        },
        "projects": [{"id": p.id, "name": p.name} for p in same_organization],
    }
    return render(request, "guidelines/new.html", context, user=user)


@router.post("/projects/{project_id}/settings", response_class=HTMLResponse)
def update_settings(
    request: Request,
    project_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    name: FormStr = "",
    description: FormStr = "",
    instructions: FormStr = "",
    overlap: FormStr = "",
    lease_minutes: FormStr = "",
) -> Response:
    project = access.project_for_manager(db, user, project_id)
    form = {
        "name": name,
        "description": description,
        "instructions": instructions,
        "overlap": overlap,
        "lease_minutes": lease_minutes,
    }
    try:
        service.update_project(db, user, project, _settings_changes(form))
    except LabelpoolError as exc:
        db.rollback()
        project = access.project_for_manager(db, user, project_id)
        field = exc.details.get("field") if isinstance(exc.details, dict) else None
        return _render_project(
            request,
            db,
            user,
            settings,
            project,
            "settings",
            extra={
                "settings_form": form,
                "settings_error": exc.message,
                "field_errors": {field: exc.message} if field else {},
            },
            status_code=exc.status_code,
        )
    return redirect(request, f"/projects/{project.id}?tab=settings", ("success", "Settings saved."))


@router.post("/projects/{project_id}/status")
def change_status(
    request: Request,
    project_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    status: FormStr = "",
    reason: FormStr = "",
) -> Response:
    project = access.project_for_manager(db, user, project_id)
    here = f"/projects/{project.id}"
    try:
        target = ProjectStatus(status)
    except ValueError:
        return redirect(request, here, ("error", f"'{status}' is not a project status."))
    try:
        service.change_status(db, user, project, target, reason.strip() or None)
    except Conflict as exc:
        return redirect(request, here, ("error", exc.message))
    return redirect(request, here, ("success", f"The project is now {target.value}."))


@router.post("/projects/{project_id}/import", response_class=HTMLResponse)
def upload_import(
    request: Request,
    project_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    storage: StorageDep,
    file: Annotated[UploadFile | None, File()] = None,
    skip_invalid: Annotated[bool, Form()] = False,
) -> Response:
    project = access.project_for_manager(db, user, project_id)
    if file is None or not file.filename:
        return _render_project(
            request,
            db,
            user,
            settings,
            project,
            "import",
            extra={"import_error": "Choose a file to import.", "skip_invalid": skip_invalid},
            status_code=422,
        )
    try:
        run = import_upload(
            db,
            settings,
            storage,
            user,
            project,
            file.file,
            file.filename,
            skip_invalid=skip_invalid,
        )
    except InvalidInput as exc:
        # Refused before a run started (unknown format, closed project): nothing stored.
        return _render_project(
            request,
            db,
            user,
            settings,
            project,
            "import",
            extra={"import_error": exc.message, "skip_invalid": skip_invalid},
            status_code=422,
        )
    if run.status == ImportStatus.FAILED:
        # Returned, not raised, so the failed run is still recorded.
        return _render_project(
            request,
            db,
            user,
            settings,
            project,
            "import",
            extra={
                "import_error": run.message,
                "import_errors": run.errors,
                "rows_invalid": run.rows_invalid,
                "skip_invalid": skip_invalid,
            },
            status_code=422,
        )
    return redirect(request, f"/projects/{project.id}", ("success", run.message or "Imported."))
