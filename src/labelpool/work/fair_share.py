"""Fair share and the daily limit (issue 21, point 6): numbers in, a decision out (pure: no
database, no web).

*Active* contributors of a project took an assignment there in the last 24 hours (the one
claiming now counts as active). When the project's open items fall below `factor` times the
active contributors, work is scarce: a contributor whose answers of the last 24 hours are
above the median of the active contributors' waits while the others catch up. "Above" is
strict, so at least half of the active contributors may always claim (no one waits for
nobody); a factor of 0 turns fair share off.

The daily limit is a rolling 24 hours: answers given in the last 24 hours plus tasks held now
may not exceed `max_responses_per_day` (held tasks count, so the limit is never overshot).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

WINDOW = timedelta(hours=24)
# How soon a waiting contributor is told to ask again: others answer within about a task's
# time, which changes the median.
FAIR_SHARE_RETRY = timedelta(seconds=60)


@dataclass(frozen=True)
class FairShare:
    """The fair-share verdict for one claim, with the numbers behind it."""

    wait: bool
    my_responses: int  # the caller's answers in the last 24 hours
    median: float  # of the active contributors' answers in the last 24 hours
    open_items: int  # items still open in the project (counted up to the threshold)
    active: int  # contributors active in the last 24 hours, the caller included
    threshold: int  # factor x active: below this many open items work is scarce

    @property
    def scarce(self) -> bool:
        return self.open_items < self.threshold


def scarcity_cap(factor: int, contributors: int) -> int:
    """How many open items to count at most: `factor` times an upper bound on the active."""
    return max(factor, 0) * max(contributors, 1)


def decide(
    my_responses: int, active_counts: Sequence[int], open_items: int, factor: int
) -> FairShare:
    """Whether a contributor with `my_responses` answers waits, given every active
    contributor's answers of the last 24 hours (`active_counts`, the caller's included)."""
    counts = list(active_counts) or [my_responses]
    middle = float(median(counts))
    threshold = max(factor, 0) * len(counts)
    wait = open_items < threshold and my_responses > middle
    return FairShare(wait, my_responses, middle, open_items, len(counts), threshold)


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.1f}"


def fair_share_message(verdict: FairShare) -> str:
    """The refusal's words, with the numbers."""
    return (
        f"Work is scarce: {verdict.open_items} open items for {verdict.active} active "
        f"contributors. You gave {verdict.my_responses} answers in the last 24 hours, above "
        f"the median of {_number(verdict.median)}; please wait while others catch up."
    )


@dataclass(frozen=True)
class DailyLimit:
    """The daily-limit verdict: answers in the last 24 hours plus tasks held, against the
    limit."""

    reached: bool
    answered: int
    held: int
    limit: int | None


def daily_limit(answered: int, held: int, limit: int | None) -> DailyLimit:
    """Whether one more task would take the contributor past `limit` (None: no limit)."""
    reached = limit is not None and answered + held >= limit
    return DailyLimit(reached, answered, held, limit)


def daily_limit_message(verdict: DailyLimit, opens: str | None) -> str:
    """The refusal's words: how many answers, the limit and when one more opens (`opens`,
    already in words)."""
    when = f" One more opens {opens}." if opens else ""
    return (
        f"You reached this project's limit of {verdict.limit} answers in 24 hours "
        f"({verdict.answered} answered, {verdict.held} held).{when}"
    )


def limit_reopens_at(nth_latest_at: datetime | None) -> datetime | None:
    """When the limit lets one more in: the limit-th latest answer leaves the 24 hours."""
    return nth_latest_at + WINDOW if nth_latest_at is not None else None
