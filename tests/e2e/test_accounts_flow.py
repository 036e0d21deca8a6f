"""In a real browser: sign up, log in and out, role-based navigation, admin password reset."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from labelpool.accounts.roles import Role
from labelpool.demo.seed import DEMO_LOGINS

pytestmark = pytest.mark.e2e

ADMIN = next(login for login in DEMO_LOGINS if login.role == Role.ADMIN)
CONTRIBUTOR = next(login for login in DEMO_LOGINS if login.role == Role.CONTRIBUTOR)


def _log_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")


def test_log_in_navigate_by_role_reset_a_password_and_log_out(
    page: Any, live_server: str, screenshots: Path
) -> None:
    page.goto(live_server)
    assert page.url.endswith("/login")
    page.screenshot(path=screenshots / "login.png", full_page=True)

    _log_in(page, live_server, ADMIN.email, "not the password")
    assert "E-mail or password is wrong." in page.content()

    _log_in(page, live_server, ADMIN.email, ADMIN.password)
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("link", name="Users").first.is_visible()
    page.screenshot(path=screenshots / "home-admin.png", full_page=True)

    page.get_by_role("link", name="Users").first.click()
    page.wait_for_url(f"{live_server}/admin/users")
    row = page.locator("tr", has_text=CONTRIBUTOR.email)
    dialogs: list[str] = []

    def confirm(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.once("dialog", confirm)
    row.get_by_role("button", name="Reset password").click()
    temporary = page.locator("#temp-password").inner_text().strip()
    assert len(temporary) >= 10
    assert dialogs and CONTRIBUTOR.email in dialogs[0], "resetting asks for confirmation"
    page.screenshot(path=screenshots / "admin-users.png", full_page=True)

    page.locator(".nav-desktop").get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server}/login")
    assert "You have been logged out." in page.content()

    _log_in(page, live_server, CONTRIBUTOR.email, temporary)
    page.wait_for_url(f"{live_server}/work")  # an active contributor lands on their work
    assert page.get_by_role("link", name="Users").count() == 0
    response = page.goto(f"{live_server}/admin/users")
    assert response.status == 403
    assert "Not allowed" in page.content()


def test_sign_up_as_requester_on_a_phone(browser: Any, live_server: str, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/signup")
        organization = page.locator("input[name=organization_name]")
        assert not organization.is_visible(), "only requesters name an organization"
        page.locator("input[value=requester]").check(force=True)
        assert organization.is_visible()
        page.fill("input[name=display_name]", "Priya Patel")
        organization.fill("Patel Vision")
        page.fill("input[name=email]", "priya@patel-vision.example")
        page.fill("input[name=password]", "a long enough password")
        page.screenshot(path=screenshots / "signup-phone.png", full_page=True)
        page.get_by_role("button", name="Create account").click()
        # The answer is the same whether or not the e-mail had an account: log in next.
        page.wait_for_url(f"{live_server}/login*")
        assert "Thanks for signing up" in page.content()
        _log_in(page, live_server, "priya@patel-vision.example", "a long enough password")
        page.wait_for_url(f"{live_server}/")
        assert "Welcome to labelpool, Priya Patel!" in page.content()
        assert "Patel Vision" in page.content()

        menu = page.locator("details.nav-mobile summary")
        assert menu.is_visible(), "phones get a menu button"
        menu.click()
        assert page.locator(".nav-sheet").get_by_role("link", name="Account").is_visible()
        page.screenshot(path=screenshots / "home-phone-menu.png", full_page=True)
    finally:
        context.close()
