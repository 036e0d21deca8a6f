"""A project's funnel and capacity forecast (issue 21.3): how many active contributors meet
each requirement, and whether those meeting all of them can finish the work by the deadline.

The funnel starts from every active contributor (so the always-on "account active" rule is
left out: it holds for all of them) and follows the rules in `rules.evaluate`'s order: per
rule, how many meet it *alone* and how many meet it and every rule above it (*cumulative*).

*The rule that removes the most* is the one keeping out the most contributors who meet every
other rule (dropping that rule alone would admit them). When no contributor fails exactly one
rule, it is the rule the most contributors fail; ties go to the earlier rule. There is none
when every active contributor meets every rule.

The forecast assumes each eligible contributor gives the project their declared weekly hours
(a seventh of them a day; contributors who declared none add nothing). The pace is the median
`active_seconds` of the project's counted responses (answers reporting 0 seconds are left
out); before there is one, the template's estimate (`template_estimate`). Answers still
wanted are, over the items in the pool (not filled, not withdrawn), overlap minus their live
and submitted assignments, plus the live assignments not yet answered; items per day are
answers per day over the overlap. A deadline the forecast finishes after is flagged, naming
the rule that removes the most and how many more contributors meeting every rule would meet
it (at the eligible contributors' mean declared hours).

The counting and the forecast are pure (`count_funnel`, `forecast`); `project_funnel` reads
what they need in a fixed handful of queries, whatever the number of contributors.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from labelpool.accounts.actor import actor_of
from labelpool.accounts.models import User
from labelpool.assessments.models import AssessmentTest
from labelpool.db.types import utcnow
from labelpool.eligibility.facts_batch import active_pool_facts
from labelpool.eligibility.rules import ContributorFacts, Requirements, evaluate
from labelpool.eligibility.service import requirements_of
from labelpool.policy.eligibility import EligibilityPolicy
from labelpool.policy.rules import authorize
from labelpool.projects.models import Item, Project
from labelpool.projects.templates import TaskFamily, get_template
from labelpool.text import plural
from labelpool.work.models import Assignment, AssignmentStatus, Response

ALWAYS_MET = "account_active"  # the funnel's pool is the active contributors
DAY = timedelta(days=1)

# The template's estimate: seconds per answer for one question of the task family, and what
# each further question adds. Templates carry no timing of their own.
FAMILY_SECONDS = {
    TaskFamily.TEXT: 20,
    TaskFamily.IMAGE: 30,
    TaskFamily.RATING: 45,
    TaskFamily.COMPARISON: 60,
    TaskFamily.AUDIO: 90,
    TaskFamily.CONVERSATION: 90,
    TaskFamily.VIDEO: 120,
    TaskFamily.GENERATION: 180,
}
OTHER_FAMILY_SECONDS = 60
SECONDS_PER_FURTHER_QUESTION = 10
MEASURED = "measured"
ESTIMATE = "estimate"


# --- the funnel (pure) ---------------------------------------------------------------------


@dataclass(frozen=True)
class FunnelStep:
    key: str  # the rule's key, as in the explainer: "language:de", "test:12", ...
    label: str
    alone: int  # active contributors meeting this rule
    failing: int  # active contributors not meeting it
    cumulative: int  # meeting this rule and every rule above it
    removed: int  # the step's drop: meeting every rule above it, not this one
    only_blocker: int  # failing this rule while meeting every other rule


@dataclass(frozen=True)
class Funnel:
    active: int  # active contributors: where the funnel starts
    steps: tuple[FunnelStep, ...]
    eligible: int  # meeting every rule
    removes_most: FunnelStep | None


def count_funnel(
    requirements: Requirements,
    pool: Sequence[ContributorFacts],
    *,
    project_id: int,
    test_titles: Mapping[int, str] | None = None,
) -> tuple[Funnel, list[ContributorFacts]]:
    """The funnel of `pool` (active contributors' facts) through the project's rules, and the
    facts of those meeting every rule."""
    keys: list[str] = []
    labels: dict[str, str] = {}
    alone: dict[str, int] = {}
    cumulative: dict[str, int] = {}
    only: dict[str, int] = {}
    eligible: list[ContributorFacts] = []
    for facts in pool:
        results = [
            r
            for r in evaluate(requirements, facts, project_id=project_id, test_titles=test_titles)
            if r.key != ALWAYS_MET
        ]
        if not keys:
            keys = [r.key for r in results]
            labels = {r.key: r.label for r in results}
            alone = dict.fromkeys(keys, 0)
            cumulative = dict.fromkeys(keys, 0)
            only = dict.fromkeys(keys, 0)
        still_in = True
        failed = []
        for result in results:
            if result.met:
                alone[result.key] += 1
            else:
                failed.append(result.key)
                still_in = False
            if still_in:
                cumulative[result.key] += 1
        if not failed:
            eligible.append(facts)
        elif len(failed) == 1:
            only[failed[0]] += 1
    if not keys:  # nobody to evaluate: the rules and their labels from a blank contributor
        for r in evaluate(requirements, ContributorFacts(0, True), project_id=project_id):
            if r.key != ALWAYS_MET:
                keys.append(r.key)
                labels[r.key] = r.label
    steps: list[FunnelStep] = []
    above = len(pool)
    for key in keys:
        through = cumulative.get(key, 0)
        steps.append(
            FunnelStep(
                key=key,
                label=labels[key],
                alone=alone.get(key, 0),
                failing=len(pool) - alone.get(key, 0),
                cumulative=through,
                removed=above - through,
                only_blocker=only.get(key, 0),
            )
        )
        above = through
    return Funnel(len(pool), tuple(steps), len(eligible), _removes_most(steps)), eligible


def _removes_most(steps: Sequence[FunnelStep]) -> FunnelStep | None:
    best: FunnelStep | None = None
    for step in steps:  # the earlier rule wins a tie
        if step.only_blocker > (best.only_blocker if best else 0):
            best = step
    if best is not None:
        return best
    for step in steps:
        if step.failing > (best.failing if best else 0):
            best = step
    return best


# --- the forecast (pure) -------------------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    seconds: float  # per answer
    source: str  # MEASURED (median of the responses) or ESTIMATE (the template's)
    responses: int  # how many responses the median is of (0 with the estimate)
    basis: str  # in words


def template_estimate(project: Project) -> tuple[int, str]:
    """Seconds per answer the project's template suggests (its task family, one question,
    plus SECONDS_PER_FURTHER_QUESTION for each further one), and what it rests on."""
    questions = max(1, len((project.label_schema or {}).get("controls", [])))
    try:
        family: TaskFamily | None = TaskFamily(project.task_family)
    except ValueError:
        family = None
    base = FAMILY_SECONDS.get(family, OTHER_FAMILY_SECONDS) if family else OTHER_FAMILY_SECONDS
    seconds = base + SECONDS_PER_FURTHER_QUESTION * (questions - 1)
    title = None
    if project.template_key:
        try:
            title = get_template(project.template_key).title
        except KeyError:
            title = None
    kind = f"the “{title}” template" if title else f"a {project.task_family} task"
    return seconds, f"estimate for {kind} with {plural(questions, 'question')}"


def choose_pace(median_seconds: float | None, responses: int, estimate: tuple[int, str]) -> Pace:
    """The measured median once there are responses, else the template's estimate."""
    if median_seconds is not None and responses > 0:
        return Pace(
            float(median_seconds),
            MEASURED,
            responses,
            f"median of {plural(responses, 'counted response')}",
        )
    return Pace(float(estimate[0]), ESTIMATE, 0, estimate[1])


