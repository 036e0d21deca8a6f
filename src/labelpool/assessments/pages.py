"""Pages for tests: contributors take them (one question per page), requesters build them.

Everything a taker's page shows comes from `service.attempt_view` / `tests_for_taker`, which
carry no correct answers; feedback appears only for answered questions of training tests.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.assessments import question_form, refreshers, service
from labelpool.assessments.api import result_out
from labelpool.assessments.models import (
    AssessmentTest,
    Attempt,
    AttemptPurpose,
    AttemptStatus,
    TestKind,
    TestMode,
    TestQuestion,
    TestStatus,
)
from labelpool.assessments.question_form import QuestionForm
from labelpool.assessments.retake import RetakeState, RetakeStatus, format_duration
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, LabelpoolError, NotFound
from labelpool.guidelines import service as guidelines_service
from labelpool.guidelines.models import Guidelines
from labelpool.projects import access
from labelpool.projects.models import Project
from labelpool.projects.templates import TEMPLATES
from labelpool.projects.templates.model import TaskFamily
from labelpool.text import one_line_ending
from labelpool.web.deps import CurrentUser, DbSession, csrf_protect
from labelpool.web.forms import back_with_error, error_field, form_failure
from labelpool.web.render import FormStr, redirect, render, when
from labelpool.web.schemas import ResourceId

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

SIMPLE_WIDGETS = ("choice", "rating", "text")


def _is_builder(db: Session, user: User) -> bool:
    return user.role == Role.ADMIN or bool(access.manageable_organization_ids(db, user))


# --- contributors: the list, a test, attempts ----------------------------------------------


def _card(card: service.TestCard, now: datetime) -> dict[str, Any]:
    test, status = card.test, card.status
    return {
        "id": test.id,
        "title": test.title,
        "description": test.description,
        "kind": test.kind.value,
        "skill_key": test.skill_key,
        "mode": test.mode.value,
        "pass_mark": test.pass_mark,
        "questions": card.question_count,
        "time_limit": format_duration_or_none(test.time_limit_seconds),
        "policy": service.policy_of(test).describe(),
        "state": status.state.value,
        "can_start": status.can_start,
        "reason": status.reason,
        "attempts_left": "Unlimited" if status.attempts_left is None else status.attempts_left,
        "next_attempt": _next_attempt(status, now),
        "attempts_used": card.attempts,
        "best_percent": card.best_percent,
        "qualified": card.qualified,
        "open_attempt_id": card.open_attempt_id,
        "preview": card.preview,
    }


def _next_attempt(status: RetakeStatus, now: datetime) -> str | None:
    """When the next attempt opens, in words; None when there is nothing to wait for (an
    attempt is in progress, or the test is passed): the pages then leave the line out."""
    if status.can_start:
        return "Now"
    if status.state in (RetakeState.IN_PROGRESS, RetakeState.PASSED):
        return None
    opens = status.next_attempt_at
    if opens is not None:
        return f"{when(opens)} (in {format_duration(opens - now)})"
    return "Never: the test is locked for you" if status.state == RetakeState.LOCKED else None


def _account_block(db: Session, user: User) -> str | None:
    """Why this user cannot start tests yet (an account under review), or None."""
    try:
        service.require_active_account(db, user)
    except LabelpoolError as exc:
        return exc.message.replace(" (see /review)", "")  # the page links to the review
    return None


def _take_block(db: Session, user: User, test: AssessmentTest) -> str | None:
    """Why this user cannot take `test` (an account under review, not a taker), or None."""
    try:
        service.take_mode(db, user, test)
    except LabelpoolError as exc:
        return exc.message.replace(" (see /review)", "")
    return None


def format_duration_or_none(seconds: int | None) -> str | None:
    return format_duration(timedelta(seconds=seconds)) if seconds else None


def _refresher_rows(db: Session, user: User) -> list[dict[str, Any]]:
    rows = []
    for refresher in refreshers.open_refreshers(db, user.id):
        test = db.get(AssessmentTest, refresher.test_id)
        project = db.get(Project, refresher.project_id)
        guidelines = db.get(Guidelines, refresher.guidelines_id)
        rows.append(
            {
                "test_id": refresher.test_id,
                "test": test.title if test else "",
                "project": project.name if project else "",
                "guidelines_id": refresher.guidelines_id,
                "guidelines": guidelines.title if guidelines else "",
                "version": refresher.version_number,
                "sections": ", ".join(refresher.sections),
                "questions": len(refresher.question_ids),
            }
        )
    return rows


def _managed_rows(db: Session, user: User) -> list[dict[str, Any]]:
    return [
        {
            "id": t.id,
            "title": t.title,
            "kind": t.kind.value,
            "target": t.skill_key if t.kind == TestKind.SKILL else _target(db, t),
            "status": t.status.value,
            "mode": t.mode.value,
            "questions": len(service.question_ids_of(db, t)),
            "policy": service.policy_of(t).describe(),
        }
        for t in service.managed_tests(db, user)
    ]


def _target(db: Session, test: AssessmentTest) -> str:
    if test.project_id is not None:
        project = db.get(Project, test.project_id)
        return f"Project: {project.name}" if project else "Project"
    return f"Type: {test.project_type}"


@router.get("/tests/new", response_class=HTMLResponse)
def new_test_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    context = {
        "form": {"kind": "skill", "mode": "exam", "pass_mark": "80"},
        **_builder_options(db, user),
    }
    return render(request, "assessments/new.html", context, user=user)


@router.post("/tests/new", response_class=HTMLResponse)
def create_test_page(
    request: Request,
    user: CurrentUser,
    db: DbSession,
    title: FormStr = "",
    description: FormStr = "",
    kind: FormStr = "skill",
    skill_key: FormStr = "",
    project_id: FormStr = "",
    project_type: FormStr = "",
    guidelines_id: FormStr = "",
    mode: FormStr = "exam",
    pass_mark: FormStr = "80",
    time_limit_minutes: FormStr = "",
    shuffle: FormStr = "",
    subset_size: FormStr = "",
    cooldown_hours: FormStr = "",
    max_attempts: FormStr = "",
) -> Response:
    form = dict(locals())
    for key in ("request", "user", "db"):
        form.pop(key)
    try:
        org_ids = access.manageable_organization_ids(db, user)
        organization_id = None
        project = _int(project_id, "project_id") if kind == "qualification" else None
        if project is not None:
            organization_id = access.project_for_manager(db, user, project).organization_id
        elif org_ids:
            organization_id = org_ids[0]
        test = service.create_test(
            db,
            user,
            organization_id,
            title=title,
            description=description,
            kind=TestKind(kind) if kind in {k.value for k in TestKind} else TestKind.SKILL,
            skill_key=skill_key or None,
            project_id=project,
            project_type=(project_type or None)
            if kind == "qualification" and project is None
            else None,
            guidelines_id=_int(guidelines_id, "guidelines_id"),
            mode=TestMode.TRAINING if mode == "training" else TestMode.EXAM,
            pass_mark=_int(pass_mark, "pass_mark") or 80,
            time_limit_seconds=_int(time_limit_minutes, "time_limit_seconds", scale=60),
            shuffle=bool(shuffle),
            subset_size=_int(subset_size, "subset_size"),
            cooldown_seconds=_int(cooldown_hours, "cooldown_seconds", scale=3600) or 0,
            max_attempts=_int(max_attempts, "max_attempts"),
        )
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        return render(
            request,
            "assessments/new.html",
            {
                "form": form,
                "form_error": failure.message,
                "field_errors": failure.field_errors,
                **_builder_options(db, user),
            },
            user=user,
            status_code=failure.status_code,
        )
    return redirect(
        request,
        f"/tests/{test.id}/manage",
        ("success", "Test created. Add questions, then publish it."),
    )


@router.get("/tests", response_class=HTMLResponse)
def tests_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    now = utcnow()
    cards = [_card(c, now) for c in service.tests_for_taker(db, user, now)]
    context = {
        "cards": cards,
        "account_block": _account_block(db, user),
        "refreshers": _refresher_rows(db, user),
        "is_builder": _is_builder(db, user),
        "managed": _managed_rows(db, user) if _is_builder(db, user) else [],
    }
    return render(request, "assessments/list.html", context, user=user)


@router.get("/tests/{test_id}", response_class=HTMLResponse)
def test_page(request: Request, test_id: ResourceId, user: CurrentUser, db: DbSession) -> Response:
    test = service.test_for_taker(db, user, test_id)
    now = utcnow()
    card = service.test_card(db, user, test, now)
    attempt_rows = [
        {
            "id": a.id,
            "purpose": a.purpose.value,
            "status": a.status.value,
            "started": when(a.started_at),
            "percent": a.result.get("percent") if a.result else None,
            "passed": a.passed,
        }
        for a in service.attempts_of(db, user, test, now)
    ]
    guidelines = db.get(Guidelines, test.guidelines_id) if test.guidelines_id else None
    pending = [r for r in _refresher_rows(db, user) if r["test_id"] == test.id]
    context = {
        "t": _card(card, now),
        "account_block": _take_block(db, user, test),
        "review_link": user.role == Role.CONTRIBUTOR,
        "attempts": attempt_rows,
        "guidelines": {"id": guidelines.id, "title": guidelines.title} if guidelines else None,
        "refreshers": pending,
        "can_manage": service.can_manage(db, user, test),
        "is_draft": test.status != TestStatus.PUBLISHED,
    }
    return render(request, "assessments/test.html", context, user=user)


@router.post("/tests/{test_id}/attempts")
def start(request: Request, test_id: ResourceId, user: CurrentUser, db: DbSession) -> Response:
    test = service.test_for_taker(db, user, test_id)
    try:
        attempt = service.start_attempt(db, user, test)
    except LabelpoolError as exc:
        return back_with_error(request, db, f"/tests/{test_id}", exc.message)
    return redirect(request, f"/attempts/{attempt.id}/q/1")


@router.post("/tests/{test_id}/refresher")
def start_refresher(
    request: Request, test_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    try:
        attempt = service.start_refresher(db, user, test_id)
    except LabelpoolError as exc:
        return back_with_error(request, db, "/tests", exc.message)
    return redirect(request, f"/attempts/{attempt.id}/q/1")


def _attempt(db: Session, user: User, attempt_id: int) -> Attempt:
    return service.attempt_for_taker(db, user, attempt_id)


@router.get("/attempts/{attempt_id}")
def attempt_home(
    request: Request, attempt_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    attempt = _attempt(db, user, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect(request, f"/attempts/{attempt.id}/result")
    view = service.attempt_view(db, attempt)
    first_open = next((q.index for q in view.questions if not q.answered), 1)
    return redirect(request, f"/attempts/{attempt.id}/q/{first_open}")


def _widget(control: dict[str, Any]) -> str:
    kind = str(control.get("kind"))
    return kind if kind in SIMPLE_WIDGETS else "json"


def _answer_text(control: dict[str, Any], answer: Any) -> str:
    """An answer as the taker saw it: option labels for choices and ratings, else JSON."""
    widget = _widget(control)
    if answer is None:
        return "Not applicable"
    if widget == "choice":
        labels = {
            o.get("value"): o.get("label") or o.get("value") for o in control.get("options", [])
        }
        values = answer if isinstance(answer, list) else [answer]
        return ", ".join(str(labels.get(v, v)) for v in values)
    if widget == "rating":
        points = {p.get("value"): p.get("label") for p in control.get("scale", [])}
        label = points.get(answer)
        return f"{answer} · {label}" if label else str(answer)
    if widget == "text" and isinstance(answer, str):
        return answer
    return json.dumps(answer, ensure_ascii=False)


def _question_page(
    request: Request,
    user: User,
    db: Session,
    attempt: Attempt,
    number: int,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    view = service.attempt_view(db, attempt)
    if not 1 <= number <= len(view.questions):
        raise NotFound(f"This attempt has no question {number}.")
    question = view.questions[number - 1]
    feedback = question.feedback
    context = {
        "attempt": {
            "id": attempt.id,
            "purpose": attempt.purpose.value,
            "seconds_left": view.seconds_left,
            "deadline": when(attempt.deadline_at),
            "answered": sum(1 for q in view.questions if q.answered),
            "total": len(view.questions),
        },
        "test": {"id": view.test.id, "title": view.test.title, "mode": view.test.mode.value},
        "q": {
            "id": question.id,
            "index": question.index,
            "data": question.data,
            "control": question.control,
            "widget": _widget(question.control),
            "section": question.guideline_section,
            "section_title": question.section_title,
            "answered": question.answered,
            "answer": question.answer,
            "answer_json": json.dumps(question.answer, ensure_ascii=False, indent=2)
            if question.answered
            else "",
        },
        "feedback": (
            {
                "correct": feedback.correct,
                "percent": round(feedback.score * 100),
                "correct_answer": _answer_text(question.control, feedback.correct_answer),
                "explanation": feedback.explanation,
                "section": feedback.guideline_section,
                "section_title": feedback.section_title,
            }
            if feedback
            else None
        ),
        "guidelines_id": view.test.guidelines_id,
        "nav": [{"index": q.index, "answered": q.answered} for q in view.questions],
        "error": error,
    }
    return render(request, "assessments/question.html", context, user=user, status_code=status_code)


@router.get("/attempts/{attempt_id}/q/{number}", response_class=HTMLResponse)
def question_page(
    request: Request, attempt_id: ResourceId, number: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    attempt = _attempt(db, user, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect(request, f"/attempts/{attempt.id}/result")
    return _question_page(request, user, db, attempt, number)


async def _answer_from_form(request: Request, control: dict[str, Any]) -> Any:
    form = await request.form()
    widget = _widget(control)
    if widget == "choice" and control.get("multiple"):
        return [v for v in form.getlist("answer") if isinstance(v, str)]
    raw = form.get("answer")
    value = one_line_ending(raw) if isinstance(raw, str) else ""
    if widget in ("choice", "rating", "text"):
        return value if value != "" or widget == "text" else None
    try:
        return json.loads(value) if value.strip() else None
    except ValueError:
        raise InvalidInput(
            "The answer is not valid JSON; check brackets, quotes and commas.",
            details={"field": "answer"},
        ) from None


@router.post("/attempts/{attempt_id}/q/{number}", response_class=HTMLResponse)
async def answer_page(
    request: Request, attempt_id: ResourceId, number: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    attempt = _attempt(db, user, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect(
            request, f"/attempts/{attempt.id}/result", ("info", "This attempt is over.")
        )
    view = service.attempt_view(db, attempt)
    if not 1 <= number <= len(view.questions):
        raise NotFound(f"This attempt has no question {number}.")
    question = view.questions[number - 1]
    try:
        answer = await _answer_from_form(request, question.control)
        service.answer_question(db, user, attempt, question.id, answer)
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        attempt = _attempt(db, user, attempt_id)
        if attempt.status != AttemptStatus.IN_PROGRESS:
            return redirect(request, f"/attempts/{attempt.id}/result", ("info", failure.message))
        return _question_page(
            request,
            user,
            db,
            attempt,
            number,
            error=failure.message,
            status_code=failure.status_code,
        )
    if view.test.mode == TestMode.TRAINING:
        return redirect(request, f"/attempts/{attempt.id}/q/{number}")
    if number < len(view.questions):
        return redirect(request, f"/attempts/{attempt.id}/q/{number + 1}")
    return redirect(
        request,
        f"/attempts/{attempt.id}/q/{number}",
        ("success", "Answer saved. Submit when you are ready."),
    )


@router.post("/attempts/{attempt_id}/submit")
def submit(request: Request, attempt_id: ResourceId, user: CurrentUser, db: DbSession) -> Response:
    attempt = _attempt(db, user, attempt_id)
    service.submit_attempt(db, user, attempt)
    return redirect(request, f"/attempts/{attempt.id}/result")


@router.get("/attempts/{attempt_id}/result", response_class=HTMLResponse)
def result_page(
    request: Request, attempt_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    attempt = _attempt(db, user, attempt_id)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        return redirect(request, f"/attempts/{attempt.id}")
    view = service.attempt_view(db, attempt)
    result = result_out(view)
    status, _ = service.status_for(db, user, view.test, utcnow())
    context = {
        "attempt": {
            "id": attempt.id,
            "expired": attempt.status == AttemptStatus.EXPIRED,
            "refresher": attempt.purpose == AttemptPurpose.REFRESHER,
            "preview": attempt.purpose == AttemptPurpose.PREVIEW,
            "finished": when(attempt.finished_at),
        },
        "test": {"id": view.test.id, "title": view.test.title, "skill_key": view.test.skill_key},
        "result": result.model_dump() if result else None,
        "guidelines_id": view.test.guidelines_id,
        "status": {
            "reason": status.reason,
            "attempts_left": "Unlimited" if status.attempts_left is None else status.attempts_left,
        },
    }
    return render(request, "assessments/result.html", context, user=user)


# --- requesters: building tests --------------------------------------------------------------


def _builder_options(db: Session, user: User) -> dict[str, Any]:
    org_ids = access.manageable_organization_ids(db, user)
    projects = [{"id": p.id, "name": p.name} for p in access.manageable_projects(db, user)]
    guidelines = [
        {"id": g.id, "title": g.title}
        for g in guidelines_service.list_guidelines(db, user)
        if user.role == Role.ADMIN or g.organization_id in org_ids
    ]
    types = [f.value for f in TaskFamily] + sorted(TEMPLATES)
    return {"projects": projects, "guidelines_options": guidelines, "project_types": types}


def _int(value: str, field: str, *, scale: int = 1) -> int | None:
    value = value.strip()
    if not value:
        return None
    try:
        return round(float(value) * scale)
    except ValueError:
        raise InvalidInput(f"'{value}' is not a number.", details={"field": field}) from None


def _sections(db: Session, test: AssessmentTest) -> dict[str, str]:
    """{number: title} of the current version of the test's guidelines (none: {})."""
    if test.guidelines_id is None:
        return {}
    guidelines = db.get(Guidelines, test.guidelines_id)
    if guidelines is None:
        return {}
    return guidelines_service.section_titles(guidelines_service.get_version(db, guidelines))


