"""Contributor account states: applied -> under_review -> active, and suspended (pure).

Who may make a move:

- the contributor: applied -> under_review (submitting the application);
- the system: under_review -> active, when every check has passed; active -> under_review,
  when a check stops passing (the contributor changed a reviewed part of the profile, or an
  admin decided a check again), so an active account always has every check passed;
- an admin: under_review -> active (every check passed), active or under_review -> suspended,
  suspended -> active (reinstating; every check must have passed).
"""

from __future__ import annotations

from labelpool.contributors.enums import ContributorState

S = ContributorState
ALLOWED: dict[ContributorState, frozenset[ContributorState]] = {
    S.APPLIED: frozenset({S.UNDER_REVIEW}),
    S.UNDER_REVIEW: frozenset({S.ACTIVE, S.SUSPENDED}),
    S.ACTIVE: frozenset({S.SUSPENDED, S.UNDER_REVIEW}),
    S.SUSPENDED: frozenset({S.ACTIVE}),
}

#: The moves an admin may make by hand (submitting belongs to the contributor).
ADMIN_MOVES: frozenset[tuple[ContributorState, ContributorState]] = frozenset(
    {
        (S.UNDER_REVIEW, S.ACTIVE),
        (S.UNDER_REVIEW, S.SUSPENDED),
        (S.ACTIVE, S.SUSPENDED),
        (S.SUSPENDED, S.ACTIVE),
    }
)


def _name(state: ContributorState) -> str:
    return state.value.replace("_", " ")


def transition_problem(current: ContributorState, target: ContributorState) -> str | None:
    """Why an account cannot move from `current` to `target`, or None if it can."""
    if current == target:
        return f"The account is already {_name(current)}."
    allowed = ALLOWED[current]
    if target in allowed:
        return None
    options = ", ".join(sorted(_name(s) for s in allowed))
    return (
        f"An account that is {_name(current)} cannot become {_name(target)}; "
        f"it can become: {options}."
    )
