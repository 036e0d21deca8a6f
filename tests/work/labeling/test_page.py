"""The labeling page in a real browser (issue 22): headless Chromium driving the widgets with the
mouse and the keyboard, and the stored responses checked in the database afterwards.
Screenshots at desktop and phone widths are saved under test-artifacts/labeling/ to be looked
at."""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.projects import service as projects
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.web.render import STATIC_DIR
from labelpool.work.draft_models import AssignmentDraft
from tests.work.helpers import contributors
from tests.work.labeling.browser import (
    PHONE,
    Console,
    current_data,
    fresh,
    item_text,
    log_in,
    make_project,
    open_work,
    responses,
    shoot,
    wait_for_responses,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e


# --- choice: the mouse, then the keyboard only ----------------------------------------------------


def test_choice_with_the_mouse_then_the_keyboard(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "text-sentiment")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    page.goto(f"{server}/work")
    page.click(f"[data-project='{project.id}'] a[data-start-work]")
    page.wait_for_selector("#lb-task:not([hidden])")
    control = page.locator("[data-control='sentiment'][data-kind='choice']")
    assert control.is_visible()
    shoot(page, "choice")
    first_text = item_text(page)
    control.get_by_text("Negative", exact=True).click()
    page.click("#lb-submit")
    page.wait_for_function(
        "t => !document.querySelector('#lb-task').hidden"
        " && !document.querySelector('#lb-item').innerText.includes(t)",
        arg=first_text,
    )
    second = wait_for_responses(db, project, 1)
    assert [r.answers for r in second] == [{"sentiment": "negative"}]
    assert second[0].active_seconds >= 0

    # The second item, keyboard only: 3 picks the third option, Ctrl+Enter submits.
    assert page.locator("#lb-status").inner_text() == "Sent."
    page.keyboard.press("3")
    assert control.locator("input[value='neutral']").is_checked()
    page.keyboard.press("Control+Enter")
    stored = wait_for_responses(db, project, 2)
    assert [r.answers for r in stored] == [{"sentiment": "negative"}, {"sentiment": "neutral"}]
    console.expected_only()


def test_required_answer_and_help_overlay(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "text-sentiment")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    page.keyboard.press("Control+Enter")  # nothing chosen: the server's words, next to it
    error = page.locator("[data-control='sentiment'] .lbc-error")
    assert error.inner_text() == "an answer is required"
    assert page.locator("[data-control='sentiment']").get_attribute("aria-invalid") == "true"
    assert responses(db, project) == []
    page.keyboard.press("Escape")
    page.locator("body").click(position={"x": 5, "y": 5})
    page.keyboard.press("?")
    help_box = page.locator("#lb-help")
    assert help_box.is_visible()
    listed = help_box.inner_text()
    for shortcut in ("Ctrl+Enter", "1\u20134", "choose an option", "search the guidelines"):
        assert shortcut in listed
    shoot(page, "help")
    page.keyboard.press("Escape")
    assert not help_box.is_visible()
    # The control's guideline section opens the panel there; the search narrows it.
    page.click("[data-control='sentiment'] .lbc-guide")
    assert "is-current" in (page.locator("#guideline-2").get_attribute("class") or "")
    page.fill("#lb-guidelines-search", "sarcasm")
    assert page.locator("#lb-guidelines-count").inner_text().endswith("match.")
    assert page.locator(".lb-gsec:not([hidden])").count() >= 1
    console.expected_only()


# --- rating, conditional text, multi-choice: search relevance -------------------------------------


def test_rating_with_a_conditional_text_and_multi_choice(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "search-relevance")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    data = current_data(project, db, amara)
    assert data["query"] in page.locator(".lbi-query").inner_text()
    assert data["title"] in page.locator(".lbi-result").inner_text()
    reason = page.locator("[data-control='fail_reason']")
    assert reason.is_hidden()  # only asked when the relevance is 1
    shoot(page, "search")
    page.keyboard.press("1")  # relevance 1: the reason appears, and focus moves on
    assert reason.is_visible()
    flags = page.locator("[data-control='flags'][data-kind='choice']")
    flags.get_by_text("Spam or deceptive").click()
    flags.get_by_text("Outdated information").click()
    reason.locator("input").fill("short")
    page.click("#lb-submit")
    assert (
        reason.locator(".lbc-error").inner_text()
        == "the text is 5 characters long; write at least 10"
    )
    assert reason.locator(".lbc-count").inner_text().startswith("5 characters")
    reason.locator("input").fill("The page is an advert for a casino.")
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {
        "relevance": 1,
        "flags": ["spam", "outdated"],
        "fail_reason": "The page is an advert for a casino.",
    }
    console.expected_only()


# --- pairwise with strength, text: side by side ---------------------------------------------------


def test_pairwise_side_by_side_with_strength(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "side-by-side-comparison")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    sides = page.locator(".lbi-pair .lbi-side")
    assert sides.count() == 2
    data = current_data(project, db, amara)
    fences = sum(str(data[side]).count("```") // 2 for side in ("response_a", "response_b"))
    assert page.locator(".lbi-pair .lbi-code").count() == fences  # markdown code as code
    assert "```" not in sides.first.inner_text() + sides.last.inner_text()
    shoot(page, "pairwise")
    page.keyboard.press("b")
    page.keyboard.press("2")  # much better
    page.keyboard.type("B answers with working code and a clear base case.")
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {
        "preference": {"winner": "b", "strength": "much"},
        "reason": "B answers with working code and a clear base case.",
    }
    console.expected_only()


# --- ranking: the keyboard, then the mouse --------------------------------------------------------


def test_ranking_with_the_keyboard_and_the_mouse(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "response-ranking")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ranking = page.locator("[data-control='ranking'][data-kind='ranking']")
    items = ranking.locator(".lbc-rank-item")
    n = items.count()
    assert n >= 2
    # Keyboard: focus the last response, pick it up, move it to the top, drop it.
    items.nth(0).focus()
    for _ in range(n - 1):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Space")
    for _ in range(n - 1):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Space")
    order = [int(x) for x in items.evaluate_all("els => els.map(e => e.dataset.response)")]
    assert order == [n - 1, *range(n - 1)]
    page.locator("[data-control='best_acceptable']").get_by_text("Yes", exact=True).click()
    shoot(page, "ranking")
    page.click("#lb-submit")
    (first,) = wait_for_responses(db, project, 1)
    assert first.answers == {"ranking": order, "best_acceptable": "yes"}

    # Mouse: the second item; drag the second response above the first.
    page.wait_for_function("() => document.querySelectorAll('.lbc-rank-item').length > 0")
    items = page.locator("[data-control='ranking'] .lbc-rank-item")
    items.nth(1).drag_to(items.nth(0))
    order = [int(x) for x in items.evaluate_all("els => els.map(e => e.dataset.response)")]
    assert order[:2] == [1, 0]
    page.locator("[data-control='best_acceptable']").get_by_text("No, all responses").click()
    page.click("#lb-submit")
    stored = wait_for_responses(db, project, 2)
    assert stored[1].answers["ranking"] == order
    assert stored[1].answers["best_acceptable"] == "no"
    console.expected_only()


# --- nothing lost: a reload, a network drop -------------------------------------------------------


def test_a_reload_mid_work_restores_the_draft(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "conversation-rating")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    assert page.locator(".lbi-turns .lbi-turn").count() >= 2
    shoot(page, "conversation")
    page.locator("[data-control='task_success']").get_by_text("Partly", exact=True).click()
    page.locator("[data-control='helpfulness']").get_by_text("Good", exact=True).click()
    problem = page.locator("[data-control='problem'] textarea, [data-control='problem'] input")
    problem.fill("The assistant forgot the date.")
    assignment_id = int(
        page.evaluate(
            "() => Object.keys(localStorage).find(k => k.startsWith('labelpool:assignment:'))"
        ).rsplit(":", 1)[1]
    )
    # The server draft arrives within a few seconds.
    deadline = time.monotonic() + 10
    draft = None
    while time.monotonic() < deadline:
        fresh(db)
        draft = db.get(AssignmentDraft, assignment_id)
        if draft is not None and draft.answers.get("problem"):
            break
        time.sleep(0.2)
    assert draft is not None
    assert draft.answers == {
        "task_success": "partly",
        "helpfulness": 4,
        "problem": "The assistant forgot the date.",
    }
    page.reload()
    page.wait_for_selector("#lb-task:not([hidden])")
    assert page.locator("[data-control='task_success'] input[value='partly']").is_checked()
    assert page.locator("[data-control='helpfulness'] input[value='4']").is_checked()
    assert problem.input_value() == "The assistant forgot the date."

    # Another device (a fresh browser context, no localStorage): the server draft comes back.
    other = page.context.browser.new_context(viewport=PHONE) if page.context.browser else None
    assert other is not None
    phone = other.new_page()
    phone_console = Console(phone)
    log_in(phone, server, amara)
    open_work(phone, server, project)
    assert phone.locator("[data-control='task_success'] input[value='partly']").is_checked()
    assert "draft is back" in phone.locator("#lb-status").inner_text()
    shoot(phone, "conversation")
    other.close()
    phone_console.expected_only()
    console.expected_only()


def test_a_network_drop_at_submit_retries_with_the_same_key(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "text-sentiment")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    sent: list[dict[str, Any]] = []

    def drop_the_first(route: Any) -> None:
        request = route.request
        sent.append({"key": request.headers.get("idempotency-key"), "body": request.post_data})
        if len(sent) == 1:
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route(re.compile(r".*/api/v1/assignments/\d+/response$"), drop_the_first)
    page.keyboard.press("1")
    page.keyboard.press("Control+Enter")
    state = page.locator("#lb-submit-state")
    state.filter(has_text="Not sent yet — retrying").wait_for()
    assert page.locator("#lb-submit").is_disabled()
    shoot(page, "retrying")
    page.locator("#lb-status").filter(has_text="Sent.").wait_for(timeout=10000)
    stored = wait_for_responses(db, project, 1)
    assert [r.answers for r in stored] == [{"sentiment": "positive"}]
    assert len(sent) == 2 and sent[0]["key"] and sent[0]["key"] == sent[1]["key"]
    assert json.loads(sent[0]["body"]) == json.loads(sent[1]["body"])
    assert stored[0].idempotency_key == sent[0]["key"]
    # The failed request is the only console error (Chromium logs the aborted fetch).
    console.expected_only("net::ERR_INTERNET_DISCONNECTED", "Failed to load resource")


def test_an_answer_left_pending_by_a_crash_is_sent_on_the_next_load(
    db: Session, server: str, page: Page, requester: User
) -> None:
    """The first send reached the server but its answer was lost; the page closed while
    retrying. The next load sends it again with the same key: stored once."""
    project = make_project(db, requester, "text-sentiment")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    page.route(
        re.compile(r".*/api/v1/assignments/\d+/response$"),
        lambda route: (route.fetch(), route.abort("connectionreset")),
    )
    page.keyboard.press("2")
    page.keyboard.press("Control+Enter")
    page.locator("#lb-submit-state").filter(has_text="Not sent yet").wait_for()
    assert len(wait_for_responses(db, project, 1)) == 1  # stored, but the page never heard
    page.unroute_all()
    page.reload()
    page.wait_for_selector("#lb-task:not([hidden])")
    time.sleep(1)
    stored = responses(db, project)
    assert [r.answers for r in stored] == [{"sentiment": "negative"}]
    left = page.evaluate(
        "() => Object.keys(localStorage).filter(k => k.startsWith('labelpool:assignment:'))"
        ".map(k => JSON.parse(localStorage.getItem(k))).filter(r => r.pending).length"
    )
    assert left == 0
    console.expected_only("net::ERR_CONNECTION_RESET", "Failed to load resource")


# --- no work, not eligible, the requester ---------------------------------------------------------


def test_no_work_says_why_and_when(db: Session, server: str, page: Page, requester: User) -> None:
    project = make_project(db, requester, "text-sentiment", items=[{"text": "Only one."}])
    amara, bea = contributors(db, 2)
    from labelpool.work import claims

    claims.claim(db, bea, project.id)  # Bea holds the only item
    db.commit()
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    box = page.locator("#lb-nowork")
    assert box.is_visible()
    assert page.locator("#lb-nowork-box").get_attribute("data-reason") == "leases_held"
    assert "Others hold the last tasks right now" in box.inner_text()
    assert page.locator("#lb-nowork-when").is_visible()
    assert re.search(r"\d+:\d\d", page.locator("#lb-nowork-countdown").inner_text())
    assert not re.search(r"\d{4}-\d\d-\d\dT", box.inner_text())  # times said locally
    assert page.locator("#lb-nowork a[href='/work']").count() == 1
    shoot(page, "no-work")
    page.set_viewport_size(PHONE)
    page.locator("#lb-guidelines").wait_for(state="hidden")  # narrowed: the reason first
    shoot(page, "no-work")

    projects.change_status(db, requester, db.get(Project, project.id), ProjectStatus.PAUSED)  # type: ignore[arg-type]
    db.commit()
    page.click("#lb-nowork-retry")
    page.locator("#lb-nowork-box[data-reason='paused']").wait_for()
    assert "paused" in box.inner_text()
    # No task is the claim API's 409 with a reason; Chromium logs every non-2xx fetch.
    console.expected_only("status of 409 (Conflict)")


def test_a_requester_gets_a_clear_403_page(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "text-sentiment")
    log_in(page, server, requester)
    answer = page.goto(f"{server}/projects/{project.id}/work")
    assert answer is not None and answer.status == 403
    assert "Only contributors take work" in page.locator("main").inner_text()


# --- what the page carries, its size, phone width -------------------------------------------------


def test_the_page_never_carries_gold_and_stays_small(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "text-sentiment", items=[{"text": "Gold text."}])
    item = db.scalars(select(Item).where(Item.project_id == project.id)).one()
    item.is_gold, item.gold = True, {"sentiment": "SECRET-GOLD-ANSWER"}
    project.gold_count, project.gold_rate = 1, 100
    db.commit()
    (amara,) = contributors(db, 1)
    console = Console(page)
    bodies: list[str] = []
    page.on(
        "response",
        lambda r: bodies.append(r.text()) if "/api/v1/" in r.url or "/work" in r.url else None,
    )
    log_in(page, server, amara)
    open_work(page, server, project)
    assert "Gold text." in item_text(page)
    html = page.content()
    assert "SECRET-GOLD-ANSWER" not in html and "is_gold" not in html
    assert all("SECRET-GOLD-ANSWER" not in body and "is_gold" not in body for body in bodies)
    # What the page loads: only the widgets its controls use, under 150 KB of JS and CSS as
    # sent (gzip), every file the one on disk.
    loaded = page.evaluate(
        """() => performance.getEntriesByType('resource')
        .filter(r => /\\/static\\/(js|css)\\//.test(r.name))
        .map(r => [new URL(r.name).pathname, r.encodedBodySize, r.decodedBodySize])"""
    )
    paths = {path for path, _, _ in loaded}
    assert "/static/js/controls/choice.js" in paths
    assert not paths & {f"/static/js/controls/{k}.js" for k in ("boxes", "spans", "tracks")}
    for path, _, decoded in loaded:
        assert decoded == (STATIC_DIR / path.removeprefix("/static/")).stat().st_size, path
    assert sum(sent for _, sent, _ in loaded) < 150_000
    console.expected_only()


def test_phone_width_choice_rating_pairwise_text(
    browser: Browser, db: Session, server: str, requester: User
) -> None:
    """At 390 px nothing overflows sideways and the submit button stays in reach."""
    keys = ["text-sentiment", "ai-response-rating", "side-by-side-comparison"]
    made = [make_project(db, requester, key) for key in keys]
    (amara,) = contributors(db, 1)
    context = browser.new_context(viewport=PHONE, has_touch=True)
    phone = context.new_page()
    console = Console(phone)
    log_in(phone, server, amara)
    for key, project in zip(keys, made, strict=True):
        open_work(phone, server, project)
        overflow = phone.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, (key, overflow)
        assert phone.locator("#lb-submit").is_visible()
        shoot(phone, key)
    # A phone can answer with taps: a choice, then submit.
    open_work(phone, server, made[0])
    phone.locator("[data-control='sentiment']").get_by_text("Positive", exact=True).tap()
    phone.locator("#lb-submit").tap()
    stored = wait_for_responses(db, made[0], 1)
    assert [r.answers for r in stored] == [{"sentiment": "positive"}]
    context.close()
    console.expected_only()


def test_a_correction_starts_from_the_items_text(
    db: Session, server: str, page: Page, requester: User
) -> None:
    """The grammar template's correction offers the text itself to edit: the spans widget above
    it marks words on a drag, so the text cannot be selected and copied."""
    text = "Their going to the libary tomorow."
    project = make_project(db, requester, "grammar-issues", items=[{"text": text}])
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    correction = page.locator("[data-control='correction']")
    correction.get_by_role("button", name="Start from the text").click()
    box = correction.locator("textarea")
    assert box.input_value() == text
    box.fill("They're going to the library tomorrow.")
    page.keyboard.press("Control+Enter")
    [stored] = wait_for_responses(db, project, 1)
    assert stored.answers["correction"] == "They're going to the library tomorrow."
    console.expected_only("status of 409 (Conflict)")  # one item: then no work
