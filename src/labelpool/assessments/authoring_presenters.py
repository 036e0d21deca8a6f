"""View shaping for the pages that build tests: the new-test form, the manage page, the
question editor. Presentation only: these read through the services and shape templates' data.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments import question_form, service
from labelpool.assessments.models import AssessmentTest, TestKind, TestQuestion, TestStatus
from labelpool.assessments.presenters import answer_text, format_duration_or_none, target
from labelpool.assessments.question_form import QuestionForm
from labelpool.errors import LabelpoolError
from labelpool.guidelines import service as guidelines_service
from labelpool.guidelines.models import Guidelines
from labelpool.policy import GuidelinesPolicy, actor_of, permits
from labelpool.projects import service as projects_service
from labelpool.projects.templates import TEMPLATES
from labelpool.projects.templates.model import TaskFamily
from labelpool.web.forms import error_field


def builder_options(db: Session, user: User) -> dict[str, Any]:
    actor = actor_of(db, user)
    projects = [{"id": p.id, "name": p.name} for p in projects_service.managed_projects(db, user)]
    guidelines = [
        {"id": g.id, "title": g.title}
        for g in guidelines_service.list_guidelines(db, user)
        if permits(actor, GuidelinesPolicy.manage(g))
    ]
    types = [f.value for f in TaskFamily] + sorted(TEMPLATES)
    return {"projects": projects, "guidelines_options": guidelines, "project_types": types}


def sections(db: Session, test: AssessmentTest) -> dict[str, str]:
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
        "correct_answer": answer_text(q.control, service.correct_answer(q)),
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


def editor(form: QuestionForm, errors: dict[str, str] | None = None) -> dict[str, Any]:
    """What the question editor partial needs: the fields, the option lines, the kinds."""
    return {
        "f": form,
        "lines": form.option_lines,
        "kinds": question_form.KINDS,
        "errors": errors or {},
    }


def manage_context(
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
            "target": target(db, test) if test.kind == TestKind.QUALIFICATION else None,
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
        "sections": sections(db, test),
        "editor": editor(form or QuestionForm()),
    }


def field_of(exc: LabelpoolError, form: QuestionForm) -> dict[str, str]:
    name = question_form.form_field(form, error_field(exc))
    return {name: exc.message} if name else {}


def edit_context(
    db: Session,
    test: AssessmentTest,
    question: TestQuestion,
    form: QuestionForm,
    *,
    error: LabelpoolError | None = None,
) -> dict[str, Any]:
    """What the page editing one question shows (with the error of a refused save, if any)."""
    return {
        "t": {"id": test.id, "title": test.title, "status": test.status.value},
        "q": {"id": question.id, "position": question.position},
        "sections": sections(db, test),
        "editor": editor(form, field_of(error, form) if error else None),
        "form_error": error.message if error else None,
        "edit_problem": service.question_edit_problem(db, test),
        "deletable": test.status == TestStatus.DRAFT,
    }


def stored_form(question: TestQuestion) -> QuestionForm:
    return question_form.form_of(
        question.data,
        question.control,
        service.correct_answer(question),
        question.explanation,
        question.guideline_section,
    )
