"""Pages for a project's reported items: the Reported tab's forms (fix and release, release as
it is, remove) post here and come back to the tab with what happened."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from labelpool.errors import InvalidInput, LabelpoolError
from labelpool.projects.presenters import render_project
from labelpool.web.deps import CurrentUser, DbSession, SettingsDep, csrf_protect
from labelpool.web.forms import back_with_error, form_failure
from labelpool.web.render import FormStr, redirect
from labelpool.web.schemas import ResourceId, storable_problem
from labelpool.work import reported
from labelpool.work.presenters import reports_view

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


def _tab(project_id: int) -> str:
    return f"/projects/{project_id}?tab=reports"


def _data_from_form(text: str) -> dict[str, object] | None:
    """The edited data (a JSON object), or None when the form left it blank."""
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InvalidInput(
            f"The data is not valid JSON ({exc}); write it as one JSON object, e.g. "
            '{"text": "..."}.',
            details={"field": "data"},
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(
            "The data must be one JSON object holding the item's fields.", details={"field": "data"}
        )
    if (problem := storable_problem(data)) is not None:
        raise InvalidInput(f"The data cannot be stored: {problem}.", details={"field": "data"})
    return data


@router.post("/projects/{project_id}/items/{item_id}/release", response_class=HTMLResponse)
def release_item(
    request: Request,
    project_id: ResourceId,
    item_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    settings: SettingsDep,
    data: FormStr = "",
    note: FormStr = "",
) -> Response:
    """Release the item (as it is, or with the edited data); a refused edit comes back with
    the text kept and the problem beside it."""
    project = reported.require_project(db, user, project_id, manage=True)
    try:
        done = reported.release(db, user, project, item_id, _data_from_form(data), note=note)
    except InvalidInput as exc:
        failure = form_failure(db, exc)
        project = reported.require_project(db, user, project_id, manage=True)
        view = reports_view(
            db,
            settings,
            project,
            can_manage=True,
            edits={item_id: {"data": data, "note": note, "error": failure.message}},
        )
        return render_project(
            request,
            db,
            user,
            settings,
            project,
            "reports",
            extra={"reports": view},
            status_code=failure.status_code,
        )
    except LabelpoolError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        return back_with_error(request, db, _tab(project_id), exc.message)
    return redirect(request, _tab(project_id), ("success", reported.released_text(done)))


@router.post("/projects/{project_id}/items/{item_id}/remove", response_class=HTMLResponse)
def remove_item(
    request: Request,
    project_id: ResourceId,
    item_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    note: FormStr = "",
) -> Response:
    """Remove the item from the project for good (its responses are kept)."""
    project = reported.require_project(db, user, project_id, manage=True)
    try:
        done = reported.remove(db, user, project, item_id, note=note)
    except LabelpoolError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        return back_with_error(request, db, _tab(project_id), exc.message)
    return redirect(request, _tab(project_id), ("success", reported.removed_text(done)))
