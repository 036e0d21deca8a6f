"""Enumerations shared across features (kept in one place, stored as strings)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """What a user may do. A user's platform role; memberships carry a role per organization."""

    CONTRIBUTOR = "contributor"
    REVIEWER = "reviewer"
    REQUESTER = "requester"
    ADMIN = "admin"
