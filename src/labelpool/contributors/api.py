"""JSON API for contributors: profile, application, account review; the admin review queue."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, BinaryIO

from fastapi import APIRouter, Depends, File, Query, UploadFile, status
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from labelpool.contributors import presenters, service
from labelpool.contributors.enums import DOMAINS, OS_BY_DEVICE, CheckName, CheckStatus, Proficiency
from labelpool.contributors.reference import COUNTRIES, LANGUAGES
from labelpool.contributors.schemas import (
    AdminReviewOut,
    CheckDecisionIn,
    DeviceOptionOut,
    IdentityDocumentOut,
    OptionOut,
    OptionsOut,
    ProfileIn,
    ProfileOut,
    QueueRowOut,
    ReviewOut,
    StateChangeIn,
    time_zones,
)
from labelpool.contributors.settings import ReviewSettings
from labelpool.media.storage import content_disposition
from labelpool.web.deps import (
    AdminUser,
    ContributorUser,
    CurrentUser,
    DbSession,
    SettingsDep,
    StorageDep,
)
from labelpool.web.schemas import ResourceId

router = APIRouter(tags=["contributors"])

CHUNK_SIZE = 256 * 1024


def review_settings(settings: SettingsDep) -> ReviewSettings:
    """The app's review settings: the `review` part of its one `Settings`."""
    return settings.review


ReviewSettingsDep = Annotated[ReviewSettings, Depends(review_settings)]


@router.get("/contributors/options", response_model=OptionsOut)
def options(_user: CurrentUser) -> OptionsOut:
    """The allowed values for a profile: countries, languages, domains, devices, time zones."""
    return OptionsOut(
        countries=[OptionOut(code=c, name=n) for c, n in COUNTRIES.items()],
        languages=[OptionOut(code=c, name=n) for c, n in LANGUAGES.items()],
        proficiencies=list(Proficiency),
        domains=[OptionOut(code=c, name=n) for c, n in DOMAINS.items()],
        devices=[DeviceOptionOut(kind=k, os=list(o)) for k, o in OS_BY_DEVICE.items()],
        time_zones=sorted(time_zones()),
    )


@router.get("/me/profile", response_model=ProfileOut)
def get_profile(user: ContributorUser, db: DbSession) -> ProfileOut:
    """Your application profile with its completeness and what is missing."""
    return presenters.profile_out(service.get_or_create_profile(db, user))


@router.put("/me/profile", response_model=ProfileOut)
def put_profile(
    body: ProfileIn, user: ContributorUser, db: DbSession, settings: ReviewSettingsDep
) -> ProfileOut:
    """Replace your profile. Once submitted, the automatic checks run again on every save."""
    return presenters.profile_out(service.update_profile(db, user, body.to_input(), settings))


@router.post("/me/application", response_model=ReviewOut)
def submit_application(
    user: ContributorUser, db: DbSession, settings: ReviewSettingsDep
) -> ReviewOut:
    """Submit your application (or submit again while under review): the checks run."""
    profile = service.submit_application(db, user, settings)
    return presenters.review_out(db, profile)


@router.get("/me/review", response_model=ReviewOut)
def my_review(user: ContributorUser, db: DbSession) -> ReviewOut:
    """Your account state, every check with its reason, and the history of your account."""
    return presenters.review_out(db, service.get_or_create_profile(db, user))


@router.post(
    "/me/identity-document",
    response_model=IdentityDocumentOut,
    status_code=status.HTTP_201_CREATED,
)
def upload_identity_document(
    user: ContributorUser,
    db: DbSession,
    settings: ReviewSettingsDep,
    storage: StorageDep,
    file: Annotated[UploadFile, File(description="An image (JPEG, PNG, GIF, WebP) or a PDF.")],
) -> IdentityDocumentOut:
    """Upload an identity document. Only admins can see it; it is deleted after the decision."""
    document = service.upload_identity_document(
        db, user, file.file, file.filename or "", storage, settings
    )
    return IdentityDocumentOut(
        uploaded_at=document.created_at,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        filename=document.filename,
        status="awaiting_review",
    )


@router.get("/admin/reviews", response_model=list[QueueRowOut])
def review_queue(
    _admin: AdminUser,
    db: DbSession,
    everyone: Annotated[
        bool, Query(description="Every submitted contributor, not only those waiting.")
    ] = False,
) -> list[QueueRowOut]:
    """Contributors under review or with a check that needs an admin, oldest first."""
    return presenters.queue_out(service.review_queue(db, everyone=everyone))


@router.get("/admin/reviews/{user_id}", response_model=AdminReviewOut)
def review_detail(user_id: ResourceId, _admin: AdminUser, db: DbSession) -> AdminReviewOut:
    return presenters.admin_review(db, user_id)


@router.post("/admin/reviews/{user_id}/checks/{check}", response_model=AdminReviewOut)
def decide_check(
    user_id: ResourceId,
    check: CheckName,
    body: CheckDecisionIn,
    admin: AdminUser,
    db: DbSession,
    settings: ReviewSettingsDep,
    storage: StorageDep,
) -> AdminReviewOut:
    """Pass or fail one check with a reason (deciding identity deletes the document)."""
    service.decide_check(
        db,
        admin,
        user_id,
        check,
        CheckStatus(body.status),
        body.reason,
        settings=settings,
        storage=storage,
    )
    return presenters.admin_review(db, user_id)


@router.post("/admin/contributors/{user_id}/state", response_model=AdminReviewOut)
def change_state(
    user_id: ResourceId, body: StateChangeIn, admin: AdminUser, db: DbSession
) -> AdminReviewOut:
    """Activate, suspend or reinstate an account, with a reason the contributor sees."""
    service.change_state(db, admin, user_id, body.state, body.reason)
    return presenters.admin_review(db, user_id)


def _chunks(handle: BinaryIO) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK_SIZE):
        yield chunk


@router.get(
    "/admin/identity-documents/{document_id}",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}, "image/*": {}}}},
)
def identity_document_file(
    document_id: ResourceId, admin: AdminUser, db: DbSession, storage: StorageDep
) -> StreamingResponse:
    """The identity document itself: admins only, never cached."""
    document, handle = service.open_identity_document(db, storage, admin, document_id)
    return StreamingResponse(
        _chunks(handle),
        media_type=document.content_type,
        headers={
            "Content-Disposition": content_disposition(document.filename or None),
            "Cache-Control": "no-store, private",
            "X-Content-Type-Options": "nosniff",
            "Content-Length": str(document.size_bytes),
        },
        background=BackgroundTask(handle.close),
    )