def _item_summary(data: dict[str, Any]) -> str:
    if len(data) == 1 and isinstance(next(iter(data.values())), str):
        return str(next(iter(data.values())))
    return json.dumps(data, ensure_ascii=False)


def _question_row(q: TestQuestion, *, editable: bool, deletable: bool) -> dict[str, Any]:
    return {
        "id": q.id,
        "position": q.position,
        "title": q.control.get("title"),
        "kind": q.control.get("kind"),
        "kind_label": _kind_label(q.control),
        "item": _item_summary(q.data),
        "correct_answer": _answer_text(q.control, service.correct_answer(q)),
        "explanation": q.explanation,
        "section": q.guideline_section,
        "editable": editable,
        "deletable": deletable,
    }


def _kind_label(control: dict[str, Any]) -> str:
    kind = str(control.get("kind"))
    if kind == "choice":
        return "Several choices" if control.get("multiple") else "One choice"
    return {"rating": "Rating scale", "text": "Free text"}.get(kind, kind.capitalize())


def _editor(form: QuestionForm, errors: dict[str, str] | None = None) -> dict[str, Any]:
    """What the question editor partial needs: the fields, the option lines, the kinds."""
    return {
        "f": form,
        "lines": form.option_lines,
        "kinds": question_form.KINDS,
        "errors": errors or {},
    }