@dataclass(frozen=True)
class Forecast:
    eligible: int
    weekly_hours: int  # declared by the eligible contributors, summed
    without_hours: int  # eligible contributors who declared no weekly hours
    hours_per_day: float
    pace: Pace
    remaining_items: int  # items in the pool (not filled, not withdrawn)
    remaining_answers: int
    answers_per_day: float
    items_per_day: float
    days_to_finish: float | None  # None: no capacity (no eligible hours)
    finish_at: datetime | None
    deadline: datetime | None
    flagged: bool  # there is a deadline and the pool does not meet it
    starving_rule: FunnelStep | None  # the rule removing the most, when flagged
    more_contributors: int | None  # more contributors meeting every rule the deadline needs
    message: str | None  # the flag in words


def forecast(
    *,
    eligible_hours: Sequence[int | None],
    pool_hours: Sequence[int | None],
    pace: Pace,
    remaining_items: int,
    remaining_answers: int,
    overlap: int,
    now: datetime,
    deadline: datetime | None,
    removes_most: FunnelStep | None,
) -> Forecast:
    """The capacity of the eligible contributors (their declared weekly hours, `eligible_hours`)
    at `pace`, against the work left and the deadline. `pool_hours` (every active
    contributor's) sizes a missing contributor when none of the eligible declared hours."""
    declared = [h for h in eligible_hours if h]
    weekly = sum(declared)
    hours_per_day = weekly / 7
    answers_per_day = hours_per_day * 3600 / pace.seconds if pace.seconds > 0 else 0.0
    items_per_day = answers_per_day / max(overlap, 1)
    if remaining_answers <= 0:
        days: float | None = 0.0
    elif answers_per_day > 0:
        days = remaining_answers / answers_per_day
    else:
        days = None
    finish_at = now + days * DAY if days is not None else None
    flagged = (
        deadline is not None
        and remaining_answers > 0
        and (finish_at is None or finish_at > deadline)
    )
    more: int | None = None
    message: str | None = None
    if flagged and deadline is not None:
        sizing = declared or [h for h in pool_hours if h]
        per_contributor = (
            (sum(sizing) / len(sizing)) / 7 * 3600 / pace.seconds
            if sizing and pace.seconds > 0
            else 0.0
        )
        days_left = (deadline - now) / DAY
        if days_left > 0 and per_contributor > 0:
            needed = remaining_answers / days_left
            more = max(1, math.ceil((needed - answers_per_day) / per_contributor - 1e-9))
        message = _flag_text(
            finish_at,
            deadline,
            now,
            remaining_answers,
            removes_most,
            more,
            eligible=len(eligible_hours),
            active=len(pool_hours),
        )
    return Forecast(
        eligible=len(eligible_hours),
        weekly_hours=weekly,
        without_hours=len(eligible_hours) - len(declared),
        hours_per_day=hours_per_day,
        pace=pace,
        remaining_items=remaining_items,
        remaining_answers=max(remaining_answers, 0),
        answers_per_day=answers_per_day,
        items_per_day=items_per_day,
        days_to_finish=days,
        finish_at=finish_at,
        deadline=deadline,
        flagged=flagged,
        starving_rule=removes_most if flagged else None,
        more_contributors=more,
        message=message,
    )


