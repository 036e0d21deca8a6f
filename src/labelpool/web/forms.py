"""The page form-error pattern: undo the failed change, then show the form again or go back.

A page route that catches a `LabelpoolError` calls `form_failure` (or `back_with_error` when
it answers with a redirect): the transaction is rolled back first, so nothing half-done is
committed with the error page, and objects the page re-reads come fresh from the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from labelpool.errors import LabelpoolError
from labelpool.web.render import redirect


@dataclass(frozen=True)
class FormFailure:
    """What went wrong, in the shape the form templates read."""

    message: str
    field_errors: dict[str, str]
    status_code: int


def error_field(error: LabelpoolError) -> str | None:
    """The form field an error names in its details, if any."""
    field = error.details.get("field") if isinstance(error.details, dict) else None
    return str(field) if field else None


def form_failure(db: Session, error: LabelpoolError) -> FormFailure:
    """Roll back the failed change and say what to fix, on the field the error names if any."""
    db.rollback()
    field = error_field(error)
    return FormFailure(
        message=error.message,
        field_errors={field: error.message} if field else {},
        status_code=error.status_code,
    )


def back_with_error(request: Request, db: Session, url: str, message: str) -> RedirectResponse:
    """Roll back the failed change and redirect (303) to `url` with `message` as an error flash."""
    db.rollback()
    return redirect(request, url, ("error", message))
