"""A screenshot of /work (issue 21.9): the page rendered by the app, its stylesheet inlined,
shown in headless Chromium; saved under test-artifacts/ to be looked at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.eligibility import service
from labelpool.eligibility.rules import Requirements
from labelpool.projects.models import Item, ProjectStatus
from labelpool.web.render import STATIC_DIR
from tests.assessments.builders import make_project, org_with_requester
from tests.factories import log_in, make_active_contributor

CHROMIUM = os.environ.get("LABELPOOL_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.mark.e2e
def test_work_page_screenshot(client: TestClient, db: Session) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("no Chromium")
    organization, requester = org_with_requester(db)
    names = ["Product reviews", "Support tickets", "Search relevance (German)"]
    projects = []
    for name, status in zip(
        names, [ProjectStatus.ACTIVE, ProjectStatus.PAUSED, ProjectStatus.ACTIVE], strict=True
    ):
        project = make_project(db, requester, organization)
        project.name, project.status = name, status
        db.add_all(Item(project_id=project.id, data={"text": str(n)}) for n in range(12))
        projects.append(project)
    db.commit()
    service.save_requirements(
        db,
        requester,
        projects[2],
        Requirements(languages=[{"language": "de", "minimum": "fluent"}], min_weekly_hours=30),
    )
    contributor = make_active_contributor(db)
    db.commit()
    log_in(client, contributor.email)
    html = client.get("/work").text
    css = (STATIC_DIR / "css" / "app.css").read_text()
    html = html.replace("</head>", f"<style>{css}</style></head>")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.set_content(html)
        page.screenshot(path=str(ARTIFACTS / "work-page.png"), full_page=True)
        browser.close()
    assert "Work open to you" in html
