"""Organizations: who may create work in one, see its members, and run the platform."""

from __future__ import annotations

from labelpool.accounts.actor import Actor
from labelpool.accounts.roles import Scope
from labelpool.errors import InvalidInput
from labelpool.policy.rules import Rule, Verdict


class OrganizationPolicy:
    @staticmethod
    def create_in(organization_id: int, noun: str, hidden: str | None = None) -> Rule:
        """Create `noun` (projects, guidelines, tests) in the organization: its requesters and
        admins, and platform admins. Others are told the organization is not theirs."""
        return Rule(
            f"{noun}.create",
            Scope.WRITE,
            lambda actor: Verdict.ALLOW if actor.manages(organization_id) else Verdict.HIDE,
            forbidden="",
            hidden=hidden
            or f"You cannot create {noun} in an organization with id {organization_id}.",
        )

    @staticmethod
    def build(noun: str, *, platform_admins: bool = True) -> Rule:
        """Open a form that creates `noun` in one's organization: its requesters and admins (and,
        with `platform_admins`, the platform's admins). Contributors are not told it exists."""

        def decide(actor: Actor) -> Verdict:
            if actor.managed_organization_ids or (platform_admins and actor.is_admin):
                return Verdict.ALLOW
            return Verdict.HIDE if actor.is_contributor else Verdict.FORBID

        also = (
            ""
            if platform_admins
            else " (platform admins: through the API, naming the organization)"
        )
        return Rule(
            f"{noun}.create",
            Scope.READ,
            decide,
            forbidden=f"Only an organization's requesters and admins can create {noun}{also}; "
            "ask one of them.",
            hidden="There is no such page.",
        )

    @staticmethod
    def see_members(organization_id: int) -> Rule:
        return Rule(
            "organization.members",
            Scope.READ,
            lambda actor: Verdict.ALLOW if actor.member_of(organization_id) else Verdict.HIDE,
            forbidden="",
            hidden=f"You are not a member of an organization with id {organization_id}.",
        )


class PlatformPolicy:
    """What only the platform's admins do: users, account review, skill levels."""

    @staticmethod
    def administer(what: str = "This") -> Rule:
        return Rule.when(
            "platform.administer",
            Scope.ADMIN,
            lambda actor: actor.is_admin,
            f"{what} needs the role admin.",
        )


def contributor_only(what: str) -> Rule:
    """Things only contributors do (apply, take work): others are told what they need."""
    return Rule.when(
        "contributor.self",
        Scope.READ,
        lambda actor: actor.is_contributor,
        f"{what} needs the role contributor.",
    )


def is_builder(actor: Actor) -> bool:
    """Whether the actor can build anything (a platform admin or an organization's manager)."""
    return actor.is_admin or bool(actor.managed_organization_ids)


def default_organization_id(actor: Actor, organization_id: int | None) -> int:
    """The organization to create in: the one given (its rule is checked on creating), or the
    only one the actor manages."""
    if organization_id is not None:
        return organization_id
    managed = sorted(actor.managed_organization_ids)
    if len(managed) == 1:
        return managed[0]
    raise InvalidInput(
        "Say which organization this belongs to (organization_id); "
        f"you can create in {len(managed)} organizations.",
        details={"field": "organization_id"},
    )
