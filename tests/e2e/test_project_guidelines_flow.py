"""In a real browser: a project's Guidelines tab shows its versioned guidelines by section."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from labelpool.demo.seed import DEMO_LOGINS

pytestmark = pytest.mark.e2e

REQUESTER = DEMO_LOGINS[1]


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", REQUESTER.email)
    page.fill("input[name=password]", REQUESTER.password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{url}/")


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_the_guidelines_tab_shows_the_versioned_guidelines(
    page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server)
    page.goto(f"{live_server}/projects")
    page.get_by_role("link", name="Product review sentiment").click()
    page.get_by_role("link", name="Guidelines", exact=True).last.click()
    page.wait_for_url("**tab=guidelines")
    assert page.locator(".guideline-section").count() >= 3
    assert page.locator("#section-1 h3").inner_text().startswith("1")
    about = page.locator(".project-guidelines-head")
    assert "Version 1" in about.inner_text()
    assert "Review sentiment guidelines" in about.inner_text()
    _no_sideways_scroll(page)
    page.screenshot(path=screenshots / "project-guidelines.png", full_page=True)

    # The outline jumps to a section; the full page has the history and the questions.
    jump = page.locator(".guideline-toc a").nth(1)
    target = jump.get_attribute("href")
    jump.click()
    assert page.url.endswith(target) and page.locator(target).is_visible()
    about.get_by_role("link", name="Full guidelines").click()
    page.wait_for_url("**/guidelines/*")
    assert "Review sentiment guidelines" in page.locator("h1").first.inner_text()

    # Settings link to them instead of a text box.
    page.go_back()
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url("**tab=settings")
    assert page.locator("textarea[name=guidelines]").count() == 0
    assert page.get_by_role("link", name="Review sentiment guidelines").is_visible()

    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        mobile = phone.new_page()
        _log_in(mobile, live_server)
        mobile.goto(page.url.replace("tab=settings", "tab=guidelines"))
        assert mobile.locator(".guideline-section").count() >= 3
        _no_sideways_scroll(mobile)
        mobile.screenshot(path=screenshots / "project-guidelines-phone.png", full_page=True)
    finally:
        phone.close()


def test_a_project_without_guidelines_offers_to_write_them(
    page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server)
    page.goto(f"{live_server}/account")
    page.fill("#token-name", "guidelines-e2e")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token").inner_text().strip()
    created = page.request.post(
        f"{live_server}/api/v1/projects",
        headers={"Authorization": f"Bearer {token}"},
        data={
            "name": "Custom captions",
            "data_fields": [{"name": "text", "kind": "text"}],
            "label_schema": {
                "controls": [
                    {"name": "caption", "kind": "text", "title": "Caption", "target": "text"}
                ]
            },
        },
    )
    assert created.status == 201, created.text()
    project_url = f"{live_server}/projects/{created.json()['id']}"

    page.goto(f"{project_url}?tab=guidelines")
    assert page.get_by_role("heading", name="No guidelines yet").is_visible()
    _no_sideways_scroll(page)
    page.screenshot(path=screenshots / "project-guidelines-empty.png", full_page=True)
    page.goto(f"{project_url}?tab=settings")
    page.screenshot(path=screenshots / "project-settings-guidelines.png", full_page=True)
    page.goto(f"{project_url}?tab=guidelines")
    page.get_by_role("link", name="Write guidelines").click()
    page.wait_for_url("**/guidelines/new")
    assert page.input_value("#title") == "Custom captions guidelines"
    assert page.locator("input[name=project_ids]:checked").count() == 1
    page.fill("#body", "## 1. Task\nWrite one short caption.\n\n## 2. Style\nNo emojis.\n")
    page.get_by_role("button", name="Publish version 1").click()
    page.wait_for_url("**/guidelines/*")
    page.goto(f"{project_url}?tab=guidelines")
    assert page.locator("#section-2 h3").inner_text().endswith("Style")
    assert "Version 1" in page.locator(".project-guidelines-head").inner_text()