def day_text(value: datetime) -> str:
    """'3 Dec 2026'."""
    return f"{value.day} {value:%b %Y}"


def _flag_text(
    finish_at: datetime | None,
    deadline: datetime,
    now: datetime,
    remaining: int,
    starving: FunnelStep | None,
    more: int | None,
    *,
    eligible: int,
    active: int,
) -> str:
    if deadline <= now:
        head = (
            f"The deadline ({day_text(deadline)}) has passed with {remaining:,} answers "
            "still wanted."
        )
    elif finish_at is None:
        head = (
            f"Nobody eligible declared working hours: the {remaining:,} answers still wanted "
            f"will not be given by the deadline ({day_text(deadline)})."
            if eligible
            else f"No active contributor meets every rule: the {remaining:,} answers still "
            f"wanted will not be given by the deadline ({day_text(deadline)})."
        )
    else:
        head = (
            f"At this pace the work finishes on {day_text(finish_at)}, after the deadline "
            f"({day_text(deadline)})."
        )
    if active == 0:
        cause = " There are no active contributors yet."
    elif starving is None:
        cause = " Every active contributor meets every rule: the pool itself is too small."
    elif starving.only_blocker:
        cause = (
            f" The rule that starves the pool: “{starving.label}”: it alone keeps out "
            f"{plural(starving.only_blocker, 'contributor')} meeting every other rule."
        )
    else:
        cause = (
            f" The rule that starves the pool: “{starving.label}”: "
            f"{plural(starving.failing, 'active contributor')} "
            f"{'does' if starving.failing == 1 else 'do'} not meet it."
        )
    need = (
        f" About {plural(more, 'more contributor')} meeting every rule would meet the deadline."
        if more is not None
        else ""
    )
    return head + cause + need


