"""What a credential's scope allows by the request's method, before any resource rule runs."""

from __future__ import annotations

from labelpool.accounts.roles import Scope
from labelpool.policy.rules import Rule

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def request_rule(method: str) -> Rule:
    """Looking needs the read scope, any change the write scope."""
    scope = Scope.READ if method.upper() in SAFE_METHODS else Scope.WRITE
    return Rule.when(f"http.{method.lower()}", scope, lambda _actor: True, "")
