"""In a real browser, on the demo as `make run` seeds it: Amara opens every project she may work
on from /work and gets its labeling page with a real widget for every control (no JSON box), the
media loaded, every control named for screen readers and no console error, at desktop and at
phone width (screenshots under test-artifacts/labeling-demo/, to be looked at); on the desktop
she answers a task of each, with the widgets, and every answer is acknowledged."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from labelpool.demo.seed import DEMO_LOGINS

pytestmark = pytest.mark.e2e

AMARA = next(login for login in DEMO_LOGINS if login.display_name.startswith("Amara"))
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
EVERY_KIND = {"choice", "rating", "pairwise", "ranking", "text", "spans", "boxes", "regions"}
EVERY_KIND |= {"tracks"}
MEDIA_READY = """() =>
  [...document.querySelectorAll('#lb-task img')].every(i => i.complete && i.naturalWidth > 0)
  && [...document.querySelectorAll('#lb-task audio, #lb-task video')]
    .every(m => m.readyState >= 1)"""


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", AMARA.email)
    page.fill("input[name=password]", AMARA.password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{url}/work")


def _answer(page: Any) -> None:
    """Answer every shown control the plain way: the first option of each question, the order
    as shown, a sentence where text is required, one region on an audio timeline; shapes and
    spans are optional in the demo (a boxes item may come pre-annotated)."""
    config = page.evaluate("() => JSON.parse(document.querySelector('#labeling').dataset.config)")
    for control in config["controls"]:
        root = page.locator(f"#lb-controls > [data-control='{control['name']}']")
        if root.is_hidden():
            continue  # asked only for another answer
        kind = control["kind"]
        if kind in ("choice", "rating", "pairwise"):
            root.evaluate(
                """root => {
                  const names = new Set([...root.querySelectorAll('input')].map(i => i.name));
                  for (const name of names) {
                    const group = [...root.querySelectorAll(`input[name="${name}"]`)];
                    if (!group.some(i => i.checked)) group[0].click();
                  }
                }"""
            )
        elif kind == "ranking":
            root.get_by_role("button", name="Keep this order").click()
        elif kind == "text" and control.get("required", True):
            words = "Clear, accurate and complete. "
            root.locator("textarea, input").first.fill(
                words * (control.get("min_length", 1) // 30 + 1)
            )
        elif kind == "regions" and control.get("required", True):
            root.locator(".lbr-view").focus()
            for key in ("[", "ArrowRight", "]"):
                page.keyboard.press(key)


UNNAMED = """() => [...document.querySelectorAll(
    '#lb-task button, #lb-task input, #lb-task select, #lb-task textarea, #lb-task [tabindex="0"]')]
  .filter(el => el.offsetParent !== null && el.type !== 'hidden')
  .filter(el => !(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
    || el.title || (el.labels && el.labels.length) || el.textContent.trim()))
  .map(el => el.outerHTML.slice(0, 120))"""


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_amara_gets_a_labeling_page_for_every_demo_project(
    live_server: str, browser: Any, screenshots: Path, viewport: str
) -> None:
    folder = screenshots / "labeling-demo"
    folder.mkdir(exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[viewport], has_touch=viewport == "phone")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    try:
        _log_in(page, live_server)
        starts = page.locator("a[data-start-work]")
        links = [starts.nth(i).get_attribute("href") for i in range(starts.count())]
        assert len(links) >= 9, links
        seen: set[str] = set()
        sent = 0
        for href in links:
            page.goto(f"{live_server}{href}")
            page.wait_for_selector("#lb-task:not([hidden])")
            title = page.locator("#lb-title").inner_text()
            controls = page.locator("#lb-controls > [data-kind]")
            kinds = [controls.nth(i).get_attribute("data-kind") for i in range(controls.count())]
            assert kinds, title
            seen.update(k for k in kinds if k)
            assert page.locator(".lbc-fallback").count() == 0, f"{title}: a JSON box"
            assert page.evaluate(UNNAMED) == [], f"{title}: controls without a name"
            page.wait_for_function(MEDIA_READY, timeout=15_000)
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (title, overflow)
            page.evaluate("() => window.scrollTo(0, 0)")  # sticky parts drawn where they start
            page.screenshot(path=folder / f"{_slug(title)}-{viewport}.png", full_page=True)
            if viewport == "desktop":
                _answer(page)
                page.click("#lb-submit")
                page.wait_for_function(
                    "() => document.querySelector('#lb-status').innerText.startsWith('Sent')"
                    " || !document.querySelector('#lb-nowork').hidden",
                    timeout=15_000,
                )
                state = page.locator("#lb-submit-state").inner_text()
                assert "Not accepted" not in state and "a look" not in state, (title, state)
                sent += 1
        assert seen >= EVERY_KIND, seen
        assert sent == (len(links) if viewport == "desktop" else 0)
        assert errors == [], errors
    finally:
        context.close()
