"""In a real browser: the contributor's road from application to a passed qualification test.

The demo seeds three contributors at three stages: Mei has just applied, Lucas is under review,
Amara is active. Ada (admin) decides the checks the rules cannot decide.
"""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from labelpool.accounts.roles import Role
from labelpool.demo.seed import ATTENTION_QUESTIONS, DEMO_LOGINS, SENTIMENT_QUESTIONS

pytestmark = pytest.mark.e2e

LOGINS = {login.display_name.split()[0]: login for login in DEMO_LOGINS}
ADMIN = next(login for login in DEMO_LOGINS if login.role == Role.ADMIN)
PHONE = {"width": 390, "height": 844}

QUALIFICATION = "Review sentiment: qualification"
ATTENTION = "Attention to detail"


def _log_in(page: Any, url: str, name: str) -> None:
    login = LOGINS[name]
    page.goto(f"{url}/login")
    page.fill("input[name=email]", login.email)
    page.fill("input[name=password]", login.password)
    page.click("form[action='/login'] button[type=submit]")
    # Active contributors land on their work, everyone else on the dashboard.
    page.wait_for_url(re.compile(rf"^{re.escape(url)}/(work)?$"))


def _flash(page: Any) -> str:
    return " ".join(page.locator("#flashes").all_inner_texts())


