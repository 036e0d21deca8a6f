"""In a real browser: the question editor, markdown items and project settings (issue 19.7)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from labelpool.demo.seed import DEMO_LOGINS

pytestmark = pytest.mark.e2e

REQUESTER = DEMO_LOGINS[1]
PHONE = {"width": 390, "height": 844}


def _log_in(page: Any, url: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=email]", REQUESTER.email)
    page.fill("input[name=password]", REQUESTER.password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{url}/")


def _phone(page: Any, url: str) -> Any:
    context = page.context.browser.new_context(viewport=PHONE, is_mobile=True)
    mobile = context.new_page()
    _log_in(mobile, url)
    return mobile


def _new_draft_test(page: Any, url: str) -> str:
    page.goto(f"{url}/tests/new")
    page.fill("input[name=title]", "Browser-built test")
    page.fill("input[name=skill_key]", "reading")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{url}/tests/*/manage")
    return str(page.url)


def test_requester_builds_questions_with_the_editor(
    page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server)
    manage_url = _new_draft_test(page, live_server)
    editor = page.locator("form[data-question-editor]")

    # One choice: the correct-answer picker follows the options as they are typed.
    assert editor.locator("input[name=correct_text]").is_hidden()
    assert editor.locator("details.advanced-json").is_hidden()
    page.fill("#q-title", "What sentiment does the author express?")
    page.fill("#q-item", "Oh great, it broke on day one.")
    page.fill("#q-options", "Positive\nNegative\nNeutral")
    picker = editor.locator("[data-question-correct] select")
    assert picker.locator("option").all_inner_texts() == [
        "Choose…",
        "Positive",
        "Negative",
        "Neutral",
    ]
    picker.select_option("Negative")
    page.fill("#q-explanation", "Sarcasm: the meaning is a complaint.")
    page.screenshot(path=screenshots / "question-editor.png", full_page=True)
    page.get_by_role("button", name="Add question").click()
    page.wait_for_load_state()
    assert "Question added." in page.content()
    assert page.locator(".question-table tbody tr").count() == 1
    assert "Negative" in page.locator(".question-table tbody tr").first.inner_text()

    # Several choices: checkboxes, ticked answers survive a change of the options.
    editor.locator("label:has(input[value=multi])").click()
    page.fill("#q-title", "Which topics come up?")
    page.fill("#q-item", "Late, and the box was crushed.")
    page.fill("#q-options", "Delivery\nPackaging")
    editor.locator("[data-question-correct] label:has-text('Delivery') input").check()
    editor.locator("[data-question-correct] label:has-text('Packaging') input").check()
    page.fill("#q-options", "Delivery\nPackaging\nPrice")
    checks = editor.locator("[data-question-correct] input[type=checkbox]")
    assert checks.count() == 3
    assert [checks.nth(i).is_checked() for i in range(3)] == [True, True, False]
    page.get_by_role("button", name="Add question").click()
    page.wait_for_load_state()
    assert page.locator(".question-table tbody tr").count() == 2

    # Free text: no options, a correct text instead.
    editor.locator("label:has(input[value=text])").click()
    assert editor.locator("#q-options").is_hidden()
    assert editor.locator("#q-correct-text").is_visible()

    # Edit the first question.
    page.locator(".question-table tbody tr").first.get_by_role("link", name="Edit").click()
    page.wait_for_url(f"{manage_url}/questions/*")
    assert page.locator("[data-question-correct] select").input_value() == "Negative"
    page.fill("#q-options", "Positive\nNegative\nNeutral\nMixed")
    page.locator("[data-question-correct] select").select_option("Mixed")
    page.screenshot(path=screenshots / "question-edit.png", full_page=True)
    mobile = _phone(page, live_server)
    try:
        mobile.goto(page.url)
        mobile.screenshot(path=screenshots / "question-edit-phone.png", full_page=True)
        mobile.goto(manage_url)
        mobile.screenshot(path=screenshots / "question-editor-phone.png", full_page=True)
    finally:
        mobile.context.close()
    page.get_by_role("button", name="Save question").click()
    page.wait_for_url(f"{manage_url}*")
    assert "Question 1 saved." in page.content()
    assert "Mixed" in page.locator(".question-table tbody tr").first.inner_text()

    # Delete the second one, after the browser's confirm.
    messages: list[str] = []

    def accept(dialog: Any) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    row = page.locator(".question-table tbody tr").nth(1)
    row.get_by_role("button", name="Delete").click()
    page.wait_for_load_state()
    assert messages and messages[0].startswith("Delete question 2")
    assert "Question deleted." in page.content()
    assert page.locator(".question-table tbody tr").count() == 1
    page.screenshot(path=screenshots / "question-list.png", full_page=True)


def test_markdown_items_and_project_settings(
    page: Any, live_server: str, screenshots: Path
) -> None:
    _log_in(page, live_server)
    page.goto(f"{live_server}/projects")
    page.get_by_role("link", name="Chatbot A/B comparison").click()
    page.wait_for_selector(".item-markdown")
    project_url = page.url.split("?")[0]
    code = page.locator(".item-markdown pre code").first
    assert "def f(n):" in code.inner_text()
    assert "```" not in page.locator(".item-list").inner_text()
    page.screenshot(path=screenshots / "items-markdown.png", full_page=True)

    page.get_by_role("link", name="Settings").click()
    page.wait_for_url(f"{project_url}?tab=settings")
    page.fill("#settings-overlap", "0")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()
    assert page.locator(".field.has-error #settings-overlap").count() == 1
    assert "must be from 1 to 100" in page.locator("#overlap-error").inner_text()
    page.screenshot(path=screenshots / "project-settings-error.png", full_page=True)
    page.fill("#settings-overlap", "4")
    page.fill("#settings-lease", "20")
    page.get_by_role("button", name="Save settings").click()
    page.wait_for_load_state()
    assert "Settings saved." in page.content()
    assert page.locator("#settings-overlap").input_value() == "4"
    stats = page.locator(".project-stats").inner_text()
    assert "4" in stats and "20 min" in stats
    page.screenshot(path=screenshots / "project-settings.png", full_page=True)
    mobile = _phone(page, live_server)
    try:
        mobile.goto(f"{project_url}?tab=settings")
        mobile.screenshot(path=screenshots / "project-settings-phone.png", full_page=True)
        mobile.goto(project_url)
        mobile.screenshot(path=screenshots / "items-markdown-phone.png", full_page=True)
    finally:
        mobile.context.close()
