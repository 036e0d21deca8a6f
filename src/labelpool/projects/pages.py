"""Pages for requesters: the project list, creating from a template, a project's page with
its items, imports, guidelines, schema and lifecycle.

Routes stay thin: the services decide; the helpers here only shape data for templates.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.errors import Conflict, InvalidInput, LabelpoolError
from labelpool.policy import ProjectPolicy, actor_of, authorize
from labelpool.projects import service
from labelpool.projects.importing import runs
from labelpool.projects.importing import service as importing
from labelpool.projects.importing.progress import run_view
from labelpool.projects.models import ImportStatus, ProjectStatus
from labelpool.projects.presenters import (
    TABS,
    manageable_organizations,
    new_guidelines_form,
    project_card,
    project_context,
    render_project,
    settings_changes,
    template_cards,
)
from labelpool.web.deps import CurrentUser, DbSession, SettingsDep, csrf_protect
from labelpool.web.forms import form_failure
from labelpool.web.render import FormStr, redirect, render
from labelpool.web.schemas import AfterId, ResourceId

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

# --- Routes -----------------------------------------------------------------------------------


@router.get("/projects", response_class=HTMLResponse)
def project_list(request: Request, user: CurrentUser, db: DbSession) -> Response:
    organization_names = {o.id: o.name for o, _ in accounts.organizations_of(db, user)}
    projects = [project_card(p, organization_names) for p in service.list_projects(db, user)]
    return render(
        request,
        "projects/list.html",
        {
            "projects": projects,
            "can_create": bool(manageable_organizations(db, user)),
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
    authorize(actor_of(db, user), ProjectPolicy.start_new())
    organizations = manageable_organizations(db, user)
    return render(
        request,
        "projects/new.html",
        {
            "groups": template_cards(),
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
    organizations = manageable_organizations(db, user)
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
        failure = form_failure(db, exc)
        return _new_form(
            request,
            db,
            user,
            form,
            error=failure.message,
            field_errors=failure.field_errors,
            status_code=failure.status_code,
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
    project = service.require_viewer(db, user, project_id)
    tab = tab if tab in TABS else "items"
    context = project_context(db, user, settings, project, tab, max(after, 0))
    return render(request, "projects/detail.html", context, user=user)


@router.get("/projects/{project_id}/guidelines/new", response_class=HTMLResponse)
def new_guidelines_page(
    request: Request, project_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    """The guidelines form ready for this project: titled after it, the project ticked, and
    the template's default guidelines as a start (projects from scratch start empty)."""
    project = service.require_manager(db, user, project_id)
    return render(request, "guidelines/new.html", new_guidelines_form(db, project), user=user)


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
    deadline: FormStr = "",
    max_lease_minutes: FormStr = "",
    gold_rate: FormStr = "",
    max_live_per_contributor: FormStr = "",
    max_responses_per_day: FormStr = "",
    report_threshold: FormStr = "",
    fair_share_factor: FormStr = "",
) -> Response:
    project = service.require_manager(db, user, project_id)
    form = {
        "name": name,
        "description": description,
        "instructions": instructions,
        "overlap": overlap,
        "lease_minutes": lease_minutes,
        "deadline": deadline,
        "max_lease_minutes": max_lease_minutes,
        "gold_rate": gold_rate,
        "max_live_per_contributor": max_live_per_contributor,
        "max_responses_per_day": max_responses_per_day,
        "report_threshold": report_threshold,
        "fair_share_factor": fair_share_factor,
    }
    try:
        service.update_project(db, user, project, settings_changes(form))
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        project = service.require_manager(db, user, project_id)
        return render_project(
            request,
            db,
            user,
            settings,
            project,
            "settings",
            extra={
                "settings_form": form,
                "settings_error": failure.message,
                "field_errors": failure.field_errors,
            },
            status_code=failure.status_code,
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
    project = service.require_manager(db, user, project_id)
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
    file: Annotated[UploadFile | None, File()] = None,
    skip_invalid: Annotated[bool, Form()] = False,
) -> Response:
    """Store the upload and queue its import, then show its progress."""
    project = service.require_manager(db, user, project_id)

    def refused(message: str) -> Response:
        # Refused before a run started (no file, unknown format, closed project): nothing stored.
        extra = {"import_error": message, "skip_invalid": skip_invalid}
        return render_project(
            request, db, user, settings, project, "import", extra=extra, status_code=422
        )

    if file is None or not file.filename:
        return refused("Choose a file to import.")
    try:
        run = runs.queue_upload(
            db, settings, user, project, file.file, file.filename, skip_invalid=skip_invalid
        )
    except InvalidInput as exc:
        return refused(exc.message)
    return redirect(request, f"/projects/{project.id}/imports/{run.id}")


@router.get("/projects/{project_id}/imports/{run_id}", response_class=HTMLResponse)
def import_run_page(
    request: Request,
    project_id: ResourceId,
    run_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
) -> Response:
    """The import tab with one run's progress on top (it refreshes itself while running)."""
    project = service.require_viewer(db, user, project_id)
    run = importing.project_run(db, project, run_id)
    extra: dict[str, Any] = {"current_run": run_view(run), "skip_invalid": run.skip_invalid}
    if run.status == ImportStatus.FAILED:
        extra |= {
            "import_error": run.message,
            "import_errors": run.errors,
            "rows_invalid": run.rows_invalid,
        }
    return render_project(request, db, user, settings, project, "import", extra=extra)


@router.get("/projects/{project_id}/imports/{run_id}/progress", response_class=HTMLResponse)
def import_run_progress(
    request: Request, project_id: ResourceId, run_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    """The progress card alone, polled by the run's page; once the run has finished the page
    reloads whole (HX-Refresh) to show the result, its errors and the new items."""
    project = service.require_viewer(db, user, project_id)
    run = importing.project_run(db, project, run_id)
    response = render(
        request, "projects/_import_progress.html", {"current_run": run_view(run)}, user=user
    )
    if run.finished:
        response.headers["HX-Refresh"] = "true"
    return response
