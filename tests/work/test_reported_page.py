"""The Reported tab of a project page and the /work countdowns (issue 21, points 5 and 9):
what the requester sees and posts, who may, and Chromium screenshots (test-artifacts/) of
the tab and of /work with live countdowns, one of which reaches zero and becomes a link."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.assessments import models as assessment_models
from labelpool.assessments.models import Attempt, AttemptPurpose, AttemptStatus
from labelpool.db.types import utcnow
from labelpool.eligibility import service as eligibility
from labelpool.eligibility.rules import Requirements
from labelpool.projects.models import Item
from labelpool.web.render import STATIC_DIR
from labelpool.work import claims, reports
from labelpool.work.models import Assignment, ReportReason
from tests.assessments.builders import make_test
from tests.factories import csrf_token, log_in, make_organization, make_user
from tests.work.helpers import Setup, contributors, work_project

CHROMIUM = os.environ.get("LABELPOOL_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
COMMENTS = [
    "The text stops in the middle of a sentence.",
    "Half of it is in another language; I cannot tell the sentiment.",
    "Truncated, nothing to label.",
]


def _reported_project(db: Session) -> tuple[Setup, int, int, list[User]]:
    """Four items: the first withdrawn by three reports (with comments), the second reported
    once and still in the pool. Returns the setup, both item ids and the reporters."""
    setup = work_project(db, items=4, overlap=3)
    setup.project.name = "Product reviews"
    db.commit()
    people = contributors(db, 4)
    reasons = [ReportReason.UNCLEAR, ReportReason.UNCLEAR, ReportReason.BROKEN_MEDIA]
    for person, reason, comment in zip(people, reasons, COMMENTS, strict=False):
        claimed = claims.claim(db, person, setup.project.id)
        reports.report(db, person, claimed.assignment.id, reason, comment)
    claimed = claims.claim(db, people[3], setup.project.id)  # the first item is withdrawn
    reports.report(db, people[3], claimed.assignment.id, ReportReason.OFFENSIVE)
    db.commit()
    return setup, setup.item_ids[0], claimed.item.id, people


def _organization(db: Session, setup: Setup) -> Organization:
    found = db.get(Organization, setup.project.organization_id)
    assert found is not None
    return found


def test_the_tab_lists_reports_without_naming_reporters(client: TestClient, db: Session) -> None:
    setup, withdrawn_id, open_id, people = _reported_project(db)
    log_in(client, setup.requester.email)
    page = client.get(f"/projects/{setup.project.id}?tab=reports")
    assert page.status_code == 200, page.text
    html = page.text
    assert re.search(r'tab=reports"[^>]*>Reported <span class="tab-count">1</span>', html)
    assert f'id="reported-{withdrawn_id}"' in html and f'id="reported-{open_id}"' in html
    assert "1 item out of the pool" in html
    for comment in COMMENTS:
        assert comment in html
    for person in people:
        assert person.email not in html and person.display_name not in html
    assert html.count("Remove from the project") == 2


def test_release_and_remove_from_the_tab(client: TestClient, db: Session) -> None:
    setup, withdrawn_id, open_id, _ = _reported_project(db)
    log_in(client, setup.requester.email)
    token = csrf_token(client)
    base = f"/projects/{setup.project.id}/items"

    bad = client.post(
        f"{base}/{withdrawn_id}/release", data={"data": '{"text": 5}', "csrf_token": token}
    )
    assert bad.status_code == 422
    assert "must be text" in bad.text or "'text'" in bad.text
    assert "{&#34;text&#34;: 5}" in bad.text or '{"text": 5}' in bad.text  # the edit is kept
    not_json = client.post(
        f"{base}/{withdrawn_id}/release", data={"data": "{text:", "csrf_token": token}
    )
    assert not_json.status_code == 422 and "not valid JSON" in not_json.text

    fixed = client.post(
        f"{base}/{withdrawn_id}/release",
        data={"data": '{"text": "A complete review."}', "note": "re-exported", "csrf_token": token},
        follow_redirects=False,
    )
    assert fixed.status_code == 303
    assert fixed.headers["location"] == f"/projects/{setup.project.id}?tab=reports"
    db.expire_all()
    item = db.get(Item, withdrawn_id)
    assert item is not None and not item.withdrawn and item.data == {"text": "A complete review."}

    removed = client.post(
        f"{base}/{open_id}/remove", data={"csrf_token": token}, follow_redirects=True
    )
    assert removed.status_code == 200
    assert f"Item {open_id} is removed from the project" in removed.text
    assert "No reported items" in removed.text
    again = client.post(
        f"{base}/{open_id}/remove", data={"csrf_token": token}, follow_redirects=True
    )
    assert "removed from the project for good" in again.text


def test_staff_read_the_tab_outsiders_do_not_see_it(client: TestClient, db: Session) -> None:
    setup, withdrawn_id, _, _ = _reported_project(db)
    reviewer = make_user(db, role=Role.REVIEWER, organization=_organization(db, setup))
    log_in(client, reviewer.email)
    page = client.get(f"/projects/{setup.project.id}?tab=reports")
    assert page.status_code == 200 and f'id="reported-{withdrawn_id}"' in page.text
    assert "Remove from the project" not in page.text
    url = f"/projects/{setup.project.id}/items/{withdrawn_id}/release"
    assert client.post(url, data={"csrf_token": csrf_token(client)}).status_code == 403

    outsider = make_user(db, role=Role.REQUESTER, organization=make_organization(db, "Beta"))
    client.cookies.clear()
    log_in(client, outsider.email)
    assert client.get(f"/projects/{setup.project.id}?tab=reports").status_code == 404
    assert client.post(url, data={"csrf_token": csrf_token(client)}).status_code == 404


def test_work_page_marks_future_dates_for_countdowns(client: TestClient, db: Session) -> None:
    contributor, _ = _work_with_dates(db)
    log_in(client, contributor.email)
    html = client.get("/work").text
    assert 'data-countdown="opens in"' in html  # the retake
    assert 'data-countdown="in"' in html  # the earliest lease's end
    assert "UTC</time>" in html  # the date itself is what the page says without JS
    assert '<script src="/static/js/countdown.js" type="module"></script>' in html
    assert (STATIC_DIR / "js" / "countdown.js").is_file()


def _work_with_dates(db: Session, *, lease_seconds: int = 3 * 3600) -> tuple[User, User]:
    """A contributor with a retake opening in 2 h 14 min on one project and, on another,
    every item leased by someone else until `lease_seconds` from now."""
    retake = work_project(db, items=2)
    retake.project.name = "Sentiment of support tickets"
    test = make_test(
        db,
        retake.requester,
        _organization(db, retake),
        kind=assessment_models.TestKind.QUALIFICATION,
        project_id=retake.project.id,
        title="Sentiment qualification",
        cooldown_seconds=3 * 3600,
        max_attempts=3,
    )
    contributor, holder = contributors(db, 2)
    finished = utcnow() - timedelta(minutes=46)
    db.add(
        Attempt(
            test_id=test.id,
            user_id=contributor.id,
            purpose=AttemptPurpose.QUALIFY,
            status=AttemptStatus.SUBMITTED,
            seed=1,
            question_ids=[],
            started_at=finished - timedelta(minutes=5),
            finished_at=finished,
            score=40.0,
            passed=False,
        )
    )
    db.commit()
    eligibility.save_requirements(
        db, retake.requester, retake.project, Requirements(tests=[test.id])
    )
    db.commit()

    busy = work_project(db, items=1, overlap=1)
    busy.project.name = "Search relevance"
    db.commit()
    held = claims.claim(db, holder, busy.project.id)
    db.execute(
        update(Assignment)
        .where(Assignment.id == held.assignment.id)
        .values(expires_at=utcnow() + timedelta(seconds=lease_seconds))
    )
    db.commit()
    return contributor, holder


def _screenshot(html: str, name: str, *, script: bool = False, wait_ms: int = 0) -> str:
    """Render the page in Chromium (stylesheet and, with `script`, the countdown inlined)."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium")
    css = (STATIC_DIR / "css" / "app.css").read_text()
    html = html.replace("</head>", f"<style>{css}</style></head>")
    if script:
        js = (STATIC_DIR / "js" / "countdown.js").read_text()
        html = html.replace(
            '<script src="/static/js/countdown.js" type="module"></script>',
            f'<script type="module">{js}</script>',
        )
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.set_content(html)
        if wait_ms:
            page.wait_for_timeout(wait_ms)
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)
        shown = str(page.content())
        browser.close()
    return shown


