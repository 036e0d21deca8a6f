"""Helpers of the labeling page's browser tests: projects from templates (with real media),
logging in, opening the page, waiting for stored responses, screenshots to look at.

Screenshots are saved under test-artifacts/labeling/."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.controls.base import AnswerError
from labelpool.controls.registry import kind_for
from labelpool.media.service import store_media_bytes
from labelpool.media.storage import storage_from_settings
from labelpool.projects import service as projects
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.projects.templates import get_template
from labelpool.work.models import Assignment, AssignmentStatus, Response
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

CHROMIUM = os.environ.get("LABELPOOL_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "labeling"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


class Console:
    """Console errors and uncaught exceptions of a page (the test ends with none)."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))

    def expected_only(self, *allowed: str) -> None:
        unexpected = [e for e in self.errors if not any(a in e for a in allowed)]
        assert unexpected == [], unexpected


def make_project(
    db: Session,
    requester: User,
    key: str,
    items: list[dict[str, Any]] | None = None,
    *,
    predictions: list[dict[str, Any] | None] | None = None,
) -> Project:
    """An active project from a template with `items` (the template's samples by default);
    `predictions[i]`, when given, is item i's pre-annotation (answers by control name)."""
    organization_id = requester.memberships[0].organization_id
    project = projects.create_project(
        db, requester, organization_id, name=get_template(key).title, template_key=key, overlap=1
    )
    rows = items if items is not None else [dict(i) for i in get_template(key).sample_items]
    made = [Item(project_id=project.id, data=data) for data in rows]
    db.add_all(made)
    project.item_count = len(rows)
    db.flush()
    for item, answers in zip(made, predictions or [], strict=False):
        if answers is not None:
            projects.add_prediction(db, project, item, answers, model_version="test")
    projects.change_status(db, requester, project, ProjectStatus.ACTIVE)
    db.commit()
    return project


def store_media(
    db: Session, settings: Settings, requester: User, filename: str, data: bytes
) -> str:
    """Store a media file in the requester's organization; returns its item reference."""
    media = store_media_bytes(
        db,
        storage_from_settings(settings),
        requester.memberships[0].organization_id,
        None,
        filename,
        data,
        requester,
    )
    db.commit()
    return f"media:{media.id}"


def log_in(page: Page, url: str, user: User) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(re.compile(rf"^{re.escape(url)}/(work)?$"))


def open_work(page: Page, url: str, project: Project) -> None:
    """Open the project's labeling page and wait for a task (or the no-work box)."""
    page.goto(f"{url}/projects/{project.id}/work")
    page.wait_for_selector("#lb-task:not([hidden]), #lb-nowork:not([hidden])")


def fresh(db: Session) -> None:
    """End the session's read transaction: SQLite (WAL) would keep showing its snapshot."""
    db.rollback()


def responses(db: Session, project: Project) -> list[Response]:
    fresh(db)
    return list(
        db.scalars(select(Response).where(Response.project_id == project.id).order_by(Response.id))
    )


def wait_for_responses(db: Session, project: Project, n: int) -> list[Response]:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = responses(db, project)
        if len(found) >= n:
            return found
        time.sleep(0.1)
    return responses(db, project)


def shoot(page: Page, name: str) -> Path:
    """A full-page screenshot under test-artifacts/labeling/, named with the viewport width."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}-{page.viewport_size['width'] if page.viewport_size else 0}.png"
    page.evaluate("() => window.scrollTo(0, 0)")  # sticky parts drawn where they start
    page.screenshot(path=str(path), full_page=True)
    return path


def item_text(page: Page) -> str:
    return page.locator("#lb-item").inner_text()


def current_data(project: Project, db: Session, user: User) -> dict[str, Any]:
    """The data of the item the user holds now."""
    fresh(db)
    assignment = db.scalars(
        select(Assignment).where(
            Assignment.project_id == project.id,
            Assignment.user_id == user.id,
            Assignment.status == AssignmentStatus.LIVE,
        )
    ).one()
    item = db.get(Item, assignment.item_id)
    assert item is not None
    return dict(item.data)


def server_problem(
    kind_name: str, config: dict[str, Any], answer: Any, data: dict[str, Any] | None = None
) -> str | None:
    """What the server says of an answer to a control (its problem), or None when it takes it:
    the words the browser's check must say too."""
    kind = kind_for(kind_name)
    try:
        kind.validate_answer(kind.parse_config(config), answer, data)
    except AnswerError as error:
        return error.problem
    return None
