"""In a real browser: under the Content Security Policy every page still works, /docs too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from labelpool.demo.seed import DEMO_LOGINS

pytestmark = pytest.mark.e2e

REQUESTER = DEMO_LOGINS[1]


def test_pages_and_api_docs_work_under_the_csp(
    page: Any, live_server: str, screenshots: Path
) -> None:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(f"{live_server}/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert "labelpool" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".swagger-ui .opblock").count() > 60
    page.screenshot(path=screenshots / "api-docs.png")

    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", REQUESTER.email)
    page.fill("input[name=password]", REQUESTER.password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/projects")
    page.get_by_role("link", name="Street scenes: boxes").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.item-media img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    # The per-button confirmation (moved from an inline script into app.js) still asks.
    asked: list[str] = []

    def dismiss(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    status_before = page.locator("h1").inner_text()
    page.locator("button[data-confirm-status]").first.click()
    page.wait_for_timeout(300)
    assert asked and page.locator("h1").inner_text() == status_before
    assert violations == []
