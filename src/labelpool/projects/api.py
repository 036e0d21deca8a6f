"""JSON API for templates, projects, items, imports and predictions."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import JSONResponse, Response

from labelpool.errors import InvalidInput, NotFound
from labelpool.policy import actor_of
from labelpool.policy.organizations import default_organization_id
from labelpool.projects import service
from labelpool.projects.importing import runs
from labelpool.projects.importing import service as importing
from labelpool.projects.importing.limits import preview
from labelpool.projects.models import Item
from labelpool.projects.schemas import (
    ImportRunOut,
    ItemOut,
    ItemPage,
    PredictionIn,
    PredictionOut,
    ProjectCreate,
    ProjectOut,
    ProjectUpdate,
    StatusChange,
    StatusEventOut,
)
from labelpool.projects.templates import get_template, list_templates, template_summary
from labelpool.web.deps import CurrentUser, DbSession, SettingsDep
from labelpool.web.schemas import AfterId, ResourceId

router = APIRouter(tags=["projects"])


@router.get("/templates")
def templates(_user: CurrentUser, family: str | None = None) -> list[dict[str, Any]]:
    """Every project template: key, task family, data fields, controls and guidelines."""
    try:
        return [template_summary(t) for t in list_templates(family)]
    except ValueError as exc:
        raise InvalidInput(str(exc), details={"field": "family"}) from None


@router.get("/templates/{key}")
def template(key: str, _user: CurrentUser) -> dict[str, Any]:
    try:
        return template_summary(get_template(key))
    except KeyError as exc:
        raise NotFound(str(exc.args[0])) from None


@router.get("/projects", response_model=list[ProjectOut])
def projects(user: CurrentUser, db: DbSession) -> list[ProjectOut]:
    return [ProjectOut.model_validate(p) for p in service.list_projects(db, user)]


@router.post("/projects", response_model=ProjectOut, status_code=status.HTTP_201_CREATED)
def create_project(body: ProjectCreate, user: CurrentUser, db: DbSession) -> ProjectOut:
    """Create a draft project from a template in one step (or from your own schema)."""
    organization_id = default_organization_id(actor_of(db, user), body.organization_id)
    project = service.create_project(
        db,
        user,
        organization_id,
        **body.model_dump(exclude={"organization_id", "template"}),
        template_key=body.template,
    )
    return ProjectOut.model_validate(project)


@router.get("/projects/{project_id}", response_model=ProjectOut)
def project(project_id: ResourceId, user: CurrentUser, db: DbSession) -> ProjectOut:
    return ProjectOut.model_validate(service.require_viewer(db, user, project_id))


@router.patch("/projects/{project_id}", response_model=ProjectOut)
def update_project(
    project_id: ResourceId, body: ProjectUpdate, user: CurrentUser, db: DbSession
) -> ProjectOut:
    project = service.require_manager(db, user, project_id)
    changes = body.model_dump(exclude_unset=True)
    return ProjectOut.model_validate(service.update_project(db, user, project, changes))


@router.post("/projects/{project_id}/status", response_model=ProjectOut)
def change_status(
    project_id: ResourceId, body: StatusChange, user: CurrentUser, db: DbSession
) -> ProjectOut:
    """Move the project: draft → active → paused → completed / cancelled."""
    project = service.require_manager(db, user, project_id)
    return ProjectOut.model_validate(
        service.change_status(db, user, project, body.status, body.reason)
    )


@router.get("/projects/{project_id}/history", response_model=list[StatusEventOut])
def history(project_id: ResourceId, user: CurrentUser, db: DbSession) -> list[StatusEventOut]:
    project = service.require_viewer(db, user, project_id)
    return [
        StatusEventOut(
            at=e.created_at,
            action=e.action,
            actor_id=e.actor_id,
            from_status=e.details.get("from"),
            to_status=e.details.get("to", "draft" if e.action == "project.created" else None),
            reason=e.reason,
        )
        for e in service.status_history(db, project)
    ]


@router.post(
    "/projects/{project_id}/imports",
    response_model=ImportRunOut,
    status_code=status.HTTP_202_ACCEPTED,
    responses={202: {"headers": {"Location": {"description": "The run, to follow its progress"}}}},
)
def upload_import(
    project_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    file: Annotated[
        UploadFile, File(description="CSV, TSV, JSONL, JSON, Parquet, URL list or zip.")
    ],
    format: Annotated[
        str | None, Form(description="Format, when the file name does not say.")
    ] = None,
    skip_invalid: Annotated[
        bool, Form(description="Import the good rows, report the rest.")
    ] = False,
) -> Response:
    """Queue an import of items: 202 with the run, which a background job then runs.

    Follow it at the Location given (`GET .../imports/{run_id}`): `status` goes queued →
    running → succeeded or failed, with `progress`, `stage` and the row counts on the way. A
    file with bad rows imports nothing (the failed run lists them) unless skip_invalid. An
    unknown format or a closed project is refused at once (422)."""
    project = service.require_manager(db, user, project_id)
    run = runs.queue_upload(
        db,
        settings,
        user,
        project,
        file.file,
        file.filename,
        fmt=format,
        skip_invalid=skip_invalid,
    )
    body = ImportRunOut.model_validate(run)
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": f"/api/v1/projects/{project.id}/imports/{run.id}"},
    )


@router.get("/projects/{project_id}/imports", response_model=list[ImportRunOut])
def imports(project_id: ResourceId, user: CurrentUser, db: DbSession) -> list[ImportRunOut]:
    project = service.require_viewer(db, user, project_id)
    return [ImportRunOut.model_validate(r) for r in importing.project_runs(db, project)]


@router.get("/projects/{project_id}/imports/{run_id}", response_model=ImportRunOut)
def import_run(
    project_id: ResourceId, run_id: ResourceId, user: CurrentUser, db: DbSession
) -> ImportRunOut:
    """One import and how far it got (poll this while it is queued or running)."""
    project = service.require_viewer(db, user, project_id)
    return ImportRunOut.model_validate(importing.project_run(db, project, run_id))


@router.get("/projects/{project_id}/items", response_model=ItemPage)
def items(
    project_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    after: AfterId = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> ItemPage:
    """Items in import order. Large items (over 64 KB of data) come shortened: long texts end
    with "… (N more characters)", big objects and lists with "and N more"; get one by id for
    all of it."""
    project = service.require_viewer(db, user, project_id)
    page = service.list_items(db, project, after_id=after, limit=limit)
    fields = [str(f["name"]) for f in project.data_fields]
    return ItemPage(
        items=[_item_preview(i, fields) for i in page],
        next_after=page[-1].id if len(page) == limit else None,
    )


def _item_preview(item: Item, fields: list[str]) -> ItemOut:
    """The item with large values shortened (see `importing.limits.preview`)."""
    data, _ = preview(item.data or {}, first=fields)
    gold, _ = preview(item.gold)
    return ItemOut(
        id=item.id,
        project_id=item.project_id,
        external_id=item.external_id,
        data=data,
        is_gold=item.is_gold,
        gold=gold,
        created_at=item.created_at,
    )


@router.get("/projects/{project_id}/items/{item_id}", response_model=ItemOut)
def item(project_id: ResourceId, item_id: ResourceId, user: CurrentUser, db: DbSession) -> ItemOut:
    project = service.require_viewer(db, user, project_id)
    return ItemOut.model_validate(service.get_item(db, project, item_id))


@router.post(
    "/projects/{project_id}/items/{item_id}/predictions",
    response_model=PredictionOut,
    status_code=201,
)
def add_prediction(
    project_id: ResourceId,
    item_id: ResourceId,
    body: PredictionIn,
    user: CurrentUser,
    db: DbSession,
) -> PredictionOut:
    """Store a model's pre-annotation, shown to labelers as a starting point."""
    project = service.require_manager(db, user, project_id)
    prediction = service.add_prediction(
        db,
        project,
        service.get_item(db, project, item_id),
        body.answers,
        model_version=body.model_version,
        score=body.score,
    )
    return PredictionOut.model_validate(prediction)


@router.get(
    "/projects/{project_id}/items/{item_id}/predictions", response_model=list[PredictionOut]
)
def predictions(
    project_id: ResourceId, item_id: ResourceId, user: CurrentUser, db: DbSession
) -> list[PredictionOut]:
    project = service.require_viewer(db, user, project_id)
    item = service.get_item(db, project, item_id)
    return [PredictionOut.model_validate(p) for p in service.predictions_for(db, item)]
