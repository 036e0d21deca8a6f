"""Project logic: create from a template, change, move through the lifecycle, list items."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.audit.models import AuditEvent
from labelpool.controls.fields import DataField
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound
from labelpool.events import Action, emit
from labelpool.guidelines import service as guidelines_service
from labelpool.policy import OrganizationPolicy, ProjectPolicy, actor_of, authorize, visible
from labelpool.policy.projects import managed_projects as managed_project_rows
from labelpool.policy.rules import get_authorized
from labelpool.projects.answers import answer_checker, checked_schema
from labelpool.projects.importing.rows import RESERVED_KEYS
from labelpool.projects.lifecycle import transition_problem
from labelpool.projects.models import Item, Prediction, Project, ProjectStatus
from labelpool.projects.templates import get_template

# How claims behave (see `labelpool.work`): each a whole number within (low, high, what it is).
WORK_SETTINGS: dict[str, tuple[int, int, str]] = {
    "max_lease_seconds": (30, 7 * 86_400, "The longest lease must be from 30 seconds to 7 days"),
    "gold_rate": (0, 100, "The gold rate must be from 0 to 100 percent"),
    "max_live_per_contributor": (1, 100, "Tasks held at once must be from 1 to 100"),
    "max_responses_per_day": (1, 1_000_000, "Answers a day must be from 1 to 1,000,000"),
    "report_threshold": (1, 1000, "Reports that take an item out must be from 1 to 1,000"),
    "fair_share_factor": (0, 1000, "The fair-share factor must be from 0 to 1,000"),
}
DEFAULT_MAX_LEASE_SECONDS = 3600
EDITABLE_ANY_TIME = (
    "name",
    "description",
    "instructions",
    "overlap",
    "lease_seconds",
    "deadline",
    *WORK_SETTINGS,
)
EDITABLE_WHILE_EMPTY = ("data_fields", "label_schema")


def _check_fields(raw_fields: Sequence[Mapping[str, Any]]) -> list[DataField]:
    try:
        fields = [DataField.model_validate(f) for f in raw_fields]
    except ValueError as exc:
        raise InvalidInput(
            f"A data field is not valid: {exc}", details={"field": "data_fields"}
        ) from None
    if not fields:
        raise InvalidInput("A project needs at least one data field.")
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise InvalidInput("Data field names must be unique.", details={"field": "data_fields"})
    if reserved := RESERVED_KEYS.intersection(names):
        raise InvalidInput(
            f"'{sorted(reserved)[0]}' is reserved for import rows; rename that data field.",
            details={"field": "data_fields"},
        )
    return fields


READ_ONLY_STATUSES = (ProjectStatus.COMPLETED, ProjectStatus.CANCELLED)
MAX_NAME = 200


def _check_numbers(overlap: int, lease_seconds: int) -> None:
    if not 1 <= overlap <= 100:
        raise InvalidInput(
            "Overlap (answers per item) must be from 1 to 100.", details={"field": "overlap"}
        )
    if not 30 <= lease_seconds <= 24 * 3600:
        raise InvalidInput(
            "Lease time must be from 30 seconds to 24 hours.", details={"field": "lease_seconds"}
        )


def _check_work_settings(project: Project, changes: dict[str, Any]) -> None:
    """Each work setting within its bounds (`max_responses_per_day` may be None: no limit), and
    the longest lease no shorter than the lease (a longer lease alone raises it along)."""
    lease_alone = "lease_seconds" in changes and "max_lease_seconds" not in changes
    if lease_alone and project.max_lease_seconds < changes["lease_seconds"]:
        changes["max_lease_seconds"] = changes["lease_seconds"]
    for key, (low, high, words) in WORK_SETTINGS.items():
        if key not in changes or (changes[key] is None and key == "max_responses_per_day"):
            continue
        value = changes[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(f"{words}.", details={"field": key})
    lease = changes.get("lease_seconds", project.lease_seconds)
    longest = changes.get("max_lease_seconds", project.max_lease_seconds)
    if ({"lease_seconds", "max_lease_seconds"} & set(changes)) and longest < lease:
        raise InvalidInput(
            "The longest lease (with extensions) must be at least the lease time: raise it too.",
            details={"field": "max_lease_seconds"},
        )


def _check_deadline(value: Any) -> datetime | None:
    """A deadline is a time-zone-aware moment in the future (stored in UTC), or None."""
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise InvalidInput(
            "The deadline must be a date and time with its time zone, e.g. 2027-01-15T18:00:00Z.",
            details={"field": "deadline"},
        )
    if value <= utcnow():
        raise InvalidInput(
            "The deadline must be in the future; clear it instead if there is none.",
            details={"field": "deadline"},
        )
    return value.astimezone(UTC)


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(
            f"Project name must be 1 to {MAX_NAME} characters.", details={"field": "name"}
        )
    return name


TEXT_LIMITS = {"description": 20_000, "instructions": 20_000}


def _check_texts(values: Mapping[str, Any]) -> None:
    for key, limit in TEXT_LIMITS.items():
        value = values.get(key)
        if value is not None and (not isinstance(value, str) or len(value) > limit):
            raise InvalidInput(
                f"The {key} must be text of at most {limit:,} characters.",
                details={"field": key},
            )


def settings_problem(project: Project) -> str | None:
    """Why the project's settings cannot change any more, or None while they can."""
    if project.status in READ_ONLY_STATUSES:
        return (
            f"The project is {project.status.value}; its settings cannot change any more "
            "(they stay as they were when it closed)."
        )
    return None


