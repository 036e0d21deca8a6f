"""Enumerations shared across features (kept in one place, stored as strings)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user may do. A user's platform role; memberships carry a role per organization."""

    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"
    REQUESTER = "requester"
    ADMIN = "admin"


class Scope(StrEnum):
    """What an API token may do, each level including the ones before it (a log-in has all)."""

    READ = "read"  # look: every GET
    WRITE = "write"  # change what the user may change: projects, items, tests, answers
    ADMIN = "admin"  # run the platform or an organization: accounts, members, skill levels

    @property
    def includes(self) -> frozenset[Scope]:
        order = list(Scope)
        return frozenset(order[: order.index(self) + 1])
