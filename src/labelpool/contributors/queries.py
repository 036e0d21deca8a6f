"""Reading contributors: for matching and eligibility, and the admins' review queue."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from labelpool.accounts.models import Membership, User
from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    OperatingSystem,
    Proficiency,
)
from labelpool.contributors.models import (
    ContributorProfile,
    VerificationCheck,
)
from labelpool.contributors.profiles import get_profile, profile_facts


@dataclass(frozen=True)
class ContributorSummary:
    """What matching and eligibility need to know about one contributor (read-only)."""

    user_id: int
    state: ContributorState
    country: str | None
    languages: dict[str, Proficiency]
    primary_domain: str | None
    secondary_skills: tuple[str, ...]
    devices: tuple[tuple[DeviceKind, OperatingSystem], ...]
    headphones: bool
    microphone: bool
    weekly_hours: int | None
    time_zone: str | None
    checks: dict[CheckName, CheckStatus] = field(default_factory=dict)

    @property
    def is_active(self) -> bool:
        return self.state == ContributorState.ACTIVE

    def speaks(self, language: str, minimum: Proficiency = Proficiency.BASIC) -> bool:
        found = self.languages.get(language)
        return found is not None and found.rank >= Proficiency(minimum).rank

    @property
    def device_kinds(self) -> frozenset[DeviceKind]:
        return frozenset(kind for kind, _ in self.devices)


def contributor_state(db: Session, user_id: int) -> ContributorState | None:
    """The account state, or None when the user has never opened an application."""
    return db.scalar(select(ContributorProfile.state).where(ContributorProfile.user_id == user_id))


def is_active(db: Session, user_id: int) -> bool:
    return contributor_state(db, user_id) == ContributorState.ACTIVE


def contributor_summary(db: Session, user_id: int) -> ContributorSummary | None:
    """Country, languages, skills, devices, availability, state and checks of one contributor."""
    profile = get_profile(db, user_id)
    if profile is None:
        return None
    facts = profile_facts(profile)
    checks = {
        c.name: c.status
        for c in db.scalars(select(VerificationCheck).where(VerificationCheck.user_id == user_id))
    }
    return ContributorSummary(
        user_id=user_id,
        state=profile.state,
        country=facts.country,
        languages=dict(facts.languages),
        primary_domain=facts.primary_domain,
        secondary_skills=facts.secondary_skills,
        devices=facts.devices,
        headphones=facts.headphones,
        microphone=facts.microphone,
        weekly_hours=facts.weekly_hours,
        time_zone=facts.time_zone,
        checks=checks,
    )


@dataclass(frozen=True)
class QueueRow:
    user: User
    profile: ContributorProfile
    checks: dict[CheckName, VerificationCheck]

    @property
    def needs_review(self) -> list[CheckName]:
        return [n for n, c in self.checks.items() if c.status == CheckStatus.NEEDS_REVIEW]

    @property
    def failed(self) -> list[CheckName]:
        return [n for n, c in self.checks.items() if c.status == CheckStatus.FAILED]

    @property
    def passed(self) -> int:
        return sum(c.status == CheckStatus.PASSED for c in self.checks.values())


def review_queue(db: Session, *, everyone: bool = False, limit: int = 200) -> list[QueueRow]:
    """Submitted applications with a check waiting for an admin, or still under review, oldest
    submission first. `everyone` lists every contributor who has submitted."""
    waiting = exists().where(
        VerificationCheck.user_id == ContributorProfile.user_id,
        VerificationCheck.status == CheckStatus.NEEDS_REVIEW,
    )
    query = (
        select(User, ContributorProfile)
        .join(ContributorProfile, ContributorProfile.user_id == User.id)
        .where(ContributorProfile.state != ContributorState.APPLIED)
        .order_by(func.coalesce(ContributorProfile.submitted_at, ContributorProfile.created_at))
        .limit(limit)
    )
    if not everyone:
        query = query.where(or_(waiting, ContributorProfile.state == ContributorState.UNDER_REVIEW))
    rows = db.execute(query).all()
    ids = [user.id for user, _ in rows]
    by_user: dict[int, dict[CheckName, VerificationCheck]] = {i: {} for i in ids}
    if ids:
        for check in db.scalars(
            select(VerificationCheck).where(VerificationCheck.user_id.in_(ids))
        ):
            by_user[check.user_id][check.name] = check
    return [
        QueueRow(
            user=user,
            profile=profile,
            checks={n: by_user[user.id][n] for n in CheckName if n in by_user[user.id]},
        )
        for user, profile in rows
    ]


def users_with_states(db: Session) -> list[tuple[User, ContributorState | None]]:
    """Every user with their contributor account state (None: never applied, or not a
    contributor), for the admins' users page: one query, plus one each for the memberships and
    their organizations, whatever the number of users."""
    query = (
        select(User, ContributorProfile.state)
        .outerjoin(ContributorProfile, ContributorProfile.user_id == User.id)
        .options(selectinload(User.memberships).selectinload(Membership.organization))
        .order_by(User.id)
    )
    return [(user, state) for user, state in db.execute(query).all()]