def _manage_context(
    db: Session, test: AssessmentTest, form: QuestionForm | None = None
) -> dict[str, Any]:
    edit_problem = service.question_edit_problem(db, test)
    draft = test.status == TestStatus.DRAFT
    return {
        "t": {
            "id": test.id,
            "title": test.title,
            "description": test.description,
            "kind": test.kind.value,
            "skill_key": test.skill_key,
            "qualification_key": test.qualification_key,
            "target": _target(db, test) if test.kind == TestKind.QUALIFICATION else None,
            "status": test.status.value,
            "mode": test.mode.value,
            "pass_mark": test.pass_mark,
            "time_limit": format_duration_or_none(test.time_limit_seconds),
            "shuffle": test.shuffle,
            "subset_size": test.subset_size,
            "policy": service.policy_of(test).describe(),
            "guidelines_id": test.guidelines_id,
        },
        "questions": [
            _question_row(q, editable=edit_problem is None, deletable=draft)
            for q in service.list_questions(db, test)
        ],
        "edit_problem": edit_problem,
        "sections": _sections(db, test),
        "editor": _editor(form or QuestionForm()),
    }


def _field_of(exc: LabelpoolError, form: QuestionForm) -> dict[str, str]:
    name = question_form.form_field(form, error_field(exc))
    return {name: exc.message} if name else {}


