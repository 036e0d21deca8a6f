"""Deciding the account review checks: by the rules, by an admin, or passed from elsewhere."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.contributors.checks import _set, current_identity_document, ensure_checks
from labelpool.contributors.enums import CheckName, CheckStatus
from labelpool.contributors.identity_documents import _documents_decided
from labelpool.contributors.models import ContributorProfile, VerificationCheck
from labelpool.contributors.profiles import get_contributor_profile, profile_facts
from labelpool.contributors.review import evaluate_rules, identity_decision, language_decision
from labelpool.contributors.settings import ReviewSettings
from labelpool.contributors.state_changes import REVIEW_LINK, maybe_activate, sync_state
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput
from labelpool.events import Action, emit
from labelpool.media.storage import MediaStorage
from labelpool.notifications.service import notify


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
