"""The project lifecycle: draft -> active -> paused -> completed / cancelled."""

from __future__ import annotations

from labelpool.projects.models import ProjectStatus

S = ProjectStatus
ALLOWED: dict[ProjectStatus, frozenset[ProjectStatus]] = {
    S.DRAFT: frozenset({S.ACTIVE, S.CANCELLED}),
    S.ACTIVE: frozenset({S.PAUSED, S.COMPLETED, S.CANCELLED}),
    S.PAUSED: frozenset({S.ACTIVE, S.COMPLETED, S.CANCELLED}),
    S.COMPLETED: frozenset(),
    S.CANCELLED: frozenset(),
}


def transition_problem(current: ProjectStatus, target: ProjectStatus) -> str | None:
    """Why the project cannot move from `current` to `target`, or None if it can."""
    if current == target:
        return f"The project is already {current.value}."
    allowed = ALLOWED[current]
    if target in allowed:
        return None
    if not allowed:
        return f"A {current.value} project cannot change any more."
    options = ", ".join(sorted(s.value for s in allowed))
    return f"A {current.value} project cannot become {target.value}; it can become: {options}."