@pytest.mark.e2e
def test_reported_tab_screenshot(client: TestClient, db: Session) -> None:
    setup, _, _, _ = _reported_project(db)
    log_in(client, setup.requester.email)
    html = client.get(f"/projects/{setup.project.id}?tab=reports").text
    shown = _screenshot(html, "reported-items.png")
    assert "Reported items" in shown
    refused = client.post(
        f"/projects/{setup.project.id}/items/{setup.item_ids[0]}/release",
        data={"data": '{"text": ""}', "csrf_token": csrf_token(client)},
    )
    assert refused.status_code == 422
    shown = _screenshot(refused.text, "reported-items-fix-refused.png")
    assert "must not be empty" in shown


@pytest.mark.e2e
def test_work_countdown_screenshot(client: TestClient, db: Session) -> None:
    contributor, _ = _work_with_dates(db)
    log_in(client, contributor.email)
    html = client.get("/work").text
    shown = _screenshot(html, "work-countdown.png", script=True)
    assert re.search(r'class="countdown">opens in 2 h 1[34] min<', shown), shown
    assert re.search(r'class="countdown">in (2 h 59 min|3 h)<', shown), shown


@pytest.mark.e2e
def test_a_countdown_reaching_zero_becomes_a_link(client: TestClient, db: Session) -> None:
    contributor, _ = _work_with_dates(db, lease_seconds=3)
    log_in(client, contributor.email)
    html = client.get("/work").text
    shown = _screenshot(html, "work-countdown-done.png", script=True, wait_ms=4500)
    assert re.search(r'class="countdown-done" href="[^"]*">Work may be open: refresh</a>', shown)
    assert "opens in 2 h" in shown  # the retake is still counting
