"""Rules, the verdicts they give, and the one place that turns a verdict into an error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from labelpool.accounts.actor import Actor, actor_of
from labelpool.accounts.models import User
from labelpool.accounts.roles import Scope
from labelpool.errors import NotFound, PermissionDenied


class Verdict(Enum):
    ALLOW = "allow"
    FORBID = "forbid"  # the actor may know the object exists, not do this to it
    HIDE = "hide"  # the object does not exist as far as the actor is concerned


@dataclass(frozen=True)
class Rule:
    """One thing someone may want to do, e.g. "project.manage" on project 7."""

    name: str
    scope: Scope
    decide: Callable[[Actor], Verdict]
    forbidden: str  # what a FORBID says, naming who may instead
    hidden: str = ""  # what a HIDE says ("No project with id 7.")
    code: str | None = None

    @classmethod
    def when(
        cls,
        name: str,
        scope: Scope,
        allowed: Callable[[Actor], bool],
        forbidden: str,
        *,
        code: str | None = None,
    ) -> Rule:
        """A rule that either allows or forbids (nothing to hide)."""
        return cls(
            name,
            scope,
            lambda actor: Verdict.ALLOW if allowed(actor) else Verdict.FORBID,
            forbidden,
            code=code,
        )


def verdict(actor: Actor, rule: Rule) -> Verdict:
    return rule.decide(actor)


def permits(actor: Actor, rule: Rule) -> bool:
    """Whether `authorize` would let `actor` through (scope included)."""
    return rule.scope in actor.scopes and rule.decide(actor) == Verdict.ALLOW


def authorize(actor: Actor, rule: Rule) -> None:
    """Let `actor` through `rule`, or raise NotFound / PermissionDenied saying why."""
    outcome = rule.decide(actor)
    if outcome == Verdict.HIDE:
        raise NotFound(rule.hidden or "Not found.")
    if rule.scope not in actor.scopes:
        raise PermissionDenied(
            f"This API token's scope does not include {rule.scope.value!r}, which "
            f"{rule.name} needs; create a token with that scope on your account page.",
            code="insufficient_scope",
        )
    if outcome == Verdict.FORBID:
        raise PermissionDenied(rule.forbidden, code=rule.code)


S = TypeVar("S", bound=Select[Any])
Readable = Callable[[Select[Any], Actor], Select[Any]]
READABLE: dict[type, Readable] = {}


def readable(model: type) -> Callable[[Readable], Readable]:
    """Register how a list query of `model` is narrowed to what an actor may read."""

    def register(function: Readable) -> Readable:
        READABLE[model] = function
        return function

    return register


def visible(statement: S, actor: Actor) -> S:
    """`statement` (a select of one registered model) narrowed to the rows `actor` may read."""
    entity = statement.column_descriptions[0].get("entity")
    narrow = READABLE.get(entity) if isinstance(entity, type) else None
    if narrow is None:
        raise TypeError(f"no visibility rule for {entity!r}: register one with @readable")
    narrowed: S = narrow(statement, actor)  # type: ignore[assignment]
    return narrowed


def view_owned(name: str, organization_id: int | None, hidden: str) -> Rule:
    """Look at something an organization owns: its members with a viewing role (and platform
    admins); to everyone else it does not exist."""
    return Rule(
        name,
        Scope.READ,
        lambda actor: Verdict.ALLOW if actor.views(organization_id) else Verdict.HIDE,
        forbidden="",
        hidden=hidden,
    )


def manage_owned(name: str, organization_id: int | None, hidden: str, forbidden: str) -> Rule:
    """Change something an organization owns: its requesters and admins (and platform admins);
    its other members are told who may; everyone else is told it does not exist."""

    def decide(actor: Actor) -> Verdict:
        if not actor.views(organization_id):
            return Verdict.HIDE
        return Verdict.ALLOW if actor.manages(organization_id) else Verdict.FORBID

    return Rule(name, Scope.WRITE, decide, forbidden=forbidden, hidden=hidden)


T = TypeVar("T")


def get_authorized(
    db: Session, user: User, model: type[T], object_id: int, rule: Callable[[T], Rule], noun: str
) -> T:
    """The `model` row with `object_id` if `rule` lets the user through; NotFound for a missing
    id, said the same way as for a hidden one (other tenants' ids stay secret)."""
    found = db.get(model, object_id)
    if found is None:
        raise NotFound(f"No {noun} with id {object_id}.")
    authorize(actor_of(db, user), rule(found))
    return found
