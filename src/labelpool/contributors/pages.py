"""Pages: the application/profile form, the account review status, the admin review queue."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from labelpool.accounts.models import User
from labelpool.contributors import presenters, service
from labelpool.contributors import review as wording
from labelpool.contributors.api import ReviewSettingsDep
from labelpool.contributors.enums import (
    DOMAINS,
    OS_BY_DEVICE,
    OS_LABELS,
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    Proficiency,
)
from labelpool.contributors.models import ContributorProfile
from labelpool.contributors.reference import COUNTRIES, LANGUAGES
from labelpool.contributors.schemas import ProfileIn, time_zones
from labelpool.errors import LabelpoolError
from labelpool.web.deps import AdminUser, ContributorUser, DbSession, StorageDep, csrf_protect
from labelpool.web.forms import back_with_error
from labelpool.web.render import FormStr, redirect, render, when
from labelpool.web.schemas import ResourceId

router = APIRouter(dependencies=[Depends(csrf_protect)], include_in_schema=False)

LANGUAGE_ROWS = 5

STATUS_BADGES = {
    CheckStatus.PASSED: "success",
    CheckStatus.FAILED: "danger",
    CheckStatus.NEEDS_REVIEW: "warning",
    CheckStatus.PENDING: "neutral",
}
STATE_BADGES = {
    ContributorState.APPLIED: "neutral",
    ContributorState.UNDER_REVIEW: "warning",
    ContributorState.ACTIVE: "success",
    ContributorState.SUSPENDED: "danger",
}


def _who(name: str | None) -> str | None:
    """The rules decide as the system user; say so rather than show the program's name."""
    return "automatic check" if name == service.SYSTEM_NAME else name


def _options() -> dict[str, Any]:
    return {
        "countries": sorted(COUNTRIES.items(), key=lambda item: item[1]),
        "languages": sorted(LANGUAGES.items(), key=lambda item: item[1]),
        "proficiencies": [p.value for p in Proficiency],
        "domains": list(DOMAINS.items()),
        "device_kinds": [
            {"kind": k.value, "os": [(o.value, OS_LABELS[o]) for o in OS_BY_DEVICE[k]]}
            for k in DeviceKind
        ],
        "time_zones": sorted(time_zones()),
        "language_rows": LANGUAGE_ROWS,
    }


def _form_of(profile: ContributorProfile) -> dict[str, Any]:
    return {
        "country": profile.country or "",
        "languages": [(lang.language, lang.proficiency.value) for lang in profile.languages],
        "primary_domain": profile.primary_domain or "",
        "secondary_skills": list(profile.secondary_skills or []),
        "experience": profile.experience or "",
        "devices": {d.kind.value: d.os.value for d in profile.devices},
        "headphones": profile.headphones,
        "microphone": profile.microphone,
        "weekly_hours": "" if profile.weekly_hours is None else str(profile.weekly_hours),
        "time_zone": profile.time_zone or "",
    }


