"""The question editor's form (pure): a question as form fields, and form fields as a question.

A requester picks the kind of answer (one choice, several choices, a rating, free text) and
types the prompt, the item's text and the options one per line, then picks the correct answer
from those options. Every other control kind is written as JSON ("advanced"). The result is
handed to `service.add_question` / `update_question`, which validate it like any question.

Option values are made from the labels ("Very good" -> "very_good") unless an option with
that label exists already: then its value (and hint) are kept, so editing a label elsewhere
leaves the stored answers of the others alone. The correct answer is picked by label.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from labelpool.errors import InvalidInput

KINDS: dict[str, tuple[str, str]] = {  # key: (label, hint) as the editor offers them
    "single": ("One choice", "Pick one option"),
    "multi": ("Several choices", "Tick all that apply"),
    "rating": ("Rating scale", "A point on a scale"),
    "text": ("Free text", "Type the answer"),
    "advanced": ("Other control", "Spans, boxes, ranking… as JSON"),
}
SIMPLE_KINDS = ("single", "multi", "rating", "text")
DEFAULT_FIELD = "text"
DEFAULT_NAME = "answer"
MAX_OPTIONS = 100
_POINT = re.compile(r"^(-?\d{1,6})(?:\s*[-=:.)]\s*|\s+)(.+)$")
_NUMBER = re.compile(r"^-?\d{1,6}$")
_SLUG = re.compile(r"[^a-z0-9]+")
# Keys the simple form sets itself; anything else of an existing control of the same kind
# (a description, min_selected, na_option, multiline, ...) is kept as it was.
_FORM_KEYS = frozenset({"kind", "title", "target", "options", "multiple", "scale"})
_KEPT_ACROSS_KINDS = ("name", "description", "required", "guideline_section")


@dataclass(frozen=True)
class QuestionForm:
    """The editor's fields as typed (strings), so a refused form comes back unchanged."""

    kind: str = "single"
    title: str = ""
    item_text: str = ""
    options: str = ""
    correct: tuple[str, ...] = ()
    correct_text: str = ""
    explanation: str = ""
    guideline_section: str = ""
    data_json: str = ""
    control_json: str = ""
    correct_json: str = ""
    item_field: str = DEFAULT_FIELD
    extra: dict[str, Any] = field(default_factory=dict)  # the edited question's control

    @property
    def option_lines(self) -> list[str]:
        return _lines(self.options)

    @property
    def simple(self) -> bool:
        return self.kind in SIMPLE_KINDS


@dataclass(frozen=True)
class ParsedQuestion:
    data: dict[str, Any]
    control: dict[str, Any]
    correct_answer: Any
    explanation: str
    guideline_section: str | None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


# --- a stored question as the form ------------------------------------------------------------


def _simple_kind(control: Mapping[str, Any], data: Mapping[str, Any]) -> str | None:
    """The simple kind that shows this question without losing anything, or None."""
    kind = control.get("kind")
    target = control.get("target")
    if not (
        len(data) == 1
        and isinstance(target, str)
        and isinstance(data.get(target), str)
        and not control.get("targets")
    ):
        return None
    if kind == "choice":
        return "multi" if control.get("multiple") else "single"
    if kind in ("rating", "text"):
        return str(kind)
    return None


def _option_label(options: Sequence[Mapping[str, Any]], value: Any) -> str:
    for option in options:
        if option.get("value") == value:
            return str(option.get("label") or value)
    return str(value)


def _scale_line(point: Mapping[str, Any], index: int) -> str:
    label = str(point.get("label", ""))
    value = point.get("value")
    return label if value == index + 1 and not _NUMBER.match(label) else f"{value} {label}"


