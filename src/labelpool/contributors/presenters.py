"""Turn stored profiles, checks and history into API bodies (used by the API and the pages)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.contributors import service
from labelpool.contributors.enums import CheckName, CheckStatus, ContributorState
from labelpool.contributors.models import ContributorProfile, IdentityDocument, VerificationCheck
from labelpool.contributors.reference import COUNTRIES, LANGUAGES
from labelpool.contributors.schemas import (
    AdminDocumentOut,
    AdminReviewOut,
    CheckOut,
    CompletenessOut,
    ContributorRef,
    DeviceOut,
    IdentityDocumentOut,
    LanguageOut,
    ProfileOut,
    QueueRowOut,
    ReviewOut,
    StateChangeOut,
)

API_PREFIX = "/api/v1"


def completeness_out(profile: ContributorProfile) -> CompletenessOut:
    result = service.completeness(profile)
    return CompletenessOut(percent=result.percent, missing=result.missing)


def profile_out(profile: ContributorProfile) -> ProfileOut:
    return ProfileOut(
        user_id=profile.user_id,
        state=profile.state,
        country=profile.country,
        country_name=COUNTRIES.get(profile.country) if profile.country else None,
        languages=[
            LanguageOut(
                code=lang.language,
                name=LANGUAGES.get(lang.language, lang.language),
                proficiency=lang.proficiency,
            )
            for lang in profile.languages
        ],
        primary_domain=profile.primary_domain,
        secondary_skills=list(profile.secondary_skills or []),
        experience=profile.experience or "",
        devices=[DeviceOut(kind=d.kind, os=d.os) for d in profile.devices],
        headphones=profile.headphones,
        microphone=profile.microphone,
        weekly_hours=profile.weekly_hours,
        time_zone=profile.time_zone,
        submitted_at=profile.submitted_at,
        updated_at=profile.updated_at,
        completeness=completeness_out(profile),
    )


def _checks_out(db: Session, checks: list[VerificationCheck]) -> list[CheckOut]:
    names = service.actor_names(db, (c.decided_by_id for c in checks))
    return [
        CheckOut(
            name=c.name,
            label=c.name.label,
            status=c.status,
            reason=c.reason,
            decided_by=(
                None
                if c.decided_at is None
                else names.get(c.decided_by_id, "an admin")
                if c.decided_by_id is not None
                else service.SYSTEM_NAME
            ),
            decided_at=c.decided_at,
        )
        for c in checks
    ]


def _history_out(db: Session, user_id: int) -> list[StateChangeOut]:
    history = service.state_history(db, user_id)
    names = service.actor_names(db, (h.actor_id for h in history))
    return [
        StateChangeOut(
            from_state=h.from_state,
            to_state=h.to_state,
            actor=(
                names.get(h.actor_id, "a former user")
                if h.actor_id is not None
                else service.SYSTEM_NAME
            ),
            reason=h.reason,
            at=h.created_at,
        )
        for h in history
    ]


def _document_status(document: IdentityDocument) -> str:
    if document.deleted_at is not None:
        return "deleted"
    return "decided" if document.decided_at is not None else "awaiting_review"


def next_steps(profile: ContributorProfile, checks: list[VerificationCheck]) -> list[str]:
    """What the contributor can do now, in plain sentences."""
    state = profile.state
    if state == ContributorState.SUSPENDED:
        return ["Your account is suspended. The history below says why; contact an admin."]
    if state == ContributorState.ACTIVE:
        return ["Your account is active: take skill tests and qualification tests to find work."]
    steps: list[str] = []
    completeness = service.completeness(profile)
    if state == ContributorState.APPLIED:
        if completeness.missing:
            steps.append("Complete your profile: " + " ".join(completeness.missing))
        else:
            steps.append("Your profile is complete: submit your application.")
    by_name = {c.name: c for c in checks}
    identity = by_name.get(CheckName.IDENTITY_VERIFIED)
    if identity is not None and identity.status in (CheckStatus.PENDING, CheckStatus.FAILED):
        steps.append("Upload a photo or scan of your identity document (an image or a PDF).")
    failed_rules = [
        c
        for c in checks
        if c.status == CheckStatus.FAILED and c.name != CheckName.IDENTITY_VERIFIED
    ]
    if state == ContributorState.UNDER_REVIEW:
        if failed_rules:
            steps.append(
                "Fix what the failed checks say in your profile and save it; the checks run "
                "again on every save."
            )
        if any(c.status == CheckStatus.NEEDS_REVIEW for c in checks):
            steps.append("An admin is reviewing the checks marked 'needs review'.")
    return steps


def review_out(db: Session, profile: ContributorProfile) -> ReviewOut:
    checks = service.checks_of(db, profile.user_id)
    documents = service.identity_documents(db, profile.user_id)
    document = documents[0] if documents else None
    return ReviewOut(
        state=profile.state,
        checks=_checks_out(db, checks),
        history=_history_out(db, profile.user_id),
        completeness=completeness_out(profile),
        identity_document=(
            IdentityDocumentOut(
                uploaded_at=document.created_at,
                content_type=document.content_type,
                size_bytes=document.size_bytes,
                filename=document.filename,
                status=_document_status(document),
            )
            if document is not None
            else None
        ),
        next_steps=next_steps(profile, checks),
    )


def document_url(document_id: int) -> str:
    return f"{API_PREFIX}/admin/identity-documents/{document_id}"


def contributor_ref(user: User) -> ContributorRef:
    return ContributorRef(id=user.id, display_name=user.display_name, email=user.email)


def admin_review_out(db: Session, user: User, profile: ContributorProfile) -> AdminReviewOut:
    return AdminReviewOut(
        user=contributor_ref(user),
        profile=profile_out(profile),
        checks=_checks_out(db, service.checks_of(db, user.id)),
        history=_history_out(db, user.id),
        documents=[
            AdminDocumentOut(
                id=d.id,
                uploaded_at=d.created_at,
                content_type=d.content_type,
                size_bytes=d.size_bytes,
                filename=d.filename,
                decided_at=d.decided_at,
                delete_after=d.delete_after,
                deleted_at=d.deleted_at,
                deleted_reason=d.deleted_reason,
                url=document_url(d.id) if d.deleted_at is None else None,
            )
            for d in service.identity_documents(db, user.id)
        ],
    )


def admin_review(db: Session, user_id: int) -> AdminReviewOut:
    """What an admin sees of one contributor (NotFound unless `user_id` is a contributor)."""
    profile = service.get_contributor_profile(db, user_id)
    return admin_review_out(db, db.get_one(User, user_id), profile)


def queue_out(rows: list[service.QueueRow]) -> list[QueueRowOut]:
    return [
        QueueRowOut(
            user=contributor_ref(row.user),
            state=row.profile.state,
            submitted_at=row.profile.submitted_at,
            country=row.profile.country,
            needs_review=row.needs_review,
            failed=row.failed,
            passed=row.passed,
        )
        for row in rows
    ]
