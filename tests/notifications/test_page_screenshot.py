"""Chromium screenshots (test-artifacts/notifications.png at 1280px, notifications-phone.png at
390px) of /notifications with a few notifications, read and unread, and the header's bell
counting the unread ones."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.notifications import kinds, service
from labelpool.web.render import STATIC_DIR
from tests.factories import log_in, make_active_contributor

CHROMIUM = os.environ.get("LABELPOOL_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"

NOTICES = [
    (
        kinds.TEST_RESULT,
        "You did not pass “Sentiment qualification”",
        "You scored 40% (the pass mark is 70%). Your next attempt opens 3 Dec 14:00 UTC; we "
        "will tell you then.",
        "/attempts/1/result",
    ),
    (
        kinds.NEW_PROJECT,
        "New project open to you: “Product reviews”",
        "You meet every requirement of this project and it has tasks waiting. Open your Work "
        "page to start.",
        "/work#project-1",
    ),
    (
        kinds.REFRESHER_REQUIRED,
        "'Sentiment' updated to version 3: refresher required",
        "Sections changed: 2.2. This change is material: pass the short refresher on the "
        "changed sections before you claim more work (Tests page).",
        "/tests",
    ),
    (
        kinds.RETAKE_OPEN,
        "You can take “Sentiment qualification” again",
        "Your next attempt is open now (2 attempts left). Review the sections your last "
        "result pointed to before you start.",
        "/tests/1",
    ),
]


def _screenshot(html: str, name: str, width: int = 1280) -> str:
    """Render the page in Chromium with its stylesheet inlined; returns the rendered HTML."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium")
    css = (STATIC_DIR / "css" / "app.css").read_text()
    html = html.replace("</head>", f"<style>{css}</style></head>")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.set_content(html)
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        shown = str(page.content())
        browser.close()
    return shown


@pytest.mark.e2e
def test_notifications_page_screenshot(db: Session, client: TestClient) -> None:
    amara = make_active_contributor(db, email="amara@example.org")
    service.notify(
        db,
        [amara.id],
        kinds.REMOVED,
        "“Street signs” was cancelled",
        "The requester cancelled this project: its tasks can no longer be claimed or answered, "
        "and a task you held on it has ended. Every answer you submitted is kept.",
        "/work#project-2",
    )
    db.commit()
    service.mark_read(db, amara.id)
    for kind, title, body, link in NOTICES:
        service.notify(db, [amara.id], kind, title, body, link)
    db.commit()
    log_in(client, amara.email)
    page = client.get("/notifications")
    assert page.status_code == 200
    shown = _screenshot(page.text, "notifications.png")
    _screenshot(page.text, "notifications-phone.png", width=390)
    assert 'data-unread="4"' in shown
    assert shown.count('data-unread="true"') == 4
    assert "“Street signs” was cancelled" in shown