def create_project(
    db: Session,
    actor: User,
    organization_id: int,
    *,
    name: str,
    template_key: str | None = None,
    description: str | None = None,
    instructions: str | None = None,
    data_fields: Sequence[Mapping[str, Any]] | None = None,
    label_schema: Mapping[str, Any] | None = None,
    overlap: int = 3,
    lease_seconds: int = 600,
) -> Project:
    """Create a draft project, from a template (anything given overrides it) or from scratch.

    A template's default guidelines become the project's own versioned guidelines (see
    `labelpool.guidelines`), which the project follows from the start."""
    rule = OrganizationPolicy.create_in(organization_id, "projects")
    if db.get(Organization, organization_id) is None:
        raise NotFound(rule.hidden)
    authorize(actor_of(db, actor), rule)
    name = _check_name(name)
    family = "custom"
    guidelines = ""
    if template_key is not None:
        try:
            template = get_template(template_key)
        except KeyError as exc:
            raise InvalidInput(str(exc.args[0]), details={"field": "template"}) from None
        family = template.family.value
        description = template.description if description is None else description
        instructions = template.instructions if instructions is None else instructions
        guidelines = template.guidelines
        if data_fields is None:
            data_fields = [f.model_dump(mode="json") for f in template.data_fields]
        if label_schema is None:
            label_schema = {"controls": [dict(c) for c in template.controls]}
    if data_fields is None or label_schema is None:
        raise InvalidInput(
            "Choose a template, or give both data_fields and label_schema.",
            details={"field": "template"},
        )
    fields = _check_fields(data_fields)
    checked_schema(label_schema, [f.name for f in fields])
    _check_numbers(overlap, lease_seconds)
    project = Project(
        organization_id=organization_id,
        name=name,
        template_key=template_key,
        task_family=family,
        description=description or "",
        instructions=instructions or "",
        data_fields=[f.model_dump(mode="json", exclude_none=True) for f in fields],
        label_schema=dict(label_schema),
        overlap=overlap,
        lease_seconds=lease_seconds,
        max_lease_seconds=max(DEFAULT_MAX_LEASE_SECONDS, lease_seconds),
        created_by=actor.id,
    )
    db.add(project)
    db.flush()
    emit(
        db,
        Action.PROJECT_CREATED,
        "project",
        project.id,
        actor_id=actor.id,
        organization_id=organization_id,
        details={"template": template_key},
    )
    if guidelines.strip():
        guidelines_service.create_for_project(db, actor, project, guidelines)
    return project


def _locked(db: Session, project: Project) -> Project:
    """The project with its row locked until commit and its status read again (PostgreSQL:
    a concurrent status change waits, or has committed and is seen; SQLite's writers are
    serialised by BEGIN IMMEDIATE)."""
    db.execute(select(Project.id).where(Project.id == project.id).with_for_update())
    db.refresh(project, attribute_names=["status"])
    return project


def update_project(
    db: Session, actor: User, project: Project, changes: Mapping[str, Any]
) -> Project:
    """Change settings until the project is completed or cancelled. The data fields and label
    schema change only while there are no items. Values equal to the current ones are left
    out; a change is logged (`project.updated`, with the fields changed)."""
    unknown = set(changes) - set(EDITABLE_ANY_TIME) - set(EDITABLE_WHILE_EMPTY)
    if unknown:
        raise InvalidInput(f"'{sorted(unknown)[0]}' cannot be changed here.")
    if problem := settings_problem(_locked(db, project)):
        raise Conflict(problem, code="project_closed")
    changes = {
        key: value.strip() if key == "name" and isinstance(value, str) else value
        for key, value in changes.items()
    }
    if set(changes) & set(EDITABLE_WHILE_EMPTY) and project.item_count > 0:
        raise Conflict(
            "The data fields and label schema are fixed once items are imported; create a new "
            "project to change them."
        )
    changes = {key: value for key, value in changes.items() if getattr(project, key) != value}
    if not changes:
        return project
    fields_raw = changes.get("data_fields", project.data_fields)
    fields = _check_fields(fields_raw)
    checked_schema(changes.get("label_schema", project.label_schema), [f.name for f in fields])
    _check_numbers(
        changes.get("overlap", project.overlap), changes.get("lease_seconds", project.lease_seconds)
    )
    if "name" in changes:
        _check_name(str(changes["name"]))
    _check_work_settings(project, changes)
    if "deadline" in changes:
        changes["deadline"] = _check_deadline(changes["deadline"])
    _check_texts(changes)
    for key, value in changes.items():
        setattr(project, key, value)
    emit(
        db,
        Action.PROJECT_UPDATED,
        "project",
        project.id,
        actor_id=actor.id,
        organization_id=project.organization_id,
        details={"fields": sorted(changes)},
    )
    return project


