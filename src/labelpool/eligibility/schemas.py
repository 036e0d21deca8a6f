"""API bodies for requirements, the eligibility explainer and the contributor's work list."""

from __future__ import annotations

from datetime import datetime

from labelpool.eligibility.rules import Requirements
from labelpool.projects.models import ProjectStatus
from labelpool.web.schemas import InputModel, OutputModel


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
