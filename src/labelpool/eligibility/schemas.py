"""API bodies for requirements, the eligibility explainer and the contributor's work list."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import TYPE_CHECKING

from labelpool.eligibility.rules import Requirements
from labelpool.projects.models import ProjectStatus
from labelpool.web.schemas import InputModel, OutputModel

if TYPE_CHECKING:
    from labelpool.eligibility.funnel import FunnelReport


class RequirementsIn(Requirements, InputModel):
    """A project's whole requirements (PUT replaces them; an empty body clears every rule)."""


class RequirementsOut(OutputModel):
    project_id: int
    rules: Requirements
    changes: dict[str, dict[str, object]] | None = None  # what a PUT changed


class RuleResultOut(OutputModel):
    key: str
    label: str
    met: bool
    value: str
    required: str
    next_step: str | None
    next_at: datetime | None
    next_href: str | None


class EligibilityOut(OutputModel):
    project_id: int
    eligible: bool
    rules: list[RuleResultOut]


class WorkProjectOut(OutputModel):
    project_id: int
    name: str
    organization: str
    status: ProjectStatus
    open_items: int
    open_items_capped: bool
    reason: str | None
    reason_text: str | None
    come_back_at: datetime | None
    last_work_at: datetime | None
    unmet: list[RuleResultOut]


class WorkOut(OutputModel):
    open: list[WorkProjectOut]
    no_work: list[WorkProjectOut]
    not_yet: list[WorkProjectOut]


class FunnelStepOut(OutputModel):
    key: str
    label: str
    alone: int  # active contributors meeting this rule
    failing: int  # active contributors not meeting it
    cumulative: int  # meeting this rule and every rule above it
    removed: int  # meeting every rule above it, not this one
    only_blocker: int  # failing this rule while meeting every other rule


class PaceOut(OutputModel):
    seconds_per_answer: float
    source: str  # "measured" (median of counted responses) or "estimate" (the template's)
    responses: int  # how many responses the median is of
    basis: str


class ForecastOut(OutputModel):
    eligible_contributors: int
    weekly_hours: int
    contributors_without_hours: int
    hours_per_day: float
    pace: PaceOut
    remaining_items: int
    remaining_answers: int
    answers_per_day: float
    items_per_day: float
    days_to_finish: float | None
    estimated_finish_at: datetime | None
    deadline: datetime | None
    deadline_missed: bool
    starving_rule: str | None  # the key of the rule removing the most, when flagged
    more_contributors_needed: int | None
    message: str | None


class FunnelOut(OutputModel):
    project_id: int
    active_contributors: int
    steps: list[FunnelStepOut]
    eligible: int
    removes_most: str | None  # the key of the rule removing the most
    forecast: ForecastOut
    computed_at: datetime


def funnel_out(report: FunnelReport) -> FunnelOut:
    """The API body of a project's funnel and forecast."""
    funnel, outlook = report.funnel, report.forecast
    return FunnelOut(
        project_id=report.project_id,
        active_contributors=funnel.active,
        steps=[FunnelStepOut.model_validate(asdict(step)) for step in funnel.steps],
        eligible=funnel.eligible,
        removes_most=funnel.removes_most.key if funnel.removes_most else None,
        forecast=ForecastOut(
            eligible_contributors=outlook.eligible,
            weekly_hours=outlook.weekly_hours,
            contributors_without_hours=outlook.without_hours,
            hours_per_day=round(outlook.hours_per_day, 2),
            pace=PaceOut(
                seconds_per_answer=round(outlook.pace.seconds, 1),
                source=outlook.pace.source,
                responses=outlook.pace.responses,
                basis=outlook.pace.basis,
            ),
            remaining_items=outlook.remaining_items,
            remaining_answers=outlook.remaining_answers,
            answers_per_day=round(outlook.answers_per_day, 1),
            items_per_day=round(outlook.items_per_day, 1),
            days_to_finish=None
            if outlook.days_to_finish is None
            else round(outlook.days_to_finish, 2),
            estimated_finish_at=outlook.finish_at,
            deadline=outlook.deadline,
            deadline_missed=outlook.flagged,
            starving_rule=outlook.starving_rule.key if outlook.starving_rule else None,
            more_contributors_needed=outlook.more_contributors,
            message=outlook.message,
        ),
        computed_at=report.computed_at,
    )
