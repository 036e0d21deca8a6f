"""The page form-error helpers undo the failed change before the page answers."""

from __future__ import annotations

from types import SimpleNamespace

from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import Organization
from labelpool.config import Settings
from labelpool.errors import InvalidInput, NotFound
from labelpool.web.forms import back_with_error, form_failure


def _pending_organization(db: Session) -> None:
    """A change made in the request's transaction and not committed."""
    accounts.create_organization(db, "Half done")
    db.flush()


def _organizations(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Organization)) or 0


def test_form_failure_rolls_back_and_names_the_field(db: Session) -> None:
    before = _organizations(db)
    _pending_organization(db)
    failure = form_failure(db, InvalidInput("Give the project a name.", details={"field": "name"}))
    assert _organizations(db) == before
    assert failure.message == "Give the project a name."
    assert failure.field_errors == {"name": "Give the project a name."}
    assert failure.status_code == 422


def test_form_failure_without_a_field_has_no_field_errors(db: Session) -> None:
    failure = form_failure(db, NotFound("No such project."))
    assert failure.field_errors == {}
    assert failure.status_code == 404


def test_back_with_error_rolls_back_and_redirects_with_a_flash(db: Session) -> None:
    before = _organizations(db)
    _pending_organization(db)
    app = SimpleNamespace(state=SimpleNamespace(settings=Settings()))
    request = Request(
        {"type": "http", "method": "POST", "path": "/", "headers": [], "app": app, "scheme": "http"}
    )
    response = back_with_error(request, db, "/projects/7", "That status does not exist.")
    assert _organizations(db) == before
    assert response.status_code == 303
    assert response.headers["location"] == "/projects/7"
    assert "flash" in response.headers.get("set-cookie", "")