async def _posted_question(request: Request, extra: dict[str, Any]) -> QuestionForm:
    """The editor's fields as posted (line endings made LF, like every form)."""
    posted = await request.form()
    fields: dict[str, Any] = {}
    for key in posted:
        if key == "correct":
            fields[key] = [one_line_ending(v) for v in posted.getlist(key) if isinstance(v, str)]
        elif isinstance(value := posted.get(key), str):
            fields[key] = one_line_ending(value)
    return question_form.form_from_fields(fields, extra)


def _question_values(form: QuestionForm) -> dict[str, Any]:
    parsed = question_form.parse(form)
    return {
        "data": parsed.data,
        "control": parsed.control,
        "correct_answer": parsed.correct_answer,
        "explanation": parsed.explanation,
        "guideline_section": parsed.guideline_section,
    }


@router.get("/tests/{test_id}/manage", response_class=HTMLResponse)
def manage_page(
    request: Request, test_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    test = service.test_for_manager(db, user, test_id)
    return render(request, "assessments/manage.html", _manage_context(db, test), user=user)


@router.post("/tests/{test_id}/manage/questions", response_class=HTMLResponse)
async def add_question_page(
    request: Request, test_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    test = service.test_for_manager(db, user, test_id)
    form = await _posted_question(request, {})
    try:
        service.add_question(db, user, test, **_question_values(form))
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        test = service.test_for_manager(db, user, test_id)
        context = _manage_context(db, test, form)
        context["editor"] = _editor(form, _field_of(exc, form))
        context["form_error"] = failure.message
        return render(
            request,
            "assessments/manage.html",
            context,
            user=user,
            status_code=failure.status_code,
        )
    return redirect(request, f"/tests/{test_id}/manage#questions", ("success", "Question added."))


def _edit_page(
    request: Request,
    db: Session,
    user: User,
    test: AssessmentTest,
    question: TestQuestion,
    form: QuestionForm,
    *,
    error: LabelpoolError | None = None,
) -> Response:
    context = {
        "t": {"id": test.id, "title": test.title, "status": test.status.value},
        "q": {"id": question.id, "position": question.position},
        "sections": _sections(db, test),
        "editor": _editor(form, _field_of(error, form) if error else None),
        "form_error": error.message if error else None,
        "edit_problem": service.question_edit_problem(db, test),
        "deletable": test.status == TestStatus.DRAFT,
    }
    return render(
        request,
        "assessments/question_edit.html",
        context,
        user=user,
        status_code=error.status_code if error else 200,
    )


def _stored_form(question: TestQuestion) -> QuestionForm:
    return question_form.form_of(
        question.data,
        question.control,
        service.correct_answer(question),
        question.explanation,
        question.guideline_section,
    )


@router.get("/tests/{test_id}/manage/questions/{question_id}", response_class=HTMLResponse)
def edit_question_page(
    request: Request,
    test_id: ResourceId,
    question_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
) -> Response:
    test = service.test_for_manager(db, user, test_id)
    question = service.get_question(db, test, question_id)
    return _edit_page(request, db, user, test, question, _stored_form(question))


@router.post("/tests/{test_id}/manage/questions/{question_id}", response_class=HTMLResponse)
async def update_question_page(
    request: Request,
    test_id: ResourceId,
    question_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
) -> Response:
    test = service.test_for_manager(db, user, test_id)
    question = service.get_question(db, test, question_id)
    form = await _posted_question(request, dict(question.control))
    try:
        service.update_question(db, user, test, question_id, **_question_values(form))
    except LabelpoolError as exc:
        form_failure(db, exc)  # rolls back; the edit page maps the error to its field
        test = service.test_for_manager(db, user, test_id)
        question = service.get_question(db, test, question_id)
        return _edit_page(request, db, user, test, question, form, error=exc)
    return redirect(
        request,
        f"/tests/{test_id}/manage#question-{question_id}",
        ("success", f"Question {question.position} saved."),
    )


@router.post("/tests/{test_id}/manage/questions/{question_id}/delete")
def delete_question_page(
    request: Request,
    test_id: ResourceId,
    question_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
) -> Response:
    test = service.test_for_manager(db, user, test_id)
    try:
        service.delete_question(db, user, test, question_id)
    except Conflict as exc:
        return back_with_error(request, db, f"/tests/{test_id}/manage#questions", exc.message)
    return redirect(request, f"/tests/{test_id}/manage#questions", ("success", "Question deleted."))


@router.post("/tests/{test_id}/manage/status")
def status_page(
    request: Request, test_id: ResourceId, user: CurrentUser, db: DbSession, status: FormStr = ""
) -> Response:
    test = service.test_for_manager(db, user, test_id)
    try:
        service.set_status(db, user, test, TestStatus(status))
    except ValueError:
        return back_with_error(request, db, f"/tests/{test_id}/manage", "Unknown status.")
    except LabelpoolError as exc:
        return back_with_error(request, db, f"/tests/{test_id}/manage", exc.message)
    return redirect(request, f"/tests/{test_id}/manage", ("success", f"The test is {status} now."))
