"""In a real browser: a requester browses demo projects, creates one, imports data (following
the import run's page while the server's job runner imports it), activates."""

from __future__ import annotations

import json
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


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return ("\n".join(json.dumps(r) for r in rows) + "\n").encode()


def _upload(page: Any, name: str, data: bytes, *, skip_invalid: bool = False) -> None:
    page.set_input_files(
        "input[name=file]",
        files=[{"name": name, "mimeType": "application/x-ndjson", "buffer": data}],
    )
    if skip_invalid:
        page.check("input[name=skip_invalid]")
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url("**/imports/*")  # the run's page: its progress while the worker imports


# The run's own row in "Past imports", once the page shows the finished run: either rendered
# finished, or reloaded by the progress card (HX-Refresh) when the run ended.
FINISHED_RUN = """() => {
  const link = document.querySelector(`.table a[href="${location.pathname}"]`);
  const status = link && link.closest("tr").querySelector(".badge").textContent.trim();
  const done = document.querySelector("#import-progress:not([hx-get])");
  return done && ["Succeeded", "Failed"].includes(status) ? status : null;
}"""


def _finished_run(page: Any) -> str:
    """Follow the run's page until the import has run; its status (Succeeded or Failed)."""
    return str(page.wait_for_function(FINISHED_RUN, timeout=60_000).json_value())


def test_requester_browses_creates_imports_and_activates(
    page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server)
    page.locator(".nav-desktop").get_by_role("link", name="Projects").click()
    page.wait_for_url(f"{live_server}/projects")
    assert page.locator(".project-table tbody tr").count() >= 8
    page.screenshot(path=screenshots / "projects-list.png", full_page=True)

    # The image project: pictures load through signed media links.
    page.get_by_role("link", name="Street scenes: boxes").click()
    page.wait_for_selector(".item-media img")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.item-media img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    first = page.locator(".item-media img").first
    assert first.evaluate("img => img.naturalWidth") > 0
    assert "/media/" in first.get_attribute("src") and "sig=" in first.get_attribute("src")
    assert page.locator(".item-card.is-gold").count() >= 1
    assert page.locator(".gold-answers").first.is_visible()

    # The audio project: the player's source answers 200.
    page.goto(f"{live_server}/projects")
    page.get_by_role("link", name="Podcast audio: segments").click()
    audio = page.locator("audio").first
    src = audio.get_attribute("src")
    assert src and "sig=" in src
    assert page.request.get(f"{live_server}{src}").status == 200
    page.wait_for_function("() => document.querySelector('audio').readyState >= 1")

    # A new project from the text-sentiment template.
    page.goto(f"{live_server}/projects")
    page.get_by_role("link", name="New project").first.click()
    page.wait_for_url(f"{live_server}/projects/new")
    page.fill("input[name=name]", "Hotel reviews")
    page.locator("label[for='template-text-sentiment']").click()
    assert page.locator("#template-text-sentiment").is_checked()
    page.screenshot(path=screenshots / "project-new.png")
    page.get_by_role("button", name="Create project").click()
    page.wait_for_url(f"{live_server}/projects/*")
    assert "created as a draft" in page.content()
    project_url = page.url

    # A file with a bad row imports nothing and says where the problem is.
    page.get_by_role("link", name="Import").first.click()
    bad: list[dict[str, Any]] = [
        {"id": "h1", "text": "Lovely staff"},
        {"id": "h2", "text": 5},
        {"id": "h3"},
    ]
    _upload(page, "hotel-bad.jsonl", _jsonl(bad))
    assert _finished_run(page) == "Failed"
    assert page.locator(".error-table tbody tr").count() == 2
    assert "nothing was imported" in page.content()
    page.screenshot(path=screenshots / "project-import-errors.png", full_page=True)

    good: list[dict[str, Any]] = [
        {"id": "h1", "text": "Lovely staff and a quiet room."},
        {
            "id": "h2",
            "text": "The lift was broken for three days.",
            "gold": {"sentiment": "negative"},
        },
        {"id": "h3", "text": "Fine for one night."},
    ]
    _upload(page, "hotel.jsonl", _jsonl(good))
    assert _finished_run(page) == "Succeeded"
    assert "Imported 3 items" in page.locator("#import-progress").inner_text()
    page.screenshot(path=screenshots / "project-import-done.png", full_page=True)
    page.locator("#import-progress").get_by_role("link", name="See the items").click()
    page.wait_for_url(project_url)
    assert page.locator(".item-card").count() == 3
    assert "The lift was broken for three days." in page.content()

    page.fill("input[name=reason]", "Data is in")
    page.get_by_role("button", name="Activate").click()
    page.wait_for_load_state()
    assert "The project is now active." in page.content()
    assert page.locator("h1 .project-status").inner_text().strip() == "Active"
    assert page.get_by_role("button", name="Pause").is_visible()
    page.screenshot(path=screenshots / "project-detail.png", full_page=True)

    page.goto(f"{project_url}?tab=import")
    assert page.locator("table >> text=hotel.jsonl").count() == 1

    # The same pages on a phone.
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        mobile = phone.new_page()
        _log_in(mobile, live_server)
        mobile.goto(f"{live_server}/projects")
        assert mobile.locator(".project-cards").is_visible()
        mobile.screenshot(path=screenshots / "projects-list-phone.png", full_page=True)
        mobile.goto(project_url)
        assert mobile.locator(".item-card").count() == 3
        mobile.screenshot(path=screenshots / "project-detail-phone.png", full_page=True)
    finally:
        phone.close()
