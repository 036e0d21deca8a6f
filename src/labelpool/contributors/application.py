"""The contributor's application: saving the profile and submitting it for review.

The pieces: `profiles.py` (the profile), `checks.py` (the review checks as stored),
`decisions.py` (who decides them), `state_changes.py` (the account's state).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.contributors.decisions import run_rules
from labelpool.contributors.enums import ContributorState
from labelpool.contributors.models import ContributorDevice, ContributorLanguage, ContributorProfile
from labelpool.contributors.profiles import (
    ProfileInput,
    completeness,
    get_or_create_profile,
    profile_facts,
)
from labelpool.contributors.review import reopened_checks
from labelpool.contributors.settings import ReviewSettings
from labelpool.contributors.state_changes import _move
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput
from labelpool.events import Action, emit


def update_profile(
    db: Session,
    user: User,
    data: ProfileInput,
    settings: ReviewSettings,
    *,
    now: datetime | None = None,
) -> ContributorProfile:
    """Replace the profile. After the application was submitted, the rules run again, and
    every check whose evidence changed is decided again (see `review.reopened_checks`)."""
    profile = get_or_create_profile(db, user)
    before = profile_facts(profile)
    profile.country = data.country
    profile.primary_domain = data.primary_domain
    profile.secondary_skills = list(data.secondary_skills)
    profile.experience = data.experience
    profile.headphones = data.headphones
    profile.microphone = data.microphone
    profile.weekly_hours = data.weekly_hours
    profile.time_zone = data.time_zone
    profile.updated_at = now or utcnow()

    wanted_languages = dict(data.languages)
    for lang in list(profile.languages):
        if lang.language not in wanted_languages:
            profile.languages.remove(lang)
        else:
            lang.proficiency = wanted_languages.pop(lang.language)
    for code, proficiency in wanted_languages.items():
        profile.languages.append(ContributorLanguage(language=code, proficiency=proficiency))

    wanted_devices = list(dict.fromkeys(data.devices))
    for device in list(profile.devices):
        if (device.kind, device.os) in wanted_devices:
            wanted_devices.remove((device.kind, device.os))
        else:
            profile.devices.remove(device)
    for kind, os in wanted_devices:
        profile.devices.append(ContributorDevice(kind=kind, os=os))
    db.flush()
    emit(db, Action.CONTRIBUTOR_PROFILE_UPDATED, "user", user.id, actor_id=user.id)
    if profile.state != ContributorState.APPLIED:
        reopen = reopened_checks(before, profile_facts(profile))
        run_rules(db, profile, settings, now=now, reopen=reopen)
    return profile


def submit_application(
    db: Session, user: User, settings: ReviewSettings, *, now: datetime | None = None
) -> ContributorProfile:
    """Submit (applied -> under review) or, while under review, submit again: the rules run.

    Refused while the profile is incomplete (the error lists what is missing).
    """
    now = now or utcnow()
    profile = get_or_create_profile(db, user)
    if profile.state in (ContributorState.ACTIVE, ContributorState.SUSPENDED):
        raise Conflict(
            f"Your account is {profile.state.label.lower()}; there is no application to submit.",
            details={"state": profile.state.value},
        )
    result = completeness(profile)
    if not result.complete:
        raise InvalidInput(
            f"Your profile is {result.percent}% complete. Before you submit: "
            + " ".join(result.missing),
            details={"missing": result.missing, "percent": result.percent},
            code="profile_incomplete",
        )
    if profile.state == ContributorState.APPLIED:
        profile.submitted_at = now
        _move(
            db, profile, ContributorState.UNDER_REVIEW, user.id, "Submitted the application.", now
        )
    else:
        emit(db, Action.CONTRIBUTOR_RESUBMITTED, "user", user.id, actor_id=user.id)
    run_rules(db, profile, settings, now=now)
    return profile
