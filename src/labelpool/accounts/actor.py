"""Who is asking: a user with their organization roles and what their credential allows.

The web layer loads one `Actor` per request (with the API token's scope) and leaves it on the
request's session; services find it there with `actor_of(db, user)`. Anywhere else (the CLI,
jobs, tests) `actor_of` loads one with every scope: in-process callers are trusted.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Membership, User
from labelpool.accounts.roles import Role, Scope

ACTOR_KEY = "labelpool.actor"

# Organization roles that may look at an organization's work, and that may change it.
VIEW_ROLES = frozenset({Role.REQUESTER, Role.REVIEWER, Role.ADMIN})
MANAGE_ROLES = frozenset({Role.REQUESTER, Role.ADMIN})


@dataclass(frozen=True)
class Actor:
    user: User
    organization_roles: Mapping[int, Role]
    scopes: frozenset[Scope] = Scope.ADMIN.includes
    # The session the actor was loaded in, for the few rules that must look something up.
    db: Session | None = field(default=None, compare=False, repr=False)

    @property
    def id(self) -> int:
        return self.user.id

    @property
    def is_admin(self) -> bool:
        """A platform admin: sees and changes every organization's work."""
        return self.user.role == Role.ADMIN

    @property
    def is_contributor(self) -> bool:
        return self.user.role == Role.CONTRIBUTOR

    def role_in(self, organization_id: int | None) -> Role | None:
        if organization_id is None:
            return None
        return self.organization_roles.get(organization_id)

    def member_of(self, organization_id: int | None) -> bool:
        return self.is_admin or self.role_in(organization_id) is not None

    def views(self, organization_id: int | None) -> bool:
        """May look at the organization's projects, tests and their results."""
        return self.is_admin or self.role_in(organization_id) in VIEW_ROLES

    def manages(self, organization_id: int | None) -> bool:
        """May create and change the organization's projects, guidelines and tests."""
        return self.is_admin or self.role_in(organization_id) in MANAGE_ROLES

    def organization_ids(self, roles: frozenset[Role] = VIEW_ROLES) -> frozenset[int]:
        """The organizations where the actor holds one of `roles` (platform role aside)."""
        return frozenset(org for org, role in self.organization_roles.items() if role in roles)

    @property
    def managed_organization_ids(self) -> frozenset[int]:
        return self.organization_ids(MANAGE_ROLES)


def _cache(db: Session) -> dict[int, Actor]:
    cache: dict[int, Actor] = db.info.setdefault(ACTOR_KEY, {})
    return cache


class MembershipRoles(Mapping[int, Role]):
    """A user's organization roles, read (one query) the first time a rule asks: most of a
    contributor's requests (claim, submit) never do."""

    def __init__(self, db: Session, user_id: int) -> None:
        self._db, self._user_id = db, user_id
        self._roles: dict[int, Role] | None = None

    def _loaded(self) -> dict[int, Role]:
        if self._roles is None:
            rows = self._db.execute(
                select(Membership.organization_id, Membership.role).where(
                    Membership.user_id == self._user_id
                )
            )
            self._roles = {organization_id: role for organization_id, role in rows}
        return self._roles

    def __getitem__(self, organization_id: int) -> Role:
        return self._loaded()[organization_id]

    def __iter__(self) -> Iterator[int]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())


def load_actor(db: Session, user: User, scopes: frozenset[Scope] = Scope.ADMIN.includes) -> Actor:
    """The actor for `user` (memberships read when first asked), left on `db` for services."""
    actor = Actor(user, MembershipRoles(db, user.id), scopes, db)
    _cache(db)[user.id] = actor
    return actor


def actor_of(db: Session, user: User) -> Actor:
    """The actor this request (or command) loaded for `user`, loading it if there is none.

    Kept per user: asking about someone else (whether an attempt grants them a
    qualification) never replaces the caller's actor and its credential's scope."""
    cached = _cache(db).get(user.id)
    return cached if cached is not None else load_actor(db, user)


def refresh_actors(db: Session) -> None:
    """Memberships changed: re-read the cached actors' organization roles (keeping scopes)."""
    for actor in list(_cache(db).values()):
        load_actor(db, actor.user, actor.scopes)
