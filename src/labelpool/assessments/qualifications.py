"""Qualifications and skill levels, read by matching and quality."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments import refreshers
from labelpool.assessments.authoring import _key
from labelpool.assessments.models import (
    ContributorSkill,
    Qualification,
    RequiredRefresher,
)
from labelpool.db.types import utcnow
from labelpool.errors import InvalidInput, NotFound
from labelpool.events import Action, emit
from labelpool.policy import PlatformPolicy, actor_of, authorize


def qualifications_of(db: Session, user_id: int) -> list[Qualification]:
    return list(
        db.scalars(
            select(Qualification)
            .where(Qualification.user_id == user_id)
            .order_by(Qualification.granted_at)
        )
    )


def qualification_keys(db: Session, user_id: int) -> set[str]:
    """The qualification keys the user holds (what matching rules ask for)."""
    return set(db.scalars(select(Qualification.key).where(Qualification.user_id == user_id)))


def has_qualification(
    db: Session, user_id: int, *, test_id: int | None = None, key: str | None = None
) -> bool:
    query = select(Qualification.id).where(Qualification.user_id == user_id)
    if test_id is not None:
        query = query.where(Qualification.test_id == test_id)
    if key is not None:
        query = query.where(Qualification.key == key)
    return db.scalar(query.limit(1)) is not None


def skill_levels(db: Session, user_id: int) -> dict[str, int]:
    """{skill key: level 0-100} of one contributor."""
    return {
        key: level
        for key, level in db.execute(
            select(ContributorSkill.skill_key, ContributorSkill.level).where(
                ContributorSkill.user_id == user_id
            )
        )
    }


def skills_of(db: Session, user_id: int) -> list[ContributorSkill]:
    return list(
        db.scalars(
            select(ContributorSkill)
            .where(ContributorSkill.user_id == user_id)
            .order_by(ContributorSkill.skill_key)
        )
    )


def set_skill_level(
    db: Session, admin: User, user_id: int, skill_key: str, level: int, reason: str = ""
) -> ContributorSkill:
    """Set a skill by hand (admins); logged with who, when and why."""
    authorize(actor_of(db, admin), PlatformPolicy.administer("Setting skill levels by hand"))
    if db.get(User, user_id) is None:
        raise NotFound(f"No user with id {user_id}.")
    key = _key(skill_key, "skill_key")
    if key is None:
        raise InvalidInput("Name the skill.", details={"field": "skill_key"})
    if not 0 <= level <= 100:
        raise InvalidInput("A skill level is from 0 to 100.", details={"field": "level"})
    now = utcnow()
    skill = db.scalar(
        select(ContributorSkill).where(
            ContributorSkill.user_id == user_id, ContributorSkill.skill_key == key
        )
    )
    previous = skill.level if skill else None
    if skill is None:
        skill = ContributorSkill(user_id=user_id, skill_key=key, level=level, source="manual")
        db.add(skill)
    skill.level = level
    skill.source = "manual"
    skill.source_attempt_id = None
    skill.updated_by = admin.id
    skill.updated_at = now
    emit(
        db,
        Action.SKILL_SET,
        "user",
        user_id,
        actor_id=admin.id,
        reason=reason.strip()[:1000] or None,
        details={"skill": key, "from": previous, "to": level},
    )
    db.flush()
    return skill


def refreshers_for(db: Session, user: User) -> list[RequiredRefresher]:
    return refreshers.open_refreshers(db, user.id)
