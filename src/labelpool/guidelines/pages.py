"""Pages for guidelines: read by section with examples and FAQ, ask, answer, publish, diff."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.errors import LabelpoolError
from labelpool.guidelines import service
from labelpool.guidelines.models import Guidelines
from labelpool.guidelines.presenters import outline_view, version_summary
from labelpool.policy import OrganizationPolicy, actor_of, authorize
from labelpool.projects import service as projects
from labelpool.text import one_line_ending
from labelpool.web.deps import CurrentUser, DbSession, csrf_protect
from labelpool.web.forms import back_with_error, form_failure
from labelpool.web.render import FormStr, redirect, render
from labelpool.web.schemas import MAX_ID, ResourceId

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
# The form writes into the requester's own organization, so it has no organization to offer a
# platform admin who belongs to none.
NEW_GUIDELINES = OrganizationPolicy.build("guidelines", platform_admins=False)


def _projects(db: Session, user: User) -> list[dict[str, Any]]:
    return [{"id": p.id, "name": p.name} for p in projects.managed_projects(db, user)]


@router.get("/guidelines", response_class=HTMLResponse)
def list_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    rows = [
        {
            "id": g.id,
            "title": g.title,
            "version": g.current_version,
            "updated": f"{g.updated_at:%Y-%m-%d}",
        }
        for g in service.list_guidelines(db, user)
    ]
    can_create = bool(actor_of(db, user).managed_organization_ids)
    return render(
        request, "guidelines/list.html", {"rows": rows, "can_create": can_create}, user=user
    )


@router.get("/guidelines/new", response_class=HTMLResponse)
def new_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    authorize(actor_of(db, user), NEW_GUIDELINES)
    context = {"form": {}, "projects": _projects(db, user)}
    return render(request, "guidelines/new.html", context, user=user)


@router.post("/guidelines/new", response_class=HTMLResponse)
async def create_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    authorize(actor_of(db, user), NEW_GUIDELINES)
    form = await request.form()
    title = str(form.get("title") or "")
    body = one_line_ending(str(form.get("body") or ""))
    project_ids = [
        int(v) for v in form.getlist("project_ids") if isinstance(v, str) and v.isdigit()
    ]
    try:
        org_ids = sorted(actor_of(db, user).managed_organization_ids)
        guidelines = service.create_guidelines(
            db, user, org_ids[0], title=title, body=body, project_ids=project_ids
        )
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        return render(
            request,
            "guidelines/new.html",
            {
                "form": {"title": title, "body": body, "project_ids": project_ids},
                "form_error": failure.message,
                "projects": _projects(db, user),
            },
            user=user,
            status_code=failure.status_code,
        )
    return redirect(
        request, f"/guidelines/{guidelines.id}", ("success", "Guidelines published as version 1.")
    )


def _detail(db: Session, user: User, guidelines: Guidelines) -> dict[str, Any]:
    version = service.get_version(db, guidelines)
    preamble, sections = outline_view(version.body)
    examples = service.examples_by_section(db, guidelines)
    faq = service.faq(db, guidelines)
    manager = service.can_manage(db, user, guidelines)
    mine = [
        {"section": q.section, "question": q.question}
        for q in service.list_questions(db, user, guidelines, unanswered_only=True)
        if q.asked_by == user.id
    ]
    return {
        "g": version_summary(guidelines, version),
        "preamble": preamble,
        "sections": [
            {
                **s,
                "examples": [
                    {
                        "data": json.dumps(e.data, ensure_ascii=False),
                        "answer": json.dumps(e.answer, ensure_ascii=False),
                        "explanation": e.explanation,
                    }
                    for e in examples.get(s["number"], [])
                ],
                "faq": [
                    {"question": q.question, "answer": q.answer} for q in faq.get(s["number"], [])
                ],
            }
            for s in sections
        ],
        "manager": manager,
        "inbox": [
            {"id": q.id, "section": q.section, "question": q.question}
            for q in service.list_questions(db, user, guidelines, unanswered_only=True)
        ]
        if manager
        else [],
        "my_open_questions": mine,
        "projects": [{"id": p.id, "name": p.name} for p in service.linked_projects(db, guidelines)],
        "versions": [
            {
                "number": v.number,
                "material": v.material,
                "when": f"{v.created_at:%Y-%m-%d}",
                "changes": v.changes,
            }
            for v in service.list_versions(db, guidelines)
        ],
    }


@router.get("/guidelines/{guidelines_id}", response_class=HTMLResponse)
def detail_page(
    request: Request, guidelines_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    guidelines = service.guidelines_for_reader(db, user, guidelines_id)
    return render(request, "guidelines/detail.html", _detail(db, user, guidelines), user=user)


@router.post("/guidelines/{guidelines_id}/ask")
def ask_page(
    request: Request,
    guidelines_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    section: FormStr = "",
    question: FormStr = "",
) -> Response:
    guidelines = service.guidelines_for_reader(db, user, guidelines_id)
    try:
        service.ask_question(db, user, guidelines, section=section, question=question)
    except LabelpoolError as exc:
        return back_with_error(
            request, db, f"/guidelines/{guidelines_id}#section-{section}", exc.message
        )
    return redirect(
        request,
        f"/guidelines/{guidelines_id}#section-{section}",
        ("success", "Question sent. The answer will appear under the section."),
    )


@router.post("/guidelines/{guidelines_id}/questions/{question_id}/answer")
def answer_page(
    request: Request,
    guidelines_id: ResourceId,
    question_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    answer: FormStr = "",
) -> Response:
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    try:
        service.answer_question(db, user, guidelines, question_id, answer)
    except LabelpoolError as exc:
        return back_with_error(request, db, f"/guidelines/{guidelines_id}#inbox", exc.message)
    return redirect(
        request, f"/guidelines/{guidelines_id}#inbox", ("success", "Answer added to the FAQ.")
    )


@router.get("/guidelines/{guidelines_id}/edit", response_class=HTMLResponse)
def edit_page(
    request: Request, guidelines_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    version = service.get_version(db, guidelines)
    context = {
        "g": {"id": guidelines.id, "title": guidelines.title, "version": version.number},
        "form": {"body": version.body},
    }
    return render(request, "guidelines/edit.html", context, user=user)


@router.post("/guidelines/{guidelines_id}/edit", response_class=HTMLResponse)
def publish_page(
    request: Request,
    guidelines_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    body: FormStr = "",
    note: FormStr = "",
    material: FormStr = "",
) -> Response:
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    try:
        published = service.publish_version(
            db, user, guidelines, body, material=bool(material), note=note
        )
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        guidelines = service.guidelines_for_manager(db, user, guidelines_id)
        context = {
            "g": {
                "id": guidelines.id,
                "title": guidelines.title,
                "version": guidelines.current_version,
            },
            "form": {"body": body, "note": note, "material": material},
            "form_error": failure.message,
        }
        return render(
            request, "guidelines/edit.html", context, user=user, status_code=failure.status_code
        )
    number = published.version.number
    message = f"Version {number} published; {published.notified} contributor(s) notified"
    if published.refreshers:
        message += f", {published.refreshers} refresher(s) required"
    return redirect(
        request, f"/guidelines/{guidelines_id}/changes?to={number}", ("success", message + ".")
    )


@router.get("/guidelines/{guidelines_id}/changes", response_class=HTMLResponse)
def changes_page(
    request: Request,
    guidelines_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    to: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Response:
    guidelines = service.guidelines_for_reader(db, user, guidelines_id)
    to_number = to or guidelines.current_version
    from_number = max(1, to_number - 1)
    diff = service.compare_versions(db, guidelines, from_number, to_number)
    version = service.get_version(db, guidelines, to_number)
    context = {
        "g": {"id": guidelines.id, "title": guidelines.title},
        "from_number": from_number,
        "to_number": to_number,
        "material": version.material,
        "note": version.note,
        "details": [
            {"number": d.number, "change": d.change, "title": d.title, "old_title": d.old_title}
            for d in diff.details
        ],
        "lines": [
            {
                "text": line,
                "kind": "add"
                if line.startswith("+") and not line.startswith("+++")
                else "del"
                if line.startswith("-") and not line.startswith("---")
                else "ctx",
            }
            for line in diff.text_diff.splitlines()
        ],
    }
    return render(request, "guidelines/changes.html", context, user=user)