def _parse(form: FormData) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the form as the template shows it, the body for `ProfileIn`)."""

    def text(name: str) -> str:
        value = form.get(name)
        return value.strip() if isinstance(value, str) else ""

    languages: list[tuple[str, str]] = []
    for i in range(LANGUAGE_ROWS):
        code, level = text(f"language_{i}"), text(f"proficiency_{i}")
        if code:
            languages.append((code, level or Proficiency.FLUENT.value))
    devices = {
        kind.value: text(f"os_{kind.value}")
        for kind in DeviceKind
        if form.get(f"device_{kind.value}")
    }
    skills = [s for s in form.getlist("secondary_skills") if isinstance(s, str)]
    shown = {
        "country": text("country"),
        "languages": languages,
        "primary_domain": text("primary_domain"),
        "secondary_skills": skills,
        "experience": text("experience"),
        "devices": devices,
        "headphones": bool(form.get("headphones")),
        "microphone": bool(form.get("microphone")),
        "weekly_hours": text("weekly_hours"),
        "time_zone": text("time_zone"),
    }
    body = {
        "country": shown["country"] or None,
        "languages": [{"code": c, "proficiency": p} for c, p in languages],
        "primary_domain": shown["primary_domain"] or None,
        "secondary_skills": skills,
        "experience": shown["experience"],
        "devices": [{"kind": k, "os": o or "other"} for k, o in devices.items()],
        "headphones": shown["headphones"],
        "microphone": shown["microphone"],
        "weekly_hours": shown["weekly_hours"] or None,
        "time_zone": shown["time_zone"] or None,
    }
    return shown, body


def _field_errors(exc: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for error in exc.errors():
        loc = error.get("loc") or ("form",)
        field = str(loc[0])
        message = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
        errors.setdefault(field, message[:1].upper() + message[1:] + ".")
    return errors


def _profile_page(
    request: Request,
    user: User,
    profile: ContributorProfile,
    *,
    form: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    form_error: str | None = None,
    status_code: int = 200,
) -> Response:
    result = service.completeness(profile)
    return render(
        request,
        "contributors/profile.html",
        {
            "form": form or _form_of(profile),
            "field_errors": field_errors or {},
            "form_error": form_error,
            "completeness": {"percent": result.percent, "missing": result.missing},
            "state": profile.state.value,
            "state_label": profile.state.label,
            "state_badge": STATE_BADGES[profile.state],
            **_options(),
        },
        user=user,
        status_code=status_code,
    )


@router.get("/profile", response_class=HTMLResponse)
def profile_page(request: Request, user: ContributorUser, db: DbSession) -> Response:
    return _profile_page(request, user, service.get_or_create_profile(db, user))


@router.post("/profile", response_class=HTMLResponse)
async def save_profile(
    request: Request, user: ContributorUser, db: DbSession, settings: ReviewSettingsDep
) -> Response:
    form = await request.form()
    shown, body = _parse(form)
    profile = service.get_or_create_profile(db, user)
    try:
        data = ProfileIn.model_validate(body)
    except ValidationError as exc:
        return _profile_page(
            request,
            user,
            profile,
            form=shown,
            field_errors=_field_errors(exc),
            form_error="Some answers need a fix; see the marked fields.",
            status_code=422,
        )
    was = profile.state
    service.update_profile(db, user, data.to_input(), settings)
    if was == ContributorState.ACTIVE and profile.state == ContributorState.UNDER_REVIEW:
        return redirect(
            request,
            "/review",
            (
                "warning",
                "Profile saved. A check of your account review must pass again, so your "
                "account is under review until it does; see below what to fix.",
            ),
        )
    if form.get("action") == "submit":
        try:
            service.submit_application(db, user, settings)
        except LabelpoolError as exc:
            return _profile_page(
                request,
                user,
                profile,
                form_error=f"Saved, but not submitted. {exc.message}",
                status_code=exc.status_code,
            )
        return redirect(request, "/review", ("success", "Application submitted."))
    return redirect(request, "/profile", ("success", "Profile saved."))


@router.post("/application")
def submit_application(
    request: Request, user: ContributorUser, db: DbSession, settings: ReviewSettingsDep
) -> Response:
    try:
        service.submit_application(db, user, settings)
    except LabelpoolError as exc:
        return redirect(request, "/review", ("error", exc.message))
    return redirect(request, "/review", ("success", "Application submitted; the checks ran."))


def _by_system(name: str | None) -> bool:
    """Written by the review itself (never decided, or decided by the rules), not typed."""
    return name is None or name == service.SYSTEM_NAME


def _checks_view(checks: list[Any], *, for_admin: bool = False) -> list[dict[str, Any]]:
    """The checks as a page shows them; for an admin, the review's own reasons (written to
    the contributor: "You work on a laptop.") in the third person ("Works on a laptop.")."""
    return [
        {
            "name": c.name.value,
            "label": c.label,
            "status": c.status.value,
            "status_label": c.status.label,
            "badge": STATUS_BADGES[c.status],
            "reason": wording.for_admin(c.reason)
            if for_admin and _by_system(c.decided_by)
            else c.reason,
            "decided_by": _who(c.decided_by),
            "decided_at": when(c.decided_at),
        }
        for c in checks
    ]


def _history_view(history: list[Any], *, for_admin: bool = False) -> list[dict[str, Any]]:
    return [
        {
            "from_state": h.from_state.label if h.from_state else None,
            "to_state": h.to_state.label,
            "to_badge": STATE_BADGES[h.to_state],
            "actor": _who(h.actor),
            "reason": wording.history_for_admin(h.reason)
            if for_admin and h.actor == service.SYSTEM_NAME
            else h.reason,
            "at": when(h.at),
        }
        for h in history
    ]


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, user: ContributorUser, db: DbSession) -> Response:
    profile = service.get_or_create_profile(db, user)
    review = presenters.review_out(db, profile)
    document = review.identity_document
    return render(
        request,
        "contributors/review.html",
        {
            "state": profile.state.value,
            "state_label": profile.state.label,
            "state_badge": STATE_BADGES[profile.state],
            "checks": _checks_view(review.checks),
            "history": _history_view(review.history),
            "completeness": review.completeness.model_dump(),
            "next_steps": review.next_steps,
            "document": (
                {
                    "uploaded_at": when(document.uploaded_at),
                    "filename": document.filename,
                    "status": document.status.replace("_", " "),
                }
                if document
                else None
            ),
            "can_upload": profile.state != ContributorState.SUSPENDED
            and not any(
                c.name == CheckName.IDENTITY_VERIFIED and c.status == CheckStatus.PASSED
                for c in review.checks
            ),
        },
        user=user,
    )


@router.post("/review/identity-document")
def upload_document(
    request: Request,
    user: ContributorUser,
    db: DbSession,
    settings: ReviewSettingsDep,
    storage: StorageDep,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    if file is None or not file.filename:
        return redirect(request, "/review", ("error", "Choose a file to upload."))
    try:
        service.upload_identity_document(
            db, user, file.file, file.filename or "", storage, settings
        )
    except LabelpoolError as exc:
        return back_with_error(request, db, "/review", exc.message)
    return redirect(
        request,
        "/review",
        ("success", "Document uploaded. Only admins can see it; it is deleted after the decision."),
    )


# --- admin ----------------------------------------------------------------------------------


@router.get("/admin/reviews", response_class=HTMLResponse)
def admin_queue(
    request: Request, admin: AdminUser, db: DbSession, everyone: bool = False
) -> Response:
    rows = presenters.queue_out(service.review_queue(db, everyone=everyone))
    return render(
        request,
        "admin/reviews.html",
        {
            "everyone": everyone,
            "rows": [
                {
                    "user_id": r.user.id,
                    "display_name": r.user.display_name,
                    "email": r.user.email,
                    "state_label": r.state.label,
                    "state_badge": STATE_BADGES[r.state],
                    "submitted_at": when(r.submitted_at),
                    "country": r.country or "",
                    "needs_review": [n.label for n in r.needs_review],
                    "failed": [n.label for n in r.failed],
                    "passed": r.passed,
                    "total": len(CheckName),
                }
                for r in rows
            ],
        },
        user=admin,
    )


def _admin_detail(
    request: Request, admin: User, db: DbSession, user_id: int, status_code: int = 200
) -> Response:
    found = presenters.admin_review(db, user_id)
    p = found.profile
    return render(
        request,
        "admin/reviews_detail.html",
        {
            "contributor": found.user.model_dump(),
            "state": p.state.value,
            "state_label": p.state.label,
            "state_badge": STATE_BADGES[p.state],
            "profile": {
                "country": f"{p.country_name} ({p.country})" if p.country else "",
                "languages": [
                    f"{lang.name} ({lang.code}) · {lang.proficiency.value}" for lang in p.languages
                ],
                "primary_domain": DOMAINS.get(p.primary_domain or "", p.primary_domain or ""),
                "secondary_skills": [DOMAINS.get(s, s) for s in p.secondary_skills],
                "experience": p.experience,
                "devices": [f"{d.kind.value.capitalize()} · {OS_LABELS[d.os]}" for d in p.devices],
                "headphones": p.headphones,
                "microphone": p.microphone,
                "weekly_hours": p.weekly_hours,
                "time_zone": p.time_zone or "",
                "submitted_at": when(p.submitted_at),
                "completeness": p.completeness.model_dump(),
            },
            "checks": _checks_view(found.checks, for_admin=True),
            "history": _history_view(found.history, for_admin=True),
            "documents": [
                {
                    "id": d.id,
                    "filename": d.filename or f"document {d.id}",
                    "content_type": d.content_type,
                    "size_kb": max(1, round(d.size_bytes / 1024)),
                    "uploaded_at": when(d.uploaded_at),
                    "url": d.url,
                    "deleted_at": when(d.deleted_at),
                    "deleted_reason": d.deleted_reason,
                    "delete_after": when(d.delete_after),
                }
                for d in found.documents
            ],
            "states": [
                (s.value, s.label)
                for s in (ContributorState.ACTIVE, ContributorState.SUSPENDED)
                if s != p.state
            ],
        },
        user=admin,
        status_code=status_code,
    )


@router.get("/admin/reviews/{user_id}", response_class=HTMLResponse)
def admin_detail(
    request: Request, user_id: ResourceId, admin: AdminUser, db: DbSession
) -> Response:
    return _admin_detail(request, admin, db, user_id)


@router.post("/admin/reviews/{user_id}/checks/{check}")
def admin_decide(
    request: Request,
    user_id: ResourceId,
    check: CheckName,
    admin: AdminUser,
    db: DbSession,
    settings: ReviewSettingsDep,
    storage: StorageDep,
    status: FormStr = "",
    reason: FormStr = "",
) -> Response:
    target = f"/admin/reviews/{user_id}"
    try:
        if status not in ("passed", "failed", "needs_review"):
            return redirect(request, target, ("error", "Choose passed, failed or needs review."))
        before = service.contributor_state(db, user_id)
        service.decide_check(
            db,
            admin,
            user_id,
            check,
            CheckStatus(status),
            reason,
            settings=settings,
            storage=storage,
        )
    except LabelpoolError as exc:
        return back_with_error(request, db, target, exc.message)
    message = f"{check.label}: {CheckStatus(status).label.lower()}."
    after = service.contributor_state(db, user_id)
    if after is not None and after != before:
        message += f" The account is now {after.label.lower()}."
    return redirect(request, target, ("success", message))


@router.post("/admin/reviews/{user_id}/state")
def admin_state(
    request: Request,
    user_id: ResourceId,
    admin: AdminUser,
    db: DbSession,
    state: FormStr = "",
    reason: FormStr = "",
) -> Response:
    target = f"/admin/reviews/{user_id}"
    try:
        if state not in {s.value for s in ContributorState}:
            return redirect(request, target, ("error", "Choose a state."))
        change = service.change_state(db, admin, user_id, ContributorState(state), reason)
    except LabelpoolError as exc:
        return back_with_error(request, db, target, exc.message)
    return redirect(
        request, target, ("success", f"The account is now {change.to_state.label.lower()}.")
    )
