"""The labeling page: `/projects/{id}/work` renders the shell (the project, its guidelines by
section, the help overlay); its script (`static/js/labeling/page.js`) claims or resumes an
assignment through the work API and renders the item and its controls."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from labelpool.web.deps import CurrentUser, DbSession, csrf_protect
from labelpool.web.render import render
from labelpool.web.schemas import ResourceId
from labelpool.work.labeling_presenters import labeling_view

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)


@router.get("/projects/{project_id}/work", response_class=HTMLResponse)
def labeling_page(
    request: Request, project_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    """Label the project's items, one after another (contributors; others get 403 or 404)."""
    view = labeling_view(db, user, project_id)
    return render(request, "work/label.html", view, user=user)
