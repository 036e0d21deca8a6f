"""Reading what the test pages post: numbers, a taker's answer, the question editor's fields.

Line endings are made LF, like every form; a value that does not parse is an InvalidInput
naming its field.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request

from labelpool.assessments import question_form
from labelpool.assessments.presenters import widget
from labelpool.assessments.question_form import QuestionForm
from labelpool.errors import InvalidInput
from labelpool.text import one_line_ending


def number(value: str, field: str, *, scale: int = 1) -> int | None:
    """A number typed in a form (times `scale`, rounded), None when left empty."""
    value = value.strip()
    if not value:
        return None
    try:
        return round(float(value) * scale)
    except ValueError:
        raise InvalidInput(f"'{value}' is not a number.", details={"field": field}) from None


async def posted_answer(request: Request, control: dict[str, Any]) -> Any:
    form = await request.form()
    shown_as = widget(control)
    if isinstance(widget_answer := form.get("answer_widget"), str):
        return _json_answer(widget_answer)  # the labeling widget's answer, as JSON
    if shown_as == "choice" and control.get("multiple"):
        return [v for v in form.getlist("answer") if isinstance(v, str)]
    raw = form.get("answer")
    value = one_line_ending(raw) if isinstance(raw, str) else ""
    if shown_as in ("choice", "rating", "text"):
        return value if value != "" or shown_as == "text" else None
    return _json_answer(value)


def _json_answer(value: str) -> Any:
    try:
        return json.loads(value) if value.strip() else None
    except ValueError:
        raise InvalidInput(
            "The answer is not valid JSON; check brackets, quotes and commas.",
            details={"field": "answer"},
        ) from None


async def posted_question(request: Request, extra: dict[str, Any]) -> QuestionForm:
    """The editor's fields as posted (line endings made LF, like every form)."""
    posted = await request.form()
    fields: dict[str, Any] = {}
    for key in posted:
        if key == "correct":
            fields[key] = [one_line_ending(v) for v in posted.getlist(key) if isinstance(v, str)]
        elif isinstance(value := posted.get(key), str):
            fields[key] = one_line_ending(value)
    return question_form.form_from_fields(fields, extra)


def question_values(form: QuestionForm) -> dict[str, Any]:
    """The editor's form as the keyword arguments of `service.add_question` / `update_question`."""
    parsed = question_form.parse(form)
    return {
        "data": parsed.data,
        "control": parsed.control,
        "correct_answer": parsed.correct_answer,
        "explanation": parsed.explanation,
        "guideline_section": parsed.guideline_section,
    }
