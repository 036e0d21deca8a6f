"""Every active contributor's facts for one project's requirements, in a fixed handful of
queries (the funnel reads the whole pool: one query set per contributor would not do for
10,000 of them).

Only the facts the requirements ask about are read (no languages query when no language is
required, ...), and the next steps of unmet tests are not: the funnel counts, it does not
explain. An active contributor is an enabled account whose contributor profile is active.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import TypeVarTuple

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments.models import ContributorSkill, Qualification, RequiredRefresher
from labelpool.contributors.enums import ContributorState, DeviceKind, Proficiency
from labelpool.contributors.models import ContributorDevice, ContributorLanguage, ContributorProfile
from labelpool.db.types import utcnow
from labelpool.eligibility.rules import ContributorFacts, Requirements
from labelpool.eligibility.service import works_on_now
from labelpool.projects.models import Project
from labelpool.work.models import Assignment

OWED = "a guidelines refresher is owed for this project"


Ts = TypeVarTuple("Ts")


def _active(statement: Select[*Ts], on: ColumnElement[bool]) -> Select[*Ts]:
    """`statement` narrowed to rows of active contributors (the profile joined `on`)."""
    return (
        statement.join(ContributorProfile, on)
        .join(User, User.id == ContributorProfile.user_id)
        .where(ContributorProfile.state == ContributorState.ACTIVE, User.is_active.is_(True))
    )


def active_pool_facts(
    db: Session, requirements: Requirements, project_id: int, *, now: datetime | None = None
) -> list[ContributorFacts]:
    """The facts of every active contributor, ordered by user id, for `requirements` of the
    project `project_id` (at most seven queries, whatever the number of contributors)."""
    now = now or utcnow()
    profiles = list(
        db.execute(
            select(
                ContributorProfile.id,
                ContributorProfile.user_id,
                ContributorProfile.country,
                ContributorProfile.weekly_hours,
            )
            .join(User, User.id == ContributorProfile.user_id)
            .where(ContributorProfile.state == ContributorState.ACTIVE, User.is_active.is_(True))
            .order_by(ContributorProfile.user_id)
        )
    )
    if not profiles:
        return []
    languages: dict[int, dict[str, Proficiency]] = defaultdict(dict)
    if requirements.languages:
        wanted = [rule.language for rule in requirements.languages]
        for profile_id, language, proficiency in db.execute(
            _active(
                select(
                    ContributorLanguage.profile_id,
                    ContributorLanguage.language,
                    ContributorLanguage.proficiency,
                ),
                ContributorProfile.id == ContributorLanguage.profile_id,
            ).where(ContributorLanguage.language.in_(wanted))
        ):
            languages[profile_id][language] = proficiency
    devices: dict[int, set[DeviceKind]] = defaultdict(set)
    if requirements.devices:
        for profile_id, kind in db.execute(
            _active(
                select(ContributorDevice.profile_id, ContributorDevice.kind),
                ContributorProfile.id == ContributorDevice.profile_id,
            ).where(ContributorDevice.kind.in_(list(requirements.devices)))
        ):
            devices[profile_id].add(kind)
    skills: dict[int, dict[str, int]] = defaultdict(dict)
    if requirements.skills:
        keys = [rule.skill for rule in requirements.skills]
        for user_id, key, level in db.execute(
            _active(
                select(
                    ContributorSkill.user_id, ContributorSkill.skill_key, ContributorSkill.level
                ),
                ContributorProfile.user_id == ContributorSkill.user_id,
            ).where(ContributorSkill.skill_key.in_(keys))
        ):
            skills[user_id][key] = level
    qualified: dict[int, set[int]] = defaultdict(set)
    if requirements.tests:
        for user_id, test_id in db.execute(
            _active(
                select(Qualification.user_id, Qualification.test_id),
                ContributorProfile.user_id == Qualification.user_id,
            ).where(Qualification.test_id.in_(list(requirements.tests)))
        ):
            qualified[user_id].add(test_id)
    working: dict[int, set[int]] = defaultdict(set)
    if requirements.max_active_projects is not None:
        for user_id, other_project in db.execute(
            _active(
                select(Assignment.user_id, Assignment.project_id),
                ContributorProfile.user_id == Assignment.user_id,
            )
            .join(Project, Project.id == Assignment.project_id)
            .where(works_on_now(now))
            .distinct()
        ):
            working[user_id].add(other_project)
    owing = set(
        db.scalars(
            select(RequiredRefresher.user_id)
            .where(
                RequiredRefresher.project_id == project_id,
                RequiredRefresher.cleared_at.is_(None),
            )
            .distinct()
        )
    )
    return [
        ContributorFacts(
            user_id=user_id,
            active=True,
            state_label=ContributorState.ACTIVE.label,
            country=country,
            languages=languages.get(profile_id, {}),
            skills=skills.get(user_id, {}),
            qualified_test_ids=frozenset(qualified.get(user_id, ())),
            devices=frozenset(devices.get(profile_id, ())),
            weekly_hours=weekly_hours,
            active_project_ids=frozenset(working.get(user_id, ())),
            refreshers_owed={project_id: OWED} if user_id in owing else {},
        )
        for profile_id, user_id, country, weekly_hours in profiles
    ]
