"""The contributor's profile: read, created on first use, and the facts the review rules see."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.contributors.checks import ensure_checks
from labelpool.contributors.enums import ContributorState, DeviceKind, OperatingSystem, Proficiency
from labelpool.contributors.models import AccountStateChange, ContributorProfile
from labelpool.contributors.review import Completeness, ProfileFacts, profile_completeness
from labelpool.errors import NotFound


@dataclass(frozen=True)
class ProfileInput:
    """A whole profile as validated by `schemas.ProfileIn` (every field replaces the stored one)."""

    country: str | None = None
    languages: Sequence[tuple[str, Proficiency]] = ()
    primary_domain: str | None = None
    secondary_skills: Sequence[str] = ()
    experience: str = ""
    devices: Sequence[tuple[DeviceKind, OperatingSystem]] = ()
    headphones: bool = False
    microphone: bool = False
    weekly_hours: int | None = None
    time_zone: str | None = None


def _require_contributor(user: User) -> None:
    if user.role != Role.CONTRIBUTOR:
        raise NotFound(f"User {user.id} is not a contributor.")


def get_profile(db: Session, user_id: int) -> ContributorProfile | None:
    return db.scalar(select(ContributorProfile).where(ContributorProfile.user_id == user_id))


def get_contributor_profile(db: Session, user_id: int) -> ContributorProfile:
    """The profile of a contributor, for admins (created when the contributor has none yet)."""
    user = db.get(User, user_id)
    if user is None or user.role != Role.CONTRIBUTOR:
        raise NotFound(f"No contributor with id {user_id}.")
    return get_or_create_profile(db, user)


def get_or_create_profile(db: Session, user: User) -> ContributorProfile:
    """The contributor's profile, created empty (state applied, every check pending) if new."""
    _require_contributor(user)
    profile = get_profile(db, user.id)
    if profile is not None:
        return profile
    profile = ContributorProfile(
        user_id=user.id, state=ContributorState.APPLIED, secondary_skills=[], experience=""
    )
    db.add(profile)
    db.flush()
    ensure_checks(db, user.id)
    db.add(
        AccountStateChange(
            user_id=user.id,
            from_state=None,
            to_state=ContributorState.APPLIED,
            actor_id=user.id,
            reason="Started the application.",
            details={},
        )
    )
    db.flush()
    return profile


def profile_facts(profile: ContributorProfile) -> ProfileFacts:
    return ProfileFacts(
        country=profile.country,
        languages=tuple((lang.language, lang.proficiency) for lang in profile.languages),
        primary_domain=profile.primary_domain,
        secondary_skills=tuple(profile.secondary_skills or ()),
        experience=profile.experience or "",
        devices=tuple((d.kind, d.os) for d in profile.devices),
        headphones=profile.headphones,
        microphone=profile.microphone,
        weekly_hours=profile.weekly_hours,
        time_zone=profile.time_zone,
    )


def completeness(profile: ContributorProfile) -> Completeness:
    return profile_completeness(profile_facts(profile))
