"""In a real browser, at desktop and phone width: each demo user's dashboard shows their next
real step, admins see every contributor's account state, a logged-in 404 keeps the user's
menu, and the project tabs are never cut off at the edge of a phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from labelpool.accounts.roles import Role
from labelpool.demo.seed import DEMO_LOGINS

pytestmark = pytest.mark.e2e

LOGINS = {login.display_name.split()[0]: login for login in DEMO_LOGINS}
ROLES = {login.role: login.display_name.split()[0] for login in DEMO_LOGINS}
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@contextmanager
def _as(browser: Any, server: str, name: str, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, is_mobile=viewport["width"] < 500)
    try:
        page = context.new_page()
        login = LOGINS[name]
        page.goto(f"{server}/login")
        page.fill("input[name=email]", login.email)
        page.fill("input[name=password]", login.password)
        page.click("form[action='/login'] button[type=submit]")
        # Active contributors land on their work, everyone else on the dashboard.
        page.wait_for_url(re.compile(rf"^{re.escape(server)}/(work)?$"))
        yield page
    finally:
        context.close()


def _fits(page: Any, what: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{what} scrolls sideways ({width}px)"


@pytest.mark.parametrize(
    ("name", "step", "says"),
    [
        ("Mei", "complete_profile", "Complete your profile"),
        ("Lucas", "under_review", "Identity verified"),
        ("Amara", "take_tests", "Review sentiment: qualification"),
    ],
)
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_each_contributor_sees_the_next_step_of_their_account(
    browser: Any,
    live_server: str,
    screenshots: Path,
    name: str,
    step: str,
    says: str,
    viewport: dict[str, int],
) -> None:
    with _as(browser, live_server, name, viewport) as page:
        page.goto(f"{live_server}/")
        card = page.locator("#next-step")
        assert card.get_attribute("data-step") == step
        assert says in card.inner_text()
        if step != "complete_profile":
            assert "Complete your profile" not in page.content()
        assert page.locator("[aria-current=step]").count() == 1
        _fits(page, f"{name}'s dashboard")
        page.screenshot(
            path=screenshots / f"dashboard-{name.lower()}-{viewport['width']}.png", full_page=True
        )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_reviewer_sees_projects_guidelines_and_tests(
    browser: Any, live_server: str, screenshots: Path, viewport: dict[str, int]
) -> None:
    with _as(browser, live_server, ROLES[Role.REVIEWER], viewport) as page:
        assert "Coming soon" not in page.content()
        for section in ("projects", "guidelines", "tests"):
            rows = page.locator(f"#reviewer-{section} .dash-list-rows a")
            assert rows.count() >= 1, f"no {section} on the reviewer's dashboard"
        _fits(page, "the reviewer's dashboard")
        page.screenshot(
            path=screenshots / f"dashboard-reviewer-{viewport['width']}.png", full_page=True
        )
        page.locator("#reviewer-guidelines .dash-list-rows a").first.click()
        page.wait_for_url(f"{live_server}/guidelines/*")
        assert page.locator("h1").count() == 1


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_admin_users_show_account_states_and_link_to_reviews(
    browser: Any, live_server: str, screenshots: Path, viewport: dict[str, int]
) -> None:
    with _as(browser, live_server, ROLES[Role.ADMIN], viewport) as page:
        page.goto(f"{live_server}/admin/users")
        row = page.locator("tr", has_text=LOGINS["Lucas"].email)
        assert "Under review" in row.inner_text()
        assert "Applied" in page.locator("tr", has_text=LOGINS["Mei"].email).inner_text()
        _fits(page, "the users page")
        page.screenshot(path=screenshots / f"admin-users-{viewport['width']}.png", full_page=True)
        row.get_by_role("link", name=LOGINS["Lucas"].display_name, exact=True).click()
        page.wait_for_url(f"{live_server}/admin/reviews/*")
        assert "Account review" in page.content()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_logged_in_404_keeps_the_users_menu(
    browser: Any, live_server: str, screenshots: Path, viewport: dict[str, int]
) -> None:
    with _as(browser, live_server, "Amara", viewport) as page:
        response = page.goto(f"{live_server}/no/such/page")
        assert response is not None and response.status == 404
        header = page.locator(".site-header")
        assert header.get_by_role("link", name="Sign up").count() == 0
        assert header.get_by_role("link", name="Log in").count() == 0
        assert LOGINS["Amara"].display_name in header.inner_html()
        assert "/logout" in header.inner_html()
        assert page.get_by_role("link", name="Go to your dashboard").is_visible()
        page.screenshot(path=screenshots / f"404-logged-in-{viewport['width']}.png")


def test_project_tabs_wrap_on_a_phone_instead_of_being_cut_off(
    browser: Any, live_server: str, screenshots: Path
) -> None:
    with _as(browser, live_server, ROLES[Role.REQUESTER], PHONE) as page:
        page.goto(f"{live_server}/projects")
        first = page.locator("a.project-link").first.get_attribute("href")
        page.goto(f"{live_server}{first}")
        tabs = page.locator("nav.tabs a")
        assert tabs.count() >= 4
        for i in range(tabs.count()):
            box = tabs.nth(i).bounding_box()
            assert box is not None and box["x"] >= 0
            assert box["x"] + box["width"] <= PHONE["width"], tabs.nth(i).inner_text()
        page.locator("nav.tabs").screenshot(path=screenshots / "project-tabs-390.png")
        page.screenshot(path=screenshots / "project-detail-390.png", full_page=True)