def _png(width: int = 8, height: int = 8) -> bytes:
    """A small grey PNG: a stand-in for a photo of a passport."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _phone_screenshot(browser: Any, server: str, url: str, who: str, path: Path) -> None:
    """`url` as `who` sees it on a phone; the page must not scroll sideways."""
    context = browser.new_context(viewport=PHONE, is_mobile=True)
    try:
        page = context.new_page()
        _log_in(page, server, who)
        page.goto(url)
        page.screenshot(path=path, full_page=True)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"{url} scrolls sideways on a phone ({width}px)"
    finally:
        context.close()


def _test_card(page: Any, title: str) -> Any:
    return page.locator("article.test-card", has=page.get_by_role("link", name=title, exact=True))


def _facts(container: Any) -> dict[str, str]:
    terms = container.locator("dl.facts dt").all_inner_texts()
    values = container.locator("dl.facts dd").all_inner_texts()
    return {t.strip(): v.strip() for t, v in zip(terms, values, strict=True)}


def test_mei_applies_and_sees_her_checks(
    browser: Any, page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server, "Mei")
    page.goto(f"{live_server}/profile")
    bar = page.locator("[role=progressbar]").first
    assert bar.is_visible()
    progress = bar.get_attribute("aria-valuenow")
    assert progress is not None and float(progress) < 100
    missing = page.locator(".contrib-missing li").all_inner_texts()
    assert missing, "an empty profile lists what is missing"
    assert any("country" in m.lower() for m in missing)
    assert any("language" in m.lower() for m in missing)
    page.screenshot(path=screenshots / "contributor-profile-empty.png", full_page=True)

    page.select_option("#country", "JP")
    page.fill("#time_zone", "Asia/Tokyo")
    page.fill("#weekly_hours", "20")
    page.select_option("#language_0", "ja")
    page.select_option("#proficiency_0", "native")
    page.select_option("#language_1", "en")
    page.select_option("#proficiency_1", "advanced")
    page.select_option("#primary_domain", "linguistics")
    page.check("input[name=secondary_skills][value=translation]")
    page.fill(
        "#experience",
        "Three years of Japanese-English translation and two of search-result rating for a"
        " large vendor; I studied linguistics in Osaka.",
    )
    page.check("input[name=device_laptop]")
    page.select_option("#os_laptop", "macos")
    page.check("input[name=headphones]")
    page.screenshot(path=screenshots / "contributor-profile-filled.png", full_page=True)

    page.get_by_role("button", name="Save and submit application").click()
    page.wait_for_url(f"{live_server}/review")
    content = page.content()
    assert "Application submitted." in content
    state = page.locator(".contrib-state")
    assert state.inner_text().strip().lower() == "under review"
    checks = {
        item.get_attribute("id"): item.locator(".badge").inner_text().strip().lower()
        for item in page.locator(".contrib-check-list > li").all()
    }
    assert checks["check-profile_complete"] == "passed"
    assert checks["check-device_eligible"] == "passed"
    assert checks["check-location_eligible"] == "passed"
    assert checks["check-identity_verified"] in ("pending", "needs review")
    assert checks["check-language_verified"] in ("pending", "needs review")
    assert checks["check-identity_verified"] == "pending", "no document yet"

    page.set_input_files(
        "#identity-file",
        files=[{"name": "passport.png", "mimeType": "image/png", "buffer": _png()}],
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Upload", exact=True).click()
    assert "Document uploaded." in _flash(page)
    identity = page.locator("#check-identity_verified .badge")
    assert identity.inner_text().strip().lower() == "needs review"
    assert "passport.png" in page.locator("[aria-labelledby=doc-title]").inner_text()
    page.screenshot(path=screenshots / "contributor-review.png", full_page=True)

    phone = browser.new_context(viewport=PHONE, is_mobile=True)
    try:
        small = phone.new_page()
        _log_in(small, live_server, "Mei")
        small.goto(f"{live_server}/review")
        assert small.locator(".contrib-state").is_visible()
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the review page scrolls sideways on a phone ({width}px)"
        small.screenshot(path=screenshots / "contributor-review-phone.png", full_page=True)
        small.goto(f"{live_server}/profile")
        small.screenshot(path=screenshots / "contributor-profile-phone.png", full_page=True)
        width = small.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], f"the profile scrolls sideways on a phone ({width}px)"
    finally:
        phone.close()


def test_admin_passes_the_checks_and_mei_becomes_active(
    browser: Any, page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server, "Ada")
    page.get_by_role("link", name="Reviews").first.click()
    page.wait_for_url(f"{live_server}/admin/reviews")
    row = page.locator("tr", has_text=LOGINS["Mei"].email)
    assert row.count() == 1, "Mei's submitted application waits in the queue"
    assert "Lucas Silva" in page.content()
    page.screenshot(path=screenshots / "admin-reviews.png", full_page=True)

    row.get_by_role("link", name="Review").click()
    page.wait_for_url(re.compile(r"/admin/reviews/\d+$"))
    assert "Mei Tanaka" in page.locator("h1").inner_text()
    assert "Linguistics" in page.content()
    for check, reason in (
        ("identity_verified", "Passport checked on a video call."),
        ("language_verified", "Native Japanese; English checked in the interview."),
    ):
        item = page.locator(f"#check-{check}")
        item.locator("input[name=reason]").fill(reason)
        with page.expect_navigation():
            item.get_by_role("button", name="Pass").click()
        assert f"{check.replace('_', ' ').capitalize()}: passed." in _flash(page)
        item = page.locator(f"#check-{check}")
        assert item.locator(".badge").first.inner_text().strip().lower() == "passed"
        assert reason in item.inner_text()
    assert "The account is now active." in _flash(page)
    assert page.locator("main .badge-dot").first.inner_text().strip() == "Active"
    assert "Under review → Active" in page.locator(".contrib-history").inner_text()
    page.screenshot(path=screenshots / "admin-review-detail.png", full_page=True)
    _phone_screenshot(
        browser, live_server, page.url, "Ada", screenshots / "admin-review-detail-phone.png"
    )

    assert page.locator(".contrib-check-list .badge", has_text="Passed").count() == 5

    mei = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        own = mei.new_page()
        _log_in(own, live_server, "Mei")
        own.goto(f"{live_server}/review")
        assert own.locator(".contrib-state").inner_text().strip() == "Active"
        assert (
            "Passport checked on a video call."
            in own.locator("#check-identity_verified").inner_text()
        )
    finally:
        mei.close()


def test_an_active_contributor_trains_and_qualifies(
    browser: Any, page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server, "Amara")
    page.get_by_role("link", name="Tests").first.click()
    page.wait_for_url(f"{live_server}/tests")
    before = {}
    for title in (ATTENTION, QUALIFICATION):
        card = _test_card(page, title)
        assert card.count() == 1, title
        facts = _facts(card)
        before[title] = facts["Attempts left"]
    assert before[QUALIFICATION] == "3"
    page.screenshot(path=screenshots / "tests-list.png", full_page=True)

    # Training mode: feedback after every answer.
    _test_card(page, ATTENTION).get_by_role("link", name=ATTENTION).click()
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/q/1$"))
    answers = {(first, second): answer for first, second, answer in ATTENTION_QUESTIONS}
    for number in range(1, len(ATTENTION_QUESTIONS) + 1):
        first = page.locator(".item-field", has_text="first").locator(".item-text").inner_text()
        second = page.locator(".item-field", has_text="second").locator(".item-text").inner_text()
        answer = answers[(first.strip(), second.strip())]
        page.locator(f"#question-widget input[value={answer}]").check()
        page.get_by_role("button", name="Check answer").click()
        page.wait_for_url(re.compile(rf"/attempts/\d+/q/{number}$"))
        feedback = page.locator("[aria-labelledby=feedback-title]")
        assert feedback.is_visible()
        assert "Correct" in feedback.inner_text()
        assert "Compare character by character" in feedback.inner_text()
        if number == 2:
            page.screenshot(path=screenshots / "test-training-feedback.png", full_page=True)
            _phone_screenshot(
                browser, live_server, page.url, "Amara", screenshots / "test-training-phone.png"
            )
        if number < len(ATTENTION_QUESTIONS):
            page.get_by_role("link", name="Next question").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit attempt").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/result$"))
    assert "100%" in page.locator("#score-title").inner_text()
    page.screenshot(path=screenshots / "test-result-training.png", full_page=True)

    # Exam mode: no feedback, and the page never carries the answers.
    page.goto(f"{live_server}/tests")
    _test_card(page, QUALIFICATION).get_by_role("link", name=QUALIFICATION).click()
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/q/1$"))
    known = {text: (answer, why) for text, answer, why in SENTIMENT_QUESTIONS}
    total = int(page.locator(".question-nav li").count())
    assert total == 5
    for number in range(1, total + 1):
        text = page.locator(".item-text").first.inner_text().strip()
        answer, why = known[text]
        html = page.content()
        assert why not in html, "the explanation must not reach the browser before submitting"
        if number == 1:
            page.screenshot(path=screenshots / "test-question.png", full_page=True)
            _phone_screenshot(
                browser, live_server, page.url, "Amara", screenshots / "test-question-phone.png"
            )
        page.locator(f"#question-widget input[value={answer}]").check()
        with page.expect_navigation():
            page.get_by_role("button", name=re.compile("Save")).click()
        assert page.locator("[aria-labelledby=feedback-title]").count() == 0
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Submit attempt").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/result$"))
    assert "100%" in page.locator("#score-title").inner_text()
    assert "Passed" in page.locator("[aria-labelledby=score-title]").inner_text()
    page.screenshot(path=screenshots / "test-result.png", full_page=True)
    _phone_screenshot(
        browser, live_server, page.url, "Amara", screenshots / "test-result-phone.png"
    )

    page.get_by_role("link", name="Guidelines").last.click()
    page.wait_for_url(re.compile(r"/guidelines/\d+$"))
    assert "Review sentiment guidelines" in page.locator("h1").first.inner_text()
    page.screenshot(path=screenshots / "guidelines-detail.png", full_page=True)
    _phone_screenshot(
        browser, live_server, page.url, "Amara", screenshots / "guidelines-detail-phone.png"
    )

    page.get_by_role("link", name="Tests").first.click()
    page.wait_for_url(f"{live_server}/tests")
    card = _test_card(page, QUALIFICATION)
    assert "Passed" in card.inner_text()
    assert _facts(card)["Attempts left"] == "2"
    page.screenshot(path=screenshots / "tests-list-passed.png", full_page=True)


def test_a_contributor_under_review_sees_why_tests_wait(
    browser: Any, page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server, "Lucas")
    page.get_by_role("link", name="Tests").first.click()
    page.wait_for_url(f"{live_server}/tests")
    block = page.locator("#account-block")
    assert block.is_visible()
    assert "Your account is not active yet" in block.inner_text()
    card = _test_card(page, QUALIFICATION)
    assert _facts(card)["Next attempt"] == "When your account is active"
    page.screenshot(path=screenshots / "tests-list-under-review.png", full_page=True)
    _phone_screenshot(
        browser, live_server, page.url, "Lucas", screenshots / "tests-list-under-review-phone.png"
    )

    card.get_by_role("link", name=QUALIFICATION).click()
    page.wait_for_url(re.compile(r"/tests/\d+$"))
    test_url = page.url
    start = page.get_by_role("button", name="Start the test")
    assert start.is_disabled(), "an account under review cannot start a test"
    assert "Your account is not active yet" in page.locator("#account-block").inner_text()
    assert page.get_by_role("link", name="See your account review").is_visible()
    page.screenshot(path=screenshots / "test-under-review.png", full_page=True)

    # Even a forced submit gets the service's refusal as a message on the page, not an error page.
    start.evaluate("button => { button.disabled = false; }")
    with page.expect_navigation():
        start.click()
    assert page.url == test_url
    assert "Your account is not active yet" in _flash(page)
    assert page.locator("h1").inner_text().strip() == QUALIFICATION