def form_of(
    data: Mapping[str, Any],
    control: Mapping[str, Any],
    correct_answer: Any,
    explanation: str,
    guideline_section: str | None,
) -> QuestionForm:
    """A stored question as the editor's fields (advanced when the simple form cannot show it)."""
    kind = _simple_kind(control, data)
    base = QuestionForm(
        kind=kind or "advanced",
        title=str(control.get("title", "")),
        explanation=explanation,
        guideline_section=guideline_section or "",
        data_json=_dumps(dict(data)),
        control_json=_dumps(dict(control)),
        correct_json=_dumps(correct_answer),
        extra=dict(control),
    )
    if kind is None:
        return base
    target = str(control["target"])
    base = replace(base, item_text=str(data[target]), item_field=target)
    if kind in ("single", "multi"):
        options = list(control.get("options", []))
        chosen = correct_answer if isinstance(correct_answer, list) else [correct_answer]
        return replace(
            base,
            options="\n".join(str(o.get("label", o.get("value"))) for o in options),
            correct=tuple(_option_label(options, v) for v in chosen if v is not None),
        )
    if kind == "rating":
        scale = list(control.get("scale", []))
        lines = [_scale_line(p, i) for i, p in enumerate(scale)]
        by_value = {p.get("value"): line for p, line in zip(scale, lines, strict=True)}
        picked = by_value.get(correct_answer)
        return replace(base, options="\n".join(lines), correct=(picked,) if picked else ())
    return replace(base, correct_text=str(correct_answer or ""))


def _item_field(control: Mapping[str, Any]) -> str:
    target = control.get("target")
    return target if isinstance(target, str) and target else DEFAULT_FIELD


def form_from_fields(fields: Mapping[str, Any], extra: Mapping[str, Any]) -> QuestionForm:
    """The posted fields as a form (`correct` may be several values: multi choice)."""
    kind = str(fields.get("kind") or "single")
    correct = fields.get("correct") or ()
    return QuestionForm(
        kind=kind if kind in KINDS else "single",
        title=str(fields.get("title", "")),
        item_text=str(fields.get("item_text", "")),
        options=str(fields.get("options", "")),
        correct=tuple(str(c) for c in correct if str(c).strip()),
        correct_text=str(fields.get("correct_text", "")),
        explanation=str(fields.get("explanation", "")),
        guideline_section=str(fields.get("guideline_section", "")),
        data_json=str(fields.get("data_json", "")),
        control_json=str(fields.get("control_json", "")),
        correct_json=str(fields.get("correct_json", "")),
        item_field=_item_field(extra),
        extra=dict(extra),
    )


# --- the form as a question ---------------------------------------------------------------


def _invalid(message: str, field_name: str) -> InvalidInput:
    return InvalidInput(message, details={"field": field_name})


def _slug(label: str, taken: set[str], index: int) -> str:
    base = _SLUG.sub("_", label.lower()).strip("_")[:60] or f"option_{index}"
    value, n = base, 2
    while value in taken:
        value, n = f"{base}_{n}", n + 1
    return value


