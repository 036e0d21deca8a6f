"""Pages for tests: contributors take them (one question per page), requesters build them.

Everything a taker's page shows comes from `service.attempt_view` / `tests_for_taker`, which
carry no correct answers; feedback appears only for answered questions of training tests.
The pages' view shaping is in `presenters.py` (taking) and `authoring_presenters.py` (building).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments import authoring_presenters, page_forms, presenters, service
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
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, LabelpoolError, NotFound
from labelpool.policy import OrganizationPolicy, actor_of, authorize
from labelpool.policy.organizations import is_builder
from labelpool.projects import service as projects
from labelpool.web.deps import CurrentUser, DbSession, csrf_protect
from labelpool.web.forms import back_with_error, form_failure
from labelpool.web.render import FormStr, redirect, render, when
from labelpool.web.schemas import ResourceId

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)
NEW_TEST = OrganizationPolicy.build("tests")  # platform admins make platform-wide tests


def _is_builder(db: Session, user: User) -> bool:
    return is_builder(actor_of(db, user))


# --- requesters: a new test (before /tests/{test_id}, which would take its path) -----------


@router.get("/tests/new", response_class=HTMLResponse)
def new_test_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    authorize(actor_of(db, user), NEW_TEST)
    context = {
        "form": {"kind": "skill", "mode": "exam", "pass_mark": "80"},
        **authoring_presenters.builder_options(db, user),
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
    authorize(actor_of(db, user), NEW_TEST)
    form = dict(locals())
    for key in ("request", "user", "db"):
        form.pop(key)
    try:
        org_ids = sorted(actor_of(db, user).managed_organization_ids)
        organization_id = None
        project = page_forms.number(project_id, "project_id") if kind == "qualification" else None
        if project is not None:
            organization_id = projects.require_manager(db, user, project).organization_id
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
            guidelines_id=page_forms.number(guidelines_id, "guidelines_id"),
            mode=TestMode.TRAINING if mode == "training" else TestMode.EXAM,
            pass_mark=page_forms.number(pass_mark, "pass_mark") or 80,
            time_limit_seconds=page_forms.number(
                time_limit_minutes, "time_limit_seconds", scale=60
            ),
            shuffle=bool(shuffle),
            subset_size=page_forms.number(subset_size, "subset_size"),
            cooldown_seconds=page_forms.number(cooldown_hours, "cooldown_seconds", scale=3600) or 0,
            max_attempts=page_forms.number(max_attempts, "max_attempts"),
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
                **authoring_presenters.builder_options(db, user),
            },
            user=user,
            status_code=failure.status_code,
        )
    return redirect(
        request,
        f"/tests/{test.id}/manage",
        ("success", "Test created. Add questions, then publish it."),
    )


# --- contributors: the list, a test, attempts ----------------------------------------------


@router.get("/tests", response_class=HTMLResponse)
def tests_page(request: Request, user: CurrentUser, db: DbSession) -> Response:
    now = utcnow()
    cards = [presenters.card_view(c, now) for c in service.tests_for_taker(db, user, now)]
    context = {
        "cards": cards,
        "account_block": presenters.account_block(db, user),
        "refreshers": presenters.refresher_rows(db, user),
        "is_builder": _is_builder(db, user),
        "managed": presenters.managed_rows(db, user) if _is_builder(db, user) else [],
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
    pending = [r for r in presenters.refresher_rows(db, user) if r["test_id"] == test.id]
    context = {
        "t": presenters.card_view(card, now),
        "account_block": presenters.take_block(db, user, test),
        "review_link": actor_of(db, user).is_contributor,
        "attempts": attempt_rows,
        "guidelines": presenters.guidelines_link(db, test),
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
    settings = request.app.state.settings
    context = presenters.question_context(db, settings, attempt, number, error=error)
    return render(request, "assessments/question.html", context, user=user, status_code=status_code)

    return render(request, "assessments/question.html", context, user=user, status_code=status_code)


@router.get("/attempts/{attempt_id}/q/{number}", response_class=HTMLResponse)
def question_page(
    request: Request, attempt_id: ResourceId, number: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    attempt = _attempt(db, user, attempt_id)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        return redirect(request, f"/attempts/{attempt.id}/result")
    return _question_page(request, user, db, attempt, number)


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
        answer = await page_forms.posted_answer(request, question.control)
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


@router.get("/tests/{test_id}/manage", response_class=HTMLResponse)
def manage_page(
    request: Request, test_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    test = service.test_for_manager(db, user, test_id)
    return render(
        request, "assessments/manage.html", authoring_presenters.manage_context(db, test), user=user
    )


@router.post("/tests/{test_id}/manage/questions", response_class=HTMLResponse)
async def add_question_page(
    request: Request, test_id: ResourceId, user: CurrentUser, db: DbSession
) -> Response:
    test = service.test_for_manager(db, user, test_id)
    form = await page_forms.posted_question(request, {})
    try:
        service.add_question(db, user, test, **page_forms.question_values(form))
    except LabelpoolError as exc:
        failure = form_failure(db, exc)
        test = service.test_for_manager(db, user, test_id)
        context = authoring_presenters.manage_context(db, test, form)
        context["editor"] = authoring_presenters.editor(
            form, authoring_presenters.field_of(exc, form)
        )
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
    context = authoring_presenters.edit_context(db, test, question, form, error=error)
    return render(
        request,
        "assessments/question_edit.html",
        context,
        user=user,
        status_code=error.status_code if error else 200,
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
    return _edit_page(request, db, user, test, question, authoring_presenters.stored_form(question))


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
    form = await page_forms.posted_question(request, dict(question.control))
    try:
        service.update_question(db, user, test, question_id, **page_forms.question_values(form))
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
