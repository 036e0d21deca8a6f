"""Pages for eligibility: a contributor's /work page, and the requirements editor of a
project's settings tab (its form posts here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from labelpool.eligibility import service
from labelpool.eligibility.presenters import (
    requirements_editor,
    requirements_from_form,
    work_view,
)
from labelpool.errors import LabelpoolError
from labelpool.policy.eligibility import EligibilityPolicy
from labelpool.projects.presenters import render_project
from labelpool.web.deps import CurrentUser, DbSession, SettingsDep, csrf_protect
from labelpool.web.forms import form_failure
from labelpool.web.render import FormStr, redirect, render
from labelpool.web.schemas import ResourceId

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

FormList = Annotated[list[str], Form()]


@router.get("/work", response_class=HTMLResponse)
def work_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    """The contributor's projects: work open now, none right now (why), not yet (what to do)."""
    overview = service.my_work(db, user)
    return render(request, "work/index.html", work_view(overview), user=user)


@router.post("/projects/{project_id}/requirements", response_class=HTMLResponse)
def save_requirements(
    request: Request,
    project_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    countries_allowed: FormStr = "",
    countries_denied: FormStr = "",
    languages: FormStr = "",
    skills: FormStr = "",
    min_weekly_hours: FormStr = "",
    min_quality_score: FormStr = "",
    max_active_projects: FormStr = "",
    tests: FormList = [],  # noqa: B006 (FastAPI copies defaults)
    devices: FormList = [],  # noqa: B006
) -> Response:
    project = service.require_project(db, user, project_id, EligibilityPolicy.edit_requirements)
    form = {
        "countries_allowed": countries_allowed,
        "countries_denied": countries_denied,
        "languages": languages,
        "skills": skills,
        "min_weekly_hours": min_weekly_hours,
        "min_quality_score": min_quality_score,
        "max_active_projects": max_active_projects,
        "tests": tests,
        "devices": devices,
    }
    try:
        _, changes = service.save_requirements(db, user, project, requirements_from_form(form))
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        project = service.require_project(db, user, project_id, EligibilityPolicy.edit_requirements)
        editor = requirements_editor(
            db, project, form=form, error=failure.message, field_errors=failure.field_errors
        )
        return render_project(
            request,
            db,
            user,
            settings,
            project,
            "settings",
            extra={"requirements_editor": editor},
            status_code=failure.status_code,
        )
    message = "Requirements saved." if changes else "The requirements were already so."
    return redirect(request, f"/projects/{project.id}?tab=settings", ("success", message))
