"""The contributor's application and its review: profile, checks, account state."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    OperatingSystem,
    Proficiency,
)
from labelpool.contributors.models import (
    AccountStateChange,
    ContributorDevice,
    ContributorLanguage,
    ContributorProfile,
    IdentityDocument,
    VerificationCheck,
)
from labelpool.contributors.review import (
    NOT_SUBMITTED,
    REOPENED_PREFIX,
    Completeness,
    ProfileFacts,
    evaluate_rules,
    identity_decision,
    language_decision,
    profile_completeness,
    reopened_checks,
)
from labelpool.contributors.settings import ReviewSettings
from labelpool.contributors.states import ADMIN_MOVES, transition_problem
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound
from labelpool.events import Action, emit
from labelpool.media.storage import MediaStorage
from labelpool.notifications.service import notify

REVIEW_LINK = "/review"


SYSTEM_NAME = "labelpool"


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


def ensure_checks(db: Session, user_id: int) -> dict[CheckName, VerificationCheck]:
    """Every check of the contributor, keyed by name (missing ones are created pending)."""
    found = {
        c.name: c
        for c in db.scalars(select(VerificationCheck).where(VerificationCheck.user_id == user_id))
    }
    for name in CheckName:
        if name not in found:
            check = VerificationCheck(
                user_id=user_id,
                name=name,
                status=CheckStatus.PENDING,
                reason=NOT_SUBMITTED.say(),
            )
            db.add(check)
            found[name] = check
    db.flush()
    return {name: found[name] for name in CheckName}


def _set(
    check: VerificationCheck,
    status: CheckStatus,
    reason: str,
    actor_id: int | None,
    now: datetime,
) -> bool:
    changed = (check.status, check.reason, check.decided_by_id) != (status, reason, actor_id)
    if changed:
        check.status = status
        check.reason = reason
        check.decided_by_id = actor_id
        check.decided_at = now
    return changed


def run_rules(
    db: Session,
    profile: ContributorProfile,
    settings: ReviewSettings,
    *,
    now: datetime | None = None,
    reopen: Collection[CheckName] = frozenset(),
) -> dict[CheckName, VerificationCheck]:
    """Decide what rules can decide, then put the account in the state its checks imply.

    A check an admin passed by hand is kept unless it is in `reopen` (its evidence changed);
    rules re-evaluate every other rule check. Language and identity are only moved between
    pending and needs review here, and a passed language check back to needs review when
    it is reopened.
    """
    now = now or utcnow()
    facts = profile_facts(profile)
    checks = ensure_checks(db, profile.user_id)
    for name, decision in evaluate_rules(facts, settings).items():
        check = checks[name]
        by_hand = check.decided_by_id is not None and check.status == CheckStatus.PASSED
        if by_hand and name not in reopen:
            continue
        _set(check, decision.status, decision.reason, None, now)
    open_statuses = (CheckStatus.PENDING, CheckStatus.NEEDS_REVIEW)
    language = checks[CheckName.LANGUAGE_VERIFIED]
    reopened = CheckName.LANGUAGE_VERIFIED in reopen and language.status == CheckStatus.PASSED
    if language.status in open_statuses or reopened:
        decision = language_decision(facts)
        _set(language, decision.status, decision.reason, None, now)
    identity = checks[CheckName.IDENTITY_VERIFIED]
    if identity.status in open_statuses:
        decision = identity_decision(current_identity_document(db, profile.user_id) is not None)
        _set(identity, decision.status, decision.reason, None, now)
    db.flush()
    emit(
        db,
        Action.CONTRIBUTOR_RULES_RUN,
        "user",
        profile.user_id,
        details={name.value: checks[name].status.value for name in CheckName},
    )
    sync_state(db, profile, now=now)
    return checks


def checks_of(db: Session, user_id: int) -> list[VerificationCheck]:
    return list(ensure_checks(db, user_id).values())


def _notify_check(db: Session, check: VerificationCheck) -> None:
    if check.status == CheckStatus.FAILED:
        notify(
            db,
            [check.user_id],
            "account.check_failed",
            f"{check.name.label}: not passed",
            check.reason,
            REVIEW_LINK,
        )


def decide_check(
    db: Session,
    admin: User,
    user_id: int,
    name: CheckName,
    status: CheckStatus,
    reason: str,
    *,
    settings: ReviewSettings,
    storage: MediaStorage | None,
    now: datetime | None = None,
) -> VerificationCheck:
    """An admin passes or fails a check (or sends it back to review) with a reason.

    Deciding identity deletes the contributor's identity documents now (or schedules it when
    `identity_retention_days` > 0).
    """
    # identity_documents imports this module: import it when first needed.
    from labelpool.contributors.identity_documents import _documents_decided

    now = now or utcnow()
    profile = get_contributor_profile(db, user_id)
    reason = reason.strip()
    if status == CheckStatus.PENDING:
        raise InvalidInput(
            "An admin can set a check to passed, failed or needs review, not pending.",
            details={"field": "status"},
        )
    if status == CheckStatus.FAILED and not reason:
        raise InvalidInput(
            "Say why the check failed; the contributor sees the reason.",
            details={"field": "reason"},
        )
    if (
        name == CheckName.IDENTITY_VERIFIED
        and status == CheckStatus.PASSED
        and current_identity_document(db, user_id) is None
    ):
        raise Conflict(
            "Identity cannot be verified without an identity document; the contributor "
            "has not uploaded one (or it was already deleted).",
            details={"check": name.value},
        )
    reason = reason or ("Passed by an admin." if status == CheckStatus.PASSED else "")
    check = ensure_checks(db, user_id)[name]
    _set(check, status, reason, admin.id, now)
    db.flush()
    emit(
        db,
        Action.CONTRIBUTOR_CHECK_DECIDED,
        "user",
        user_id,
        actor_id=admin.id,
        reason=reason or None,
        details={"check": name.value, "status": status.value},
    )
    if name == CheckName.IDENTITY_VERIFIED and status != CheckStatus.NEEDS_REVIEW:
        _documents_decided(db, user_id, storage, settings, now, actor_id=admin.id)
    _notify_check(db, check)
    sync_state(db, profile, now=now, actor_id=admin.id)
    return check


def pass_check(
    db: Session,
    user_id: int,
    check: CheckName,
    reason: str,
    actor: User | None,
    *,
    settings: ReviewSettings,
    now: datetime | None = None,
) -> VerificationCheck:
    """Pass a check from elsewhere, e.g. a passed language test (`actor` None = the system).

    Activates the account when this was the last check standing. `settings` (the caller's
    `Settings.review`) gives an identity document's retention period.
    """
    # identity_documents imports this module: import it when first needed.
    from labelpool.contributors.identity_documents import _documents_decided

    now = now or utcnow()
    profile = get_contributor_profile(db, user_id)
    found = ensure_checks(db, user_id)[check]
    _set(found, CheckStatus.PASSED, reason.strip() or "Passed.", actor.id if actor else None, now)
    db.flush()
    emit(
        db,
        Action.CONTRIBUTOR_CHECK_PASSED,
        "user",
        user_id,
        actor_id=actor.id if actor else None,
        reason=reason,
        details={"check": check.value},
    )
    if check == CheckName.IDENTITY_VERIFIED:
        _documents_decided(db, user_id, None, settings, now, actor_id=actor.id if actor else None)
    maybe_activate(db, profile, now=now)
    return found


def _move(
    db: Session,
    profile: ContributorProfile,
    target: ContributorState,
    actor_id: int | None,
    reason: str,
    now: datetime,
    details: dict[str, object] | None = None,
) -> AccountStateChange:
    if problem := transition_problem(profile.state, target):
        raise Conflict(problem, details={"state": profile.state.value, "target": target.value})
    change = AccountStateChange(
        user_id=profile.user_id,
        from_state=profile.state,
        to_state=target,
        actor_id=actor_id,
        reason=reason,
        details=details or {},
        created_at=now,
    )
    profile.state = target
    db.add(change)
    db.flush()
    emit(
        db,
        Action.CONTRIBUTOR_STATE_CHANGED,
        "user",
        profile.user_id,
        actor_id=actor_id,
        reason=reason,
        details={
            "from": change.from_state.value if change.from_state else None,
            "to": target.value,
        },
    )
    return change


def _unpassed(db: Session, user_id: int) -> list[VerificationCheck]:
    return [c for c in ensure_checks(db, user_id).values() if c.status != CheckStatus.PASSED]


def maybe_activate(
    db: Session, profile: ContributorProfile, *, now: datetime | None = None
) -> AccountStateChange | None:
    """Under review and every check passed: the system activates the account and says so."""
    if profile.state != ContributorState.UNDER_REVIEW or _unpassed(db, profile.user_id):
        return None
    change = _move(
        db,
        profile,
        ContributorState.ACTIVE,
        None,
        "Every account check passed: " + ", ".join(n.label.lower() for n in CheckName) + ".",
        now or utcnow(),
        {"automatic": True},
    )
    notify(
        db,
        [profile.user_id],
        "account.activated",
        "Your account is active",
        "Every check of your application passed. You can now take skill and qualification "
        "tests and join projects.",
        REVIEW_LINK,
    )
    return change


def reopen_review(
    db: Session,
    profile: ContributorProfile,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> AccountStateChange | None:
    """Active with a check not passed: the account goes back under review and says why."""
    open_checks = _unpassed(db, profile.user_id)
    if profile.state != ContributorState.ACTIVE or not open_checks:
        return None
    why = " ".join(f"{c.name.label}: {c.reason}" for c in open_checks)
    change = _move(
        db,
        profile,
        ContributorState.UNDER_REVIEW,
        actor_id,
        f"{REOPENED_PREFIX}{why}"[:1000],
        now or utcnow(),
        {"automatic": True, "checks": [c.name.value for c in open_checks]},
    )
    notify(
        db,
        [profile.user_id],
        "account.under_review",
        "Your account is under review again",
        "Your profile or a check changed, so part of your account review must pass again "
        "before you can take tests and work. " + why,
        REVIEW_LINK,
    )
    return change


def sync_state(
    db: Session,
    profile: ContributorProfile,
    *,
    now: datetime | None = None,
    actor_id: int | None = None,
) -> AccountStateChange | None:
    """Put the account in the state its checks imply: active only while every check passes."""
    if profile.state == ContributorState.ACTIVE:
        return reopen_review(db, profile, now=now, actor_id=actor_id)
    return maybe_activate(db, profile, now=now)


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


def change_state(
    db: Session,
    admin: User,
    user_id: int,
    target: ContributorState,
    reason: str,
    *,
    now: datetime | None = None,
) -> AccountStateChange:
    """An admin activates, suspends or reinstates an account, always with a reason."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason:
        raise InvalidInput(
            "Give a reason; the contributor sees it in their account history.",
            details={"field": "reason"},
        )
    profile = get_contributor_profile(db, user_id)
    if problem := transition_problem(profile.state, target):
        raise Conflict(problem, details={"state": profile.state.value, "target": target.value})
    if (profile.state, target) not in ADMIN_MOVES:
        raise Conflict(
            "Only the contributor can submit their application.",
            details={"state": profile.state.value, "target": target.value},
        )
    if target == ContributorState.ACTIVE and (open_checks := _unpassed(db, user_id)):
        names = ", ".join(c.name.label.lower() for c in open_checks)
        raise Conflict(
            f"The account can become active only when every check has passed; still open: {names}.",
            details={"checks": [c.name.value for c in open_checks]},
        )
    change = _move(db, profile, target, admin.id, reason, now)
    title = {
        ContributorState.SUSPENDED: "Your account is suspended",
        ContributorState.ACTIVE: "Your account is active",
    }[target]
    notify(db, [user_id], f"account.{target.value}", title, reason, REVIEW_LINK)
    return change


def state_history(db: Session, user_id: int) -> list[AccountStateChange]:
    """Every state change of the account, newest first."""
    return list(
        db.scalars(
            select(AccountStateChange)
            .where(AccountStateChange.user_id == user_id)
            .order_by(AccountStateChange.created_at.desc(), AccountStateChange.id.desc())
        )
    )


def actor_names(db: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return dict(db.execute(select(User.id, User.display_name).where(User.id.in_(wanted))).all())


def current_identity_document(db: Session, user_id: int) -> IdentityDocument | None:
    """The newest document still waiting for a decision (not decided, not deleted)."""
    return db.scalar(
        select(IdentityDocument)
        .where(
            IdentityDocument.user_id == user_id,
            IdentityDocument.deleted_at.is_(None),
            IdentityDocument.decided_at.is_(None),
        )
        .order_by(IdentityDocument.id.desc())
        .limit(1)
    )
