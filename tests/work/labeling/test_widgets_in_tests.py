"""The labeling widgets in tests (issue 22, point 7): a test question of a kind the JSON box used
to answer is answered with the labeling page's own widget, checked in the browser with the
server's words; in training mode the feedback shows the correct answer in a read-only widget.
Without JavaScript the JSON box still works (tests/assessments/test_pages.py)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments import models, service
from labelpool.assessments.models import AttemptAnswer
from tests.work.helpers import contributors
from tests.work.labeling.browser import Console, fresh, log_in, shoot

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.e2e

RANKING = {
    "name": "order",
    "kind": "ranking",
    "title": "Rank the answers, most helpful first",
    "target": "responses",
}
RESPONSES = ["Water boils at 50 °C.", "Water boils at 100 °C at sea level.", "It depends."]
CORRECT_ORDER = [1, 2, 0]


def _training_test(db: Session, requester: User) -> models.AssessmentTest:
    organization_id = requester.memberships[0].organization_id
    test = service.create_test(
        db,
        requester,
        organization_id,
        title="Ranking practice",
        kind=models.TestKind.SKILL,
        skill_key="grammar",
        mode=models.TestMode.TRAINING,
        pass_mark=50,
    )
    service.add_question(
        db,
        requester,
        test,
        data={"prompt": "At what temperature does water boil?", "responses": RESPONSES},
        control=RANKING,
        correct_answer=CORRECT_ORDER,
        explanation="Correct and specific first; wrong last.",
    )
    service.set_status(db, requester, test, models.TestStatus.PUBLISHED)
    db.commit()
    return test


def _stored_answers(db: Session) -> list[object]:
    fresh(db)
    return [a.answer for a in db.scalars(select(AttemptAnswer).order_by(AttemptAnswer.id))]


def test_a_ranking_question_is_answered_with_the_widget_and_shown_with_the_correct_order(
    db: Session, server: str, page: Page, requester: User
) -> None:
    test = _training_test(db, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    page.goto(f"{server}/tests/{test.id}")
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/q/1$"))

    widget = page.locator("#question-widget [data-control='order'][data-kind='ranking']")
    assert widget.is_visible()
    assert page.locator("#question-fallback").count() == 0  # the JSON box is for no-JS only

    # Nothing ranked yet: the browser says what the server would, and nothing is stored.
    page.get_by_role("button", name="Check answer").click()
    assert page.locator("#question-widget-error").inner_text() == "an answer is required"
    assert _stored_answers(db) == []

    # Keyboard only: the second response up to first place, then the third above the first.
    items = widget.locator(".lbc-rank-item")
    items.nth(0).focus()
    for key in ("ArrowDown", " ", "ArrowUp", " ", "ArrowDown", "ArrowDown", " ", "ArrowUp", " "):
        page.keyboard.press(key)
    assert [items.nth(i).get_attribute("data-response") for i in range(3)] == ["1", "2", "0"]
    shoot(page, "test-ranking-question")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("[aria-labelledby=feedback-title]")
    assert _stored_answers(db) == [CORRECT_ORDER]

    # Training feedback: the taker's order, read-only, and the correct order in a second widget.
    feedback = page.locator("[aria-labelledby=feedback-title]")
    assert "Correct" in feedback.inner_text()
    correct = page.locator("#question-correct [data-kind='ranking']")
    assert correct.is_visible()
    shown = correct.locator(".lbc-rank-item")
    assert [shown.nth(i).get_attribute("data-response") for i in range(3)] == ["1", "2", "0"]
    assert correct.locator("li[draggable='true']").count() == 0  # read-only
    assert page.locator("#question-widget li[draggable='true']").count() == 0
    assert not page.locator("#question-correct-text").is_visible()
    shoot(page, "test-ranking-feedback")
    console.expected_only()


def test_a_wrong_order_is_scored_and_the_correct_one_shown(
    db: Session, server: str, page: Page, requester: User
) -> None:
    test = _training_test(db, requester)
    (amara,) = contributors(db, 1)
    log_in(page, server, amara)
    page.goto(f"{server}/tests/{test.id}")
    page.get_by_role("button", name="Start the test").click()
    page.wait_for_url(re.compile(r"/attempts/\d+/q/1$"))
    page.get_by_role("button", name="Keep this order").click()
    page.get_by_role("button", name="Check answer").click()
    page.wait_for_selector("[aria-labelledby=feedback-title]")
    assert _stored_answers(db) == [[0, 1, 2]]
    assert "Score" in page.locator("#feedback-title").inner_text()
    shown = page.locator("#question-correct .lbc-rank-item")
    assert [shown.nth(i).get_attribute("data-response") for i in range(3)] == ["1", "2", "0"]