# --- reading what it needs -----------------------------------------------------------------


def remaining_work(db: Session, project: Project) -> tuple[int, int]:
    """(items in the pool, answers still wanted): overlap minus the live and submitted
    assignments of each unfilled item, plus the live assignments not yet answered."""
    short = case((Item.taken < project.overlap, project.overlap - Item.taken), else_=0)
    items, answers = db.execute(
        select(func.count(), func.coalesce(func.sum(short), 0)).where(
            Item.project_id == project.id, Item.filled.is_(False), Item.withdrawn.is_(False)
        )
    ).one()
    live = db.scalar(
        select(func.count())
        .select_from(Assignment)
        .join(Item, Item.id == Assignment.item_id)
        .where(
            Assignment.project_id == project.id,
            Assignment.status == AssignmentStatus.LIVE,
            Item.withdrawn.is_(False),
        )
    )
    return int(items or 0), int(answers or 0) + int(live or 0)


def measured_pace(db: Session, project_id: int) -> tuple[float | None, int]:
    """(median active seconds, how many) over the project's counted responses that report
    their time; (None, 0) before there is one. Two queries, on both databases."""
    timed = (
        Response.project_id == project_id,
        Response.counted.is_(True),
        Response.active_seconds > 0,
    )
    n = int(db.scalar(select(func.count()).select_from(Response).where(*timed)) or 0)
    if n == 0:
        return None, 0
    middle = list(
        db.scalars(
            select(Response.active_seconds)
            .where(*timed)
            .order_by(Response.active_seconds)
            .offset((n - 1) // 2)
            .limit(1 if n % 2 else 2)
        )
    )
    return sum(middle) / len(middle), n


def _test_titles(db: Session, test_ids: Sequence[int]) -> dict[int, str]:
    if not test_ids:
        return {}
    rows = db.execute(
        select(AssessmentTest.id, AssessmentTest.title).where(AssessmentTest.id.in_(list(test_ids)))
    )
    return {test_id: title for test_id, title in rows}


@dataclass(frozen=True)
class FunnelReport:
    project_id: int
    funnel: Funnel
    forecast: Forecast
    computed_at: datetime


def funnel_of(db: Session, project: Project, *, now: datetime | None = None) -> FunnelReport:
    """The project's funnel and forecast (no authorization: `project_funnel` asks the policy)."""
    now = now or utcnow()
    requirements = requirements_of(db, project.id)
    pool = active_pool_facts(db, requirements, project.id, now=now)
    funnel, eligible = count_funnel(
        requirements,
        pool,
        project_id=project.id,
        test_titles=_test_titles(db, requirements.tests),
    )
    median, responses = measured_pace(db, project.id)
    items, answers = remaining_work(db, project)
    outlook = forecast(
        eligible_hours=[f.weekly_hours for f in eligible],
        pool_hours=[f.weekly_hours for f in pool],
        pace=choose_pace(median, responses, template_estimate(project)),
        remaining_items=items,
        remaining_answers=answers,
        overlap=project.overlap,
        now=now,
        deadline=project.deadline,
        removes_most=funnel.removes_most,
    )
    return FunnelReport(project.id, funnel, outlook, now)


def project_funnel(
    db: Session, user: User, project: Project, *, now: datetime | None = None
) -> FunnelReport:
    """The funnel and forecast, for the project's staff and platform admins."""
    authorize(actor_of(db, user), EligibilityPolicy.see_funnel(project))
    return funnel_of(db, project, now=now)
