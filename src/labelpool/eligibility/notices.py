"""Eligibility's notifications: a new project open to you with work, and a project whose
requirements changed so that you no longer meet them.

Outbox jobs subscribed to the project's events (queued in the event's transaction; see
`notifications/subscriptions.py` for why that loses nothing). They live here, not in
`notifications/`, because deciding who is eligible is eligibility's work (the layers
contract). The whole active pool is read in the funnel's handful of queries
(`facts_batch.active_pool_facts`), whatever its size.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.assessments.models import AssessmentTest
from labelpool.eligibility.facts_batch import active_pool_facts
from labelpool.eligibility.rules import Requirements, RuleResult, evaluate, unmet
from labelpool.eligibility.service import requirements_of
from labelpool.events import Action
from labelpool.events.emit import on
from labelpool.notifications import kinds
from labelpool.notifications.service import event_time, notify_once
from labelpool.policy.eligibility import OPEN_TO_THE_CROWD
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.work.models import Assignment

if TYPE_CHECKING:
    from labelpool.jobs.context import JobContext

NEW_PROJECT = "eligibility.notify_new_project"
NO_LONGER_ELIGIBLE = "eligibility.notify_no_longer_eligible"
# The body names at most this many unmet rules.
RULES_NAMED = 3


def _has_open_work(db: Session, project_id: int) -> bool:
    return (
        db.scalar(
            select(Item.id)
            .where(
                Item.project_id == project_id,
                Item.filled.is_(False),
                Item.withdrawn.is_(False),
            )
            .limit(1)
        )
        is not None
    )


def _titles(db: Session, requirements: Sequence[Requirements]) -> dict[int, str]:
    ids = sorted({t for r in requirements for t in r.tests})
    if not ids:
        return {}
    return dict(
        db.execute(
            select(AssessmentTest.id, AssessmentTest.title).where(AssessmentTest.id.in_(ids))
        )
        .tuples()
        .all()
    )


def eligible_user_ids(db: Session, project: Project, requirements: Requirements) -> list[int]:
    """The active contributors meeting every rule of the project now."""
    return [
        facts.user_id
        for facts in active_pool_facts(db, requirements, project.id)
        if not unmet(evaluate(requirements, facts, project_id=project.id))
    ]


@on(Action.PROJECT_STATUS_CHANGED, NEW_PROJECT)
def new_project(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    """A project opened for the first time (draft to active): everyone who may work on it
    now hears of it, when it has open work."""
    details = payload.get("details") or {}
    if details.get("from") != ProjectStatus.DRAFT.value:
        return
    if details.get("to") != ProjectStatus.ACTIVE.value:
        return
    project = db.get(Project, payload["target_id"])
    if project is None or project.status != ProjectStatus.ACTIVE:
        return
    if not _has_open_work(db, project.id):
        return
    users = eligible_user_ids(db, project, requirements_of(db, project.id))
    notify_once(  # once per user and project, however often the job runs
        db,
        users,
        kinds.NEW_PROJECT,
        f"New project open to you: “{project.name}”",
        "You meet every requirement of this project and it has tasks waiting. Open your Work "
        "page to start.",
        f"/work#project-{project.id}",
    )


def _before(after: Requirements, changes: dict[str, Any]) -> Requirements | None:
    """The requirements as they were, from today's and the event's diff (None: unreadable)."""
    rules = after.model_dump(mode="json")
    for key, change in changes.items():
        if isinstance(change, dict) and "from" in change:
            rules[key] = change["from"]
    try:
        return Requirements.model_validate(rules)
    except ValueError:
        return None


def _rules_text(results: Sequence[RuleResult]) -> str:
    named = [f"{r.label} (you: {r.value})" for r in results[:RULES_NAMED]]
    more = len(results) - len(named)
    return "; ".join(named) + (f"; and {more} more" if more > 0 else "")


@on(Action.PROJECT_REQUIREMENTS_CHANGED, NO_LONGER_ELIGIBLE)
def no_longer_eligible(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    """Contributors who have worked on the project, met its requirements before the change and
    do not now, are told which rules they miss (they can claim no more of its tasks)."""
    project = db.get(Project, payload["target_id"])
    if project is None or project.status not in OPEN_TO_THE_CROWD:
        return
    worked = set(
        db.scalars(select(Assignment.user_id).where(Assignment.project_id == project.id).distinct())
    )
    if not worked:
        return
    after = requirements_of(db, project.id)
    before = _before(after, (payload.get("details") or {}).get("changes") or {})
    if before is None:
        return
    titles = _titles(db, [before, after])
    met_before = {
        facts.user_id
        for facts in active_pool_facts(db, before, project.id)
        if facts.user_id in worked
        and not unmet(evaluate(before, facts, project_id=project.id, test_titles=titles))
    }
    if not met_before:
        return
    since = event_time(db, payload)
    for facts in active_pool_facts(db, after, project.id):
        if facts.user_id not in met_before:
            continue
        missing = unmet(evaluate(after, facts, project_id=project.id, test_titles=titles))
        if not missing:
            continue
        notify_once(
            db,
            [facts.user_id],
            kinds.REMOVED,
            f"You no longer meet the requirements of “{project.name}”",
            f"The project's requirements changed, so you cannot take more of its tasks. Not "
            f"met now: {_rules_text(missing)}. Your submitted answers are kept; your Work page "
            "shows what would make you eligible again.",
            f"/work#project-{project.id}",
            since=since,  # a repeated job tells nobody twice about this change
        )