def change_status(
    db: Session, actor: User, project: Project, target: ProjectStatus, reason: str | None = None
) -> Project:
    """Move the project through its lifecycle; every change is logged with who, when and why."""
    if problem := transition_problem(project.status, target):
        raise Conflict(problem, details={"from": project.status.value, "to": target.value})
    if target == ProjectStatus.ACTIVE and project.item_count == 0:
        raise Conflict("Import items before activating the project; it has none.")
    previous = project.status
    project.status = target
    emit(
        db,
        Action.PROJECT_STATUS_CHANGED,
        "project",
        project.id,
        actor_id=actor.id,
        organization_id=project.organization_id,
        reason=(reason or None) and reason[:1000],
        details={"from": previous.value, "to": target.value},
    )
    return project


def _events(db: Session, project: Project, actions: tuple[str, ...]) -> list[AuditEvent]:
    """The project's audit events with one of `actions`, oldest first."""
    return list(
        db.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.target_type == "project",
                AuditEvent.target_id == project.id,
                AuditEvent.action.in_(actions),
            )
            .order_by(AuditEvent.id)
        )
    )


def status_history(db: Session, project: Project) -> list[AuditEvent]:
    return _events(db, project, ("project.created", "project.status_changed"))


def history(db: Session, project: Project) -> list[AuditEvent]:
    """Creation, status changes and settings changes, oldest first (the project's page)."""
    return _events(db, project, ("project.created", "project.status_changed", "project.updated"))


def list_projects(db: Session, user: User) -> list[Project]:
    return list(
        db.scalars(visible(select(Project).order_by(Project.id.desc()), actor_of(db, user)))
    )


def managed_projects(db: Session, user: User) -> list[Project]:
    """The projects of every organization the user manages, by name."""
    statement = managed_project_rows(select(Project).order_by(Project.name), actor_of(db, user))
    return list(db.scalars(statement))


def organization_projects(db: Session, organization_id: int) -> list[Project]:
    """Every project of one organization, by name (whoever is asking: check access first)."""
    return list(
        db.scalars(
            select(Project).where(Project.organization_id == organization_id).order_by(Project.name)
        )
    )


def list_items(db: Session, project: Project, *, after_id: int = 0, limit: int = 100) -> list[Item]:
    """Items in id order, a page at a time (keyset pagination: pass the last id seen)."""
    return list(
        db.scalars(
            select(Item)
            .where(Item.project_id == project.id, Item.id > after_id)
            .order_by(Item.id)
            .limit(limit)
        )
    )


def get_item(db: Session, project: Project, item_id: int) -> Item:
    item = db.get(Item, item_id)
    if item is None or item.project_id != project.id:
        raise NotFound(f"Project {project.id} has no item with id {item_id}.")
    return item


def add_prediction(
    db: Session,
    project: Project,
    item: Item,
    answers: Mapping[str, Any],
    *,
    model_version: str = "",
    score: float | None = None,
) -> Prediction:
    """Store a model's pre-annotation; each answer is checked against its control."""
    fields = [DataField.model_validate(f) for f in project.data_fields]
    names, check = answer_checker(checked_schema(project.label_schema, [f.name for f in fields]))
    if not answers:
        raise InvalidInput("A prediction needs at least one answer.")
    checked = {}
    for name, answer in answers.items():
        if name not in names:
            raise InvalidInput(f"'{name}' is not a control of this project ({', '.join(names)}).")
        try:
            checked[name] = check(name, answer, item.data)
        except ValueError as exc:
            raise InvalidInput(f"{name}: {exc}", details={"control": name}) from None
    prediction = Prediction(
        item_id=item.id, answers=checked, model_version=model_version, score=score
    )
    db.add(prediction)
    db.flush()
    return prediction


def predictions_for(db: Session, item: Item) -> list[Prediction]:
    return list(db.scalars(select(Prediction).where(Prediction.item_id == item.id)))


def require_manager(db: Session, user: User, project_id: int) -> Project:
    """The project if `user` may change it: NotFound for other tenants (their ids stay hidden),
    PermissionDenied for members who may only look."""
    return get_authorized(db, user, Project, project_id, ProjectPolicy.manage, "project")


def require_viewer(db: Session, user: User, project_id: int) -> Project:
    """The project if `user` may see it; otherwise NotFound."""
    return get_authorized(db, user, Project, project_id, ProjectPolicy.view, "project")
