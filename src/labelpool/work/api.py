"""JSON API for work: claim an item, extend the lease, answer, skip, report; one's assignments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse, Response

from labelpool.web.deps import CurrentUser, DbSession, SettingsDep
from labelpool.web.errors import error_response
from labelpool.web.schemas import AfterId, ResourceId
from labelpool.work import claims, jobs, reports, submissions
from labelpool.work.presenters import assignment_out
from labelpool.work.schemas import (
    AssignmentOut,
    ExtendIn,
    ExtendOut,
    MyAssignmentOut,
    MyAssignmentPage,
    ReportIn,
    ReportOut,
    ResponseIn,
    ResponseOut,
    SkipIn,
)

_ = jobs  # the web app emits project.status_changed: its release job must be subscribed
router = APIRouter(tags=["work"])


@router.post(
    "/projects/{project_id}/assignments",
    response_model=AssignmentOut,
    status_code=201,
    responses={200: {"description": "The live assignment the caller already holds (resume)"}},
)
def claim(
    project_id: ResourceId, user: CurrentUser, db: DbSession, settings: SettingsDep
) -> Response:
    """Lease the caller the project's next item (201), or give back the one they hold (200)."""
    claimed = claims.claim(db, user, project_id)
    body = assignment_out(db, settings, claimed.project, claimed.assignment, claimed.item)
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if claimed.resumed else 201)


@router.post("/assignments/{assignment_id}/extend", response_model=ExtendOut)
def extend(
    assignment_id: ResourceId, user: CurrentUser, db: DbSession, body: ExtendIn | None = None
) -> ExtendOut:
    """Extend a live lease (never past the project's maximum after the claim)."""
    assignment = claims.extend(db, user, assignment_id, body.seconds if body else None)
    return ExtendOut(id=assignment.id, expires_at=assignment.expires_at)


@router.post("/assignments/{assignment_id}/response", response_model=ResponseOut, status_code=201)
def submit(
    request: Request,
    assignment_id: ResourceId,
    body: ResponseIn,
    user: CurrentUser,
    db: DbSession,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> Response:
    """Answer the assignment (201); a retry with the same Idempotency-Key and body gets the
    first result (200). A late answer the item no longer needs is kept and answered 409."""
    done = submissions.submit(
        db, user, assignment_id, body.answers, body.active_seconds, idempotency_key
    )
    out = ResponseOut.model_validate(done.response).model_dump(mode="json")
    if done.refused_late:
        return error_response(
            request,
            409,
            "lease_expired",
            "Your lease ran out and the item got its answers from others; your answer is kept "
            "for the record but does not count.",
            {"response": out},
        )
    return JSONResponse(out, status_code=200 if done.replayed else 201)


@router.post("/assignments/{assignment_id}/skip", response_model=MyAssignmentOut)
def skip(
    assignment_id: ResourceId, user: CurrentUser, db: DbSession, body: SkipIn | None = None
) -> MyAssignmentOut:
    assignment = submissions.skip(db, user, assignment_id, body.reason if body else "")
    return MyAssignmentOut.model_validate(assignment)


@router.post("/assignments/{assignment_id}/report", response_model=ReportOut)
def report(
    assignment_id: ResourceId, body: ReportIn, user: CurrentUser, db: DbSession
) -> ReportOut:
    """Report the item (broken media, offensive, unclear, other); enough reports withdraw it."""
    found, withdrawn = reports.report(db, user, assignment_id, body.reason, body.comment)
    return ReportOut(
        id=found.id, item_id=found.item_id, reason=found.reason, item_withdrawn=withdrawn
    )


@router.get("/me/assignments", response_model=MyAssignmentPage)
def my_assignments(
    user: CurrentUser,
    db: DbSession,
    after_id: AfterId = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> MyAssignmentPage:
    rows = submissions.my_assignments(db, user, after_id=after_id, limit=limit)
    out = [
        MyAssignmentOut.model_validate(a).model_copy(
            update={"response_id": r.id if r is not None else None}
        )
        for a, r in rows
    ]
    return MyAssignmentPage(
        assignments=out, next_after_id=out[-1].id if len(out) == limit else None
    )
