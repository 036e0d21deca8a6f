"""View shaping for the eligibility pages: the /work page and the requirements editor in a
project's settings (what the form shows, and reading what it posts)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labelpool.assessments.models import AssessmentTest, TestStatus
from labelpool.contributors.enums import DeviceKind, Proficiency
from labelpool.eligibility import service
from labelpool.eligibility.funnel import MEASURED, FunnelReport, day_text, funnel_of
from labelpool.eligibility.rules import Requirements, RuleResult, when_text
from labelpool.errors import InvalidInput
from labelpool.projects.models import Project
from labelpool.text import plural

FORM_FIELDS = (
    "countries_allowed",
    "countries_denied",
    "languages",
    "skills",
    "min_weekly_hours",
    "min_quality_score",
    "max_active_projects",
)


# --- the requirements editor -----------------------------------------------------------------


def requirements_form(requirements: Requirements) -> dict[str, Any]:
    """The editor's values for `requirements` (text fields as the form posts them)."""
    return {
        "countries_allowed": ", ".join(requirements.countries_allowed),
        "countries_denied": ", ".join(requirements.countries_denied),
        "languages": "\n".join(f"{r.language} {r.minimum.value}" for r in requirements.languages),
        "skills": "\n".join(f"{r.skill} {r.minimum}" for r in requirements.skills),
        "tests": [str(t) for t in requirements.tests],
        "devices": [d.value for d in requirements.devices],
        "min_weekly_hours": _number(requirements.min_weekly_hours),
        "min_quality_score": _number(requirements.min_quality_score),
        "max_active_projects": _number(requirements.max_active_projects),
    }


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def requirements_editor(
    db: Session,
    project: Project,
    *,
    form: Mapping[str, Any] | None = None,
    error: str | None = None,
    field_errors: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """What `eligibility/_requirements.html` shows in the project's settings tab."""
    tests = db.scalars(
        select(AssessmentTest)
        .where(
            AssessmentTest.status != TestStatus.DRAFT,
            or_(
                AssessmentTest.organization_id.is_(None),
                AssessmentTest.organization_id == project.organization_id,
            ),
        )
        .order_by(AssessmentTest.title, AssessmentTest.id)
        .limit(200)
    )
    return {
        "action": f"/projects/{project.id}/requirements",
        "form": dict(form)
        if form is not None
        else requirements_form(service.requirements_of(db, project.id)),
        "tests": [{"id": str(t.id), "title": t.title, "status": t.status.value} for t in tests],
        "devices": [d.value for d in DeviceKind],
        "proficiencies": [p.value for p in Proficiency],
        "error": error,
        "field_errors": dict(field_errors or {}),
    }


def _words(raw: str) -> list[str]:
    return [w for w in raw.replace(",", " ").split() if w]


def _pairs(raw: str, field: str, example: str) -> list[tuple[str, str]]:
    pairs = []
    for number, line in enumerate(raw.splitlines(), start=1):
        parts = line.replace(",", " ").replace(":", " ").split()
        if not parts:
            continue
        if len(parts) != 2:
            raise InvalidInput(
                f"Line {number} of {field.replace('_', ' ')}: write one per line, as “{example}”.",
                details={"field": field},
            )
        pairs.append((parts[0], parts[1]))
    return pairs


def _optional_number(raw: str, field: str, words: str) -> float | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{words} must be a number.", details={"field": field}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise InvalidInput(f"{words} must be a number.", details={"field": field})
    return value


def requirements_from_form(form: Mapping[str, Any]) -> Requirements:
    """Read the editor's post; InvalidInput names the field that is wrong."""
    languages = [
        {"language": code.lower(), "minimum": level.lower()}
        for code, level in _pairs(str(form.get("languages", "")), "languages", "de fluent")
    ]
    skills = []
    for key, level in _pairs(str(form.get("skills", "")), "skills", "grammar 70"):
        if not level.isdigit():
            raise InvalidInput(
                f"The level of skill {key} must be a whole number from 0 to 100.",
                details={"field": "skills"},
            )
        skills.append({"skill": key, "minimum": int(level)})
    numbers: dict[str, float | None] = {}
    for field, words in (
        ("min_weekly_hours", "Minimum weekly hours"),
        ("min_quality_score", "Minimum quality score"),
        ("max_active_projects", "Maximum projects at once"),
    ):
        numbers[field] = _optional_number(str(form.get(field, "")), field, words)
    for field in ("min_weekly_hours", "max_active_projects"):
        value = numbers[field]
        if value is not None and not value.is_integer():
            raise InvalidInput("Write a whole number.", details={"field": field})
    tests = []
    for raw in form.get("tests", []):
        if not str(raw).isdigit():
            raise InvalidInput("Choose tests from the list.", details={"field": "tests"})
        tests.append(int(raw))
    data: dict[str, Any] = {
        "countries_allowed": _words(str(form.get("countries_allowed", ""))),
        "countries_denied": _words(str(form.get("countries_denied", ""))),
        "languages": languages,
        "skills": skills,
        "tests": tests,
        "devices": list(form.get("devices", [])),
        "min_weekly_hours": _whole(numbers["min_weekly_hours"]),
        "min_quality_score": numbers["min_quality_score"],
        "max_active_projects": _whole(numbers["max_active_projects"]),
    }
    try:
        return Requirements.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "requirements"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidInput(
            f"{field.replace('_', ' ').capitalize()}: {message}.", details={"field": field}
        ) from None


def _whole(value: float | None) -> int | None:
    return None if value is None else int(value)


# --- the /work page --------------------------------------------------------------------------


def _rule_view(result: RuleResult) -> dict[str, Any]:
    return {
        "key": result.key,
        "label": result.label,
        "met": result.met,
        "value": result.value,
        "required": result.required,
        "next_step": result.next_step,
        "next_at": when_text(result.next_at) if result.next_at else None,
        "next_at_iso": result.next_at.isoformat() if result.next_at else None,
        "next_href": result.next_href,
    }


def _ago(value: datetime | None) -> str | None:
    return when_text(value) if value else None


def work_view(overview: service.WorkOverview) -> dict[str, Any]:
    """The three groups of the /work page, ready for `work/index.html`."""

    def card(entry: service.WorkProject) -> dict[str, Any]:
        count = entry.open_items
        return {
            "id": entry.project_id,
            "name": entry.name,
            "organization": entry.organization,
            "status": entry.status.value,
            "open_items": count,
            "open_text": (
                f"{count}+ tasks open to you"
                if entry.open_items_capped
                else f"{plural(count, 'task')} open to you"
            ),
            "reason": entry.reason,
            "reason_text": entry.reason_text,
            "come_back_at": when_text(entry.come_back_at) if entry.come_back_at else None,
            "come_back_at_iso": entry.come_back_at.isoformat() if entry.come_back_at else None,
            "last_work_at": _ago(entry.last_work_at),
            "unmet": [_rule_view(r) for r in entry.unmet],
        }

    return {
        "open": [card(p) for p in overview.open],
        "no_work": [card(p) for p in overview.no_work],
        "not_yet": [card(p) for p in overview.not_yet],
        "contributor_active": overview.contributor_active,
    }


# --- the Workforce tab: funnel and forecast --------------------------------------------------


def _seconds_text(seconds: float) -> str:
    """'42 s', '2 min 5 s', '1 h 10 min'."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _rate(value: float) -> str:
    """A per-day figure: '1,240', '12.5', '0.4'."""
    if value >= 100:
        return f"{value:,.0f}"
    return f"{value:,.1f}".removesuffix(".0")


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def workforce_view(report: FunnelReport) -> dict[str, Any]:
    """The funnel with its bars (shares of the active contributors), the rule removing the
    most, and the forecast, ready for `projects/_workforce.html`."""
    funnel, outlook = report.funnel, report.forecast
    worst = funnel.removes_most.key if funnel.removes_most else None
    steps = [
        {
            "key": step.key,
            "label": step.label,
            "alone": step.alone,
            "cumulative": step.cumulative,
            "failing": step.failing,
            "removed": step.removed,
            "only_blocker": step.only_blocker,
            "alone_pct": _percent(step.alone, funnel.active),
            "cumulative_pct": _percent(step.cumulative, funnel.active),
            "worst": step.key == worst,
        }
        for step in funnel.steps
    ]
    days = outlook.days_to_finish
    if days is None:
        finish_in = None
    elif days < 1:
        finish_in = "within a day" if outlook.remaining_answers else "done"
    else:
        finish_in = f"in {plural(math.ceil(days), 'day')}"
    return {
        "active": funnel.active,
        "eligible": funnel.eligible,
        "eligible_pct": _percent(funnel.eligible, funnel.active),
        "steps": steps,
        "removes_most": next((s for s in steps if s["worst"]), None),
        "forecast": {
            "eligible": outlook.eligible,
            "weekly_hours": outlook.weekly_hours,
            "without_hours": outlook.without_hours,
            "hours_per_day": _rate(outlook.hours_per_day),
            "pace": _seconds_text(outlook.pace.seconds),
            "pace_measured": outlook.pace.source == MEASURED,
            "pace_basis": outlook.pace.basis,
            "pace_responses": outlook.pace.responses,
            "remaining_items": outlook.remaining_items,
            "remaining_answers": outlook.remaining_answers,
            "answers_per_day": _rate(outlook.answers_per_day),
            "items_per_day": _rate(outlook.items_per_day),
            "finish": day_text(outlook.finish_at) if outlook.finish_at else None,
            "finish_in": finish_in,
            "done": outlook.remaining_answers == 0,
            "deadline": day_text(outlook.deadline) if outlook.deadline else None,
            "on_track": outlook.deadline is not None and not outlook.flagged,
            "flagged": outlook.flagged,
            "message": outlook.message,
            "more_contributors": outlook.more_contributors,
            "starving": outlook.starving_rule.label if outlook.starving_rule else None,
        },
        "computed_at": when_text(report.computed_at),
    }


def funnel_view(db: Session, project: Project) -> dict[str, Any]:
    """The project page's Workforce tab (the caller checked `EligibilityPolicy.see_funnel`)."""
    return workforce_view(funnel_of(db, project))