def _choice_options(
    lines: list[str], existing: Sequence[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    known = {str(o.get("label")): o for o in existing if isinstance(o, Mapping)}
    taken: set[str] = set()
    options = []
    for index, label in enumerate(lines, start=1):
        if len(label) > 500:
            raise _invalid(f"Option {index} is longer than 500 characters.", "options")
        old = known.get(label)
        value = str(old["value"]) if old and str(old.get("value")) not in taken else None
        value = value or _slug(label, taken, index)
        taken.add(value)
        option: dict[str, Any] = {"value": value, "label": label}
        if old and old.get("hint"):
            option["hint"] = old["hint"]
        options.append(option)
    return options


def _scale(lines: list[str], existing: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Scale points: "1 Poor" / "1 = Poor" / "1" lines keep their numbers; plain labels are
    numbered 1, 2, 3, ... from the top (lowest first)."""
    numbered = [_POINT.match(line) or _NUMBER.match(line) for line in lines]
    points: list[dict[str, Any]] = []
    for index, (line, match) in enumerate(zip(lines, numbered, strict=True), start=1):
        if all(numbered) and match is not None:
            value = int(match.group(1) if match.re is _POINT else match.group(0))
            label = match.group(2).strip() if match.re is _POINT else line
        else:
            value, label = index, line
        points.append({"value": value, "label": label[:500]})
    descriptions = {
        str(p.get("label")): p.get("description") for p in existing if isinstance(p, Mapping)
    }
    for point in points:
        if descriptions.get(point["label"]):
            point["description"] = descriptions[point["label"]]
    return points


def _kept(extra: Mapping[str, Any], same_kind: bool) -> dict[str, Any]:
    if same_kind:
        return {k: v for k, v in extra.items() if k not in _FORM_KEYS}
    return {k: extra[k] for k in _KEPT_ACROSS_KINDS if k in extra}


def _pick(lines: list[str], chosen: Sequence[str], values: list[Any]) -> list[Any]:
    """The values of the chosen lines (matched as typed, then ignoring case)."""
    exact = {line: value for line, value in zip(lines, values, strict=True)}
    folded = {line.casefold(): value for line, value in zip(lines, values, strict=True)}
    picked = []
    for choice in chosen:
        choice = choice.strip()
        if choice in exact:
            picked.append(exact[choice])
        elif choice.casefold() in folded:
            picked.append(folded[choice.casefold()])
        else:
            raise _invalid(
                f"“{choice}” is not one of the options; pick the correct answer from them.",
                "correct",
            )
    return list(dict.fromkeys(picked))


def _simple(form: QuestionForm) -> tuple[dict[str, Any], dict[str, Any], Any]:
    title = form.title.strip()
    if not title:
        raise _invalid("Write the question contributors answer.", "title")
    if len(title) > 500:
        raise _invalid("The question is longer than 500 characters.", "title")
    if not form.item_text.strip():
        raise _invalid("Type the text contributors read for this question.", "item_text")
    previous = form.extra.get("kind")
    kind = "choice" if form.kind in ("single", "multi") else form.kind
    control: dict[str, Any] = {
        **_kept(form.extra, previous == kind),
        "kind": kind,
        "title": title,
        "target": form.item_field,
    }
    control.setdefault("name", DEFAULT_NAME)
    data = {form.item_field: form.item_text.strip()}
    if kind == "text":
        if not form.correct_text.strip():
            raise _invalid("Type the correct text.", "correct_text")
        return data, control, form.correct_text.strip()
    lines = form.option_lines
    noun = "scale points" if kind == "rating" else "options"
    if len(lines) < 2:
        raise _invalid(f"Give at least two {noun}, one per line.", "options")
    if len(lines) > MAX_OPTIONS:
        raise _invalid(f"Give at most {MAX_OPTIONS} {noun}.", "options")
    if len({line.casefold() for line in lines}) != len(lines):
        raise _invalid(f"Each of the {noun} must be different.", "options")
    if kind == "rating":
        control["scale"] = _scale(lines, form.extra.get("scale") or [])
        values: list[Any] = [p["value"] for p in control["scale"]]
    else:
        control["options"] = _choice_options(lines, form.extra.get("options") or [])
        control["multiple"] = form.kind == "multi"
        if form.kind == "single":
            control.pop("min_selected", None)
            control.pop("max_selected", None)
        values = [o["value"] for o in control["options"]]
    picked = _pick(lines, form.correct, values)
    if not picked:
        raise _invalid("Pick the correct answer from the options.", "correct")
    if form.kind == "multi":
        return data, control, picked
    if len(picked) > 1:
        raise _invalid("Pick one correct answer.", "correct")
    return data, control, picked[0]


def _json(text: str, field_name: str, what: str) -> Any:
    if not text.strip():
        raise _invalid(f"Give the {what} as JSON.", field_name)
    try:
        return json.loads(text)
    except ValueError:
        raise _invalid(
            f"The {what} is not valid JSON; check brackets, quotes and commas.", field_name
        ) from None


def _advanced(form: QuestionForm) -> tuple[Any, Any, Any]:
    return (
        _json(form.data_json, "data_json", "item data"),
        _json(form.control_json, "control_json", "control"),
        _json(form.correct_json, "correct_json", "correct answer"),
    )


def parse(form: QuestionForm) -> ParsedQuestion:
    """The form as a question for the service; InvalidInput names the form field at fault."""
    data, control, correct = _simple(form) if form.simple else _advanced(form)
    return ParsedQuestion(
        data=data,
        control=control,
        correct_answer=correct,
        explanation=form.explanation,
        guideline_section=form.guideline_section.strip() or None,
    )


# The service names fields by the question's parts; the form has its own fields for them.
SIMPLE_FIELDS = {"data": "item_text", "control": "title", "correct_answer": "correct"}
ADVANCED_FIELDS = {"data": "data_json", "control": "control_json", "correct_answer": "correct_json"}


def form_field(form: QuestionForm, service_field: str | None) -> str | None:
    """The form field to show a service error at."""
    if service_field is None:
        return None
    if form.simple:
        if form.kind == "text" and service_field == "correct_answer":
            return "correct_text"
        if service_field == "control" and form.kind != "text":
            return "options"
        return SIMPLE_FIELDS.get(service_field, service_field)
    return ADVANCED_FIELDS.get(service_field, service_field)
