"""The boxes widget in a real browser (issue 22): boxes drawn, moved, resized, relabelled and
deleted on a real image with the mouse, the keyboard and a finger, at any zoom; undo and redo;
a model's boxes to correct; the server's words in the browser; a reload; read-only. The stored
responses are checked in the database. Screenshots go to test-artifacts/labeling/."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.demo.images import DemoImage, demo_images
from labelpool.projects.models import Project
from labelpool.work.draft_models import AssignmentDraft
from tests.work.helpers import contributors
from tests.work.labeling.browser import (
    PHONE,
    Console,
    fresh,
    log_in,
    make_project,
    open_work,
    responses,
    server_problem,
    shoot,
    store_media,
    wait_for_responses,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

STAGE = "[data-control='objects'] .lbs-view"
TIMES = "\u00d7"  # the multiplication sign of "120 x 80"
Box = dict[str, Any]


def boxes_project(
    db: Session,
    settings: Settings,
    requester: User,
    n: int = 2,
    *,
    predictions: list[dict[str, Any] | None] | None = None,
    **control: Any,
) -> tuple[Project, list[DemoImage]]:
    """An image-bounding-boxes project over `n` real demo images (320 by 240); `control` changes
    the boxes control's config (min_boxes, required, ...)."""
    images = demo_images(n, seed=3)
    items = [{"image": store_media(db, settings, requester, i.filename, i.data)} for i in images]
    project = make_project(db, requester, "image-bounding-boxes", items, predictions=predictions)
    if control:
        schema = dict(project.label_schema)
        schema["controls"] = [{**c, **control} for c in schema["controls"]]
        project.label_schema = schema
        db.commit()
    return project, images


def start(page: Page, server: str, user: User, project: Project) -> None:
    log_in(page, server, user)
    open_work(page, server, project)
    page.wait_for_selector(f"{STAGE}[data-ready]")


def screen(page: Page, x: float, y: float, where: str = STAGE) -> tuple[float, float]:
    """The screen point of image pixel (x, y) at the stage's current zoom and pan."""
    point = page.evaluate(
        """([where, x, y]) => {
          const svg = document.querySelector(where + ' .lbs-svg');
          const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
          return [p.x, p.y];
        }""",
        [where, x, y],
    )
    return point[0], point[1]


def image_point(page: Page, sx: float, sy: float) -> tuple[float, float]:
    point = page.evaluate(
        """([x, y]) => {
          const svg = document.querySelector("[data-control='objects'] .lbs-svg");
          const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM().inverse());
          return [p.x, p.y];
        }""",
        [sx, sy],
    )
    return point[0], point[1]


def drag(page: Page, a: tuple[float, float], b: tuple[float, float], *, where: str = STAGE) -> None:
    """Press at image point a, move to image point b, release (the mouse). The stage is
    scrolled to the middle of the window first: clear of the sticky submit bar."""
    page.evaluate("w => document.querySelector(w).scrollIntoView({block: 'center'})", where)
    page.mouse.move(*screen(page, *a, where))
    page.mouse.down()
    page.mouse.move(*screen(page, *b, where), steps=8)
    page.mouse.up()


def shown(page: Page, where: str = "[data-control='objects']") -> list[Box]:
    """The boxes on the stage, in answer order, read from the SVG (drawn in image pixels)."""
    found: list[Box] = page.evaluate(
        """where => [...document.querySelectorAll(where + ' .lbb:not(.is-draft)')]
          .sort((a, b) => a.dataset.index - b.dataset.index)
          .map(g => {
            const r = g.querySelector('.lbb-rect');
            const n = k => Number(r.getAttribute(k));
            return {x: n('x'), y: n('y'), w: n('width'), h: n('height'), label: g.dataset.label};
          })""",
        where,
    )
    return found


def near(box: Box, x: float, y: float, w: float, h: float, label: str, tol: float = 1) -> bool:
    return box["label"] == label and all(
        abs(box[k] - v) <= tol for k, v in zip("xywh", (x, y, w, h), strict=True)
    )


def selected(page: Page) -> int | None:
    index = page.evaluate(
        "() => document.querySelector(\"[data-control='objects'] .lbb.is-selected\")"
        "?.dataset.index ?? null"
    )
    return None if index is None else int(index)


def said(page: Page) -> str:
    return page.locator("[data-control='objects'] .lbs [aria-live='polite']").inner_text()


def zoom(page: Page) -> str:
    return page.locator("[data-control='objects'] .lbs-zoom").inner_text()


# --- the mouse ------------------------------------------------------------------------------------


def test_draw_move_resize_relabel_and_delete_with_the_mouse(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    # The widget shows the image itself, at its natural size in image pixels.
    assert page.locator("#lb-item").is_hidden()
    natural = page.evaluate("() => document.querySelector('.lbs-img').naturalWidth")
    assert natural == 320
    assert page.locator("[data-control='objects'] .lbs-count").inner_text() == "No boxes yet"

    page.locator(".lbs-chip", has_text="Car").click()
    assert page.locator(".lbs-chip[data-label='car']").get_attribute("aria-pressed") == "true"
    drag(page, (40, 50), (140, 120))
    [car] = shown(page)
    assert near(car, 40, 50, 100, 70, "car"), car
    assert said(page).startswith("Box 1 (Car) added")
    assert selected(page) == 0

    drag(page, (200, 30), (201.5, 31))  # a tiny slip of the hand is not a box
    assert len(shown(page)) == 1
    assert selected(page) is None  # ... it is a click on the image: deselected
    page.mouse.move(*screen(page, 200, 30))
    page.mouse.down()
    page.mouse.move(*screen(page, 260, 90), steps=4)
    assert page.locator(".lbb.is-draft").count() == 1
    page.keyboard.press("Escape")  # Esc drops the box being drawn
    page.mouse.up()
    assert page.locator(".lbb.is-draft").count() == 0 and len(shown(page)) == 1

    drag(page, (90, 85), (120, 105))  # drag the box: it moves
    [car] = shown(page)
    assert near(car, 70, 70, 100, 70, "car"), car
    assert selected(page) == 0
    handle = page.locator("[data-handle='se']").bounding_box()
    assert handle is not None
    page.mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
    page.mouse.down()
    page.mouse.move(*screen(page, 190, 150), steps=6)
    page.mouse.up()
    [car] = shown(page)
    assert near(car, 70, 70, 120, 80, "car"), car
    drag(page, (300, 230), (340, 255))  # dragged past the image's edge: clamped to it
    assert near(shown(page)[1], 300, 230, 20, 10, "car"), shown(page)

    page.keyboard.press("Delete")  # the new box is selected: gone
    page.locator("[data-control='objects'] .lbs-row").first.click()  # the list selects
    page.keyboard.press("5")  # a number relabels the selected box (and picks the label)
    assert shown(page)[0]["label"] == "bus"
    assert page.locator(".lbs-chip[data-label='bus']").get_attribute("aria-pressed") == "true"

    # Shift+drag draws inside another box (a person in front of the bus); a chip relabels it.
    page.keyboard.down("Shift")
    drag(page, (80, 80), (110, 140))
    page.keyboard.up("Shift")
    assert near(shown(page)[1], 80, 80, 30, 60, "bus"), shown(page)
    page.locator(".lbs-chip", has_text="Person").click()
    assert [b["label"] for b in shown(page)] == ["bus", "person"]

    drag(page, (200, 20), (260, 60))
    assert len(shown(page)) == 3
    rows = page.locator("[data-control='objects'] .lbs-row")
    assert rows.nth(2).locator(".lbs-pick").inner_text().split() == [
        "3",
        "Person",
        "60",
        TIMES,
        "40",
    ]
    rows.nth(2).get_by_role("button", name="Delete box 3 (Person)").click()
    assert said(page) == "Box 3 (Person) deleted."
    assert page.locator("[data-control='objects'] .lbs-count").inner_text() == "2 boxes"
    shoot(page, "boxes")

    final = shown(page)
    page.click("#lb-submit")
    [stored] = wait_for_responses(db, project, 1)
    assert stored.answers == {"objects": final}
    assert all(isinstance(b[k], int) for b in final for k in "xywh")  # whole pixels
    console.expected_only()


# --- the keyboard only ---------------------------------------------------------------------------


def test_the_keyboard_only(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    assert page.evaluate("() => document.activeElement.classList.contains('lbs-view')")
    key = page.keyboard.press

    key("3")  # Car
    key("n")  # a box in the middle of the view, a quarter of its height
    assert shown(page) == [{"x": 130, "y": 90, "w": 60, "h": 60, "label": "car"}]
    key("ArrowRight")
    key("Shift+ArrowDown")
    key("Control+ArrowRight")
    key("Control+Shift+ArrowUp")
    assert shown(page) == [{"x": 131, "y": 100, "w": 61, "h": 50, "label": "car"}]
    assert said(page) == f"Box 1: 61 {TIMES} 50 at 131, 100."

    key("n")
    key("1")  # the new box is selected: now a person
    assert shown(page)[1] == {"x": 130, "y": 90, "w": 60, "h": 60, "label": "person"}
    key("[")
    assert selected(page) == 0
    key("]")
    assert selected(page) == 1
    key("Escape")
    assert selected(page) is None
    key("Delete")  # nothing selected: nothing deleted
    assert len(shown(page)) == 2
    key("]")
    key("Backspace")
    assert [b["label"] for b in shown(page)] == ["person"]

    # Zoom and pan: + zooms, the arrows pan when nothing is selected, 0 fits.
    assert zoom(page) == "250%"
    key("+")
    assert zoom(page) == "313%"
    box = page.evaluate("() => document.querySelector('.lbs-svg').getAttribute('viewBox')")
    key("ArrowRight")
    after = page.evaluate("() => document.querySelector('.lbs-svg').getAttribute('viewBox')")
    assert float(after.split()[0]) > float(box.split()[0])
    key("0")
    assert zoom(page) == "250%"

    # Undo brings the deleted car back, redo deletes it again; Ctrl+Y redoes too.
    key("Control+z")
    assert [b["label"] for b in shown(page)] == ["car", "person"]
    key("Control+Shift+z")
    assert [b["label"] for b in shown(page)] == ["person"]
    key("Control+z")
    key("Control+y")
    assert [b["label"] for b in shown(page)] == ["person"]

    key("?")
    listed = page.locator("#lb-help").inner_text()
    for words in ("add a box in the middle of the view", "resize the selected box", "Ctrl+Z"):
        assert words in listed
    key("Escape")
    key("Control+Enter")
    [stored] = wait_for_responses(db, project, 1)
    assert stored.answers == {"objects": [{"x": 130, "y": 90, "w": 60, "h": 60, "label": "person"}]}
    console.expected_only()


# --- undo and redo --------------------------------------------------------------------------------


def test_undo_and_redo_every_kind_of_change(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    states = [shown(page)]
    drag(page, (20, 20), (80, 60))  # draw
    states.append(shown(page))
    drag(page, (50, 40), (70, 50))  # move
    states.append(shown(page))
    drag(page, (100, 80), (130, 90))  # draw a second: moves do not join draws
    states.append(shown(page))
    page.locator("[data-control='objects'] .lbs-row").first.click()
    handle = page.locator("[data-handle='e']").bounding_box()
    assert handle is not None
    page.mouse.move(handle["x"] + 4, handle["y"] + 4)
    page.mouse.down()
    page.mouse.move(handle["x"] + 60, handle["y"] + 4, steps=5)  # resize
    page.mouse.up()
    states.append(shown(page))
    page.keyboard.press("2")  # relabel
    states.append(shown(page))
    page.keyboard.press("Delete")  # delete
    states.append(shown(page))
    assert [len(s) for s in states] == [0, 1, 1, 2, 2, 2, 1]
    assert len({repr(s) for s in states}) == len(states)  # every step changed something

    undo = page.get_by_role("button", name="Undo (Ctrl+Z)")
    redo = page.get_by_role("button", name="Redo (Ctrl+Shift+Z)")
    assert redo.is_disabled()
    for state in reversed(states[:-1]):
        page.keyboard.press("Control+z")
        assert shown(page) == state
    assert undo.is_disabled()
    for state in states[1:]:
        redo.click()  # the buttons do the same
        assert shown(page) == state
    assert redo.is_disabled()
    # A run of arrow presses on one box is one step to undo.
    page.locator("[data-control='objects'] .lbs-row").first.click()
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Control+z")
    assert shown(page) == states[-1]
    console.expected_only()


# --- zoom and pan ---------------------------------------------------------------------------------


def test_zoom_and_pan_keep_drawing_exact(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    page.evaluate(
        "() => document.addEventListener('pointermove',"
        " e => (window.lastPointer = [e.clientX, e.clientY]), true)"
    )
    # The wheel zooms around the pointer: the pixel under it stays under it.
    page.mouse.move(*screen(page, 100, 80))
    for _ in range(4):
        page.mouse.wheel(0, -240)
    assert int(zoom(page).rstrip("%")) > 600
    pointer = page.evaluate("() => window.lastPointer")
    x, y = image_point(page, *pointer)
    assert abs(x - 100) < 0.05 and abs(y - 80) < 0.05
    view = page.locator(STAGE).bounding_box()
    assert view is not None

    # Drawn while zoomed in, the box is in image pixels, to the pixel.
    drag(page, (90, 70), (110, 95))
    [box] = shown(page)
    assert box == {"x": 90, "y": 70, "w": 20, "h": 25, "label": "person"}
    handle = page.locator("[data-handle='nw']").bounding_box()
    assert handle is not None and 8 <= handle["width"] <= 11  # handles keep their screen size

    # Space+drag pans (and draws nothing); so does the middle button.
    before = image_point(page, view["x"] + 10, view["y"] + 10)
    page.keyboard.down("Space")
    page.mouse.move(view["x"] + 300, view["y"] + 200)
    page.mouse.down()
    page.mouse.move(view["x"] + 200, view["y"] + 150, steps=5)
    page.mouse.up()
    page.keyboard.up("Space")
    panned = image_point(page, view["x"] + 10, view["y"] + 10)
    assert panned[0] > before[0] and panned[1] > before[1]
    page.mouse.move(view["x"] + 300, view["y"] + 200)
    page.mouse.down(button="middle")
    page.mouse.move(view["x"] + 350, view["y"] + 200, steps=5)
    page.mouse.up(button="middle")
    assert image_point(page, view["x"] + 10, view["y"] + 10)[0] < panned[0]
    assert len(shown(page)) == 1

    # Moving and resizing at this zoom stay exact; 0 fits the image again.
    drag(page, (100, 80), (103, 82))
    assert shown(page)[0] == {"x": 93, "y": 72, "w": 20, "h": 25, "label": "person"}
    page.keyboard.press("0")
    assert zoom(page) == "250%"
    page.keyboard.press("-")  # never smaller than the fit
    assert zoom(page) == "250%"
    page.keyboard.press("Control+Enter")
    [stored] = wait_for_responses(db, project, 1)
    assert stored.answers == {"objects": [{"x": 93, "y": 72, "w": 20, "h": 25, "label": "person"}]}
    console.expected_only()


# --- a model's boxes ------------------------------------------------------------------------------


def test_a_pre_annotation_appears_as_boxes_to_correct(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    images = demo_images(2, seed=3)
    model = [b for b in images[0].boxes if b["label"] in ("car", "person")]
    assert len(model) == 2
    project, _ = boxes_project(db, settings, requester, predictions=[{"objects": model}, None])
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    assert "pre-annotation" in page.locator("#lb-status").inner_text()
    assert shown(page) == model
    car = model[0]
    drag(page, (car["x"] + 10, car["y"] + 10), (car["x"] + 5, car["y"] + 13))  # move it
    page.locator("[data-control='objects'] .lbs-row").nth(1).click()
    page.keyboard.press("Delete")
    shoot(page, "boxes-prediction")
    page.keyboard.press("Control+Enter")
    [stored] = wait_for_responses(db, project, 1)
    assert stored.answers == {"objects": [{**car, "x": car["x"] - 5, "y": car["y"] + 3}]}
    console.expected_only()


# --- the server's words ---------------------------------------------------------------------------


def test_the_browser_says_what_the_server_says(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester, 3, required=True, min_boxes=2, max_boxes=3)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    config = project.label_schema["controls"][0]
    ok = {"x": 1, "y": 2, "w": 3, "h": 4, "label": "car"}
    answers: list[Any] = [
        "boxes",
        {},
        [],
        [ok],
        [ok, ok, ok, ok],
        [ok, None],
        [ok, [1, 2]],
        [ok, {"x": 1, "y": 2}],
        [ok, {**ok, "score": 0.9, "id": 3}],
        [ok, {**ok, "x": "10"}],
        [ok, {**ok, "w": True}],
        [ok, {**ok, "h": None}],
        [ok, {**ok, "x": -1}],
        [ok, {**ok, "h": 0}],
        [ok, {**ok, "label": "dog"}],
        [ok, {**ok, "label": 3}],
        [ok, ok],
    ]
    browser_says = page.evaluate(
        """async ([config, answers]) => {
          const boxes = await import('/static/js/controls/boxes.js');
          const { problemOf } = await import('/static/js/controls/common.js');
          const optional = { ...config, required: false, min_boxes: 0 };
          const says = (c, a) => problemOf(boxes.check, c, a);
          return answers.flatMap(a => [says(config, a), says(optional, a)]);
        }""",
        [config, answers],
    )
    optional = {**config, "required": False, "min_boxes": 0}
    server_says = [server_problem("boxes", c, a) for a in answers for c in (config, optional)]
    assert browser_says == server_says
    assert server_says[-2:] == [None, None]
    assert "box 2: 'dog' is not one of the labels" in str(server_says)

    # In the page: the count says the limits; one box is too few, in the server's words.
    count = page.locator("[data-control='objects'] .lbs-count")
    assert count.inner_text() == "No boxes yet · at least 2, at most 3"
    page.keyboard.press("Control+Enter")
    error = page.locator("[data-control='objects'] .lbc-error")
    assert error.inner_text() == "an answer is required"
    page.keyboard.press("n")
    page.keyboard.press("Control+Enter")
    one = shown(page)
    assert (
        error.inner_text()
        == server_problem("boxes", config, one)
        == "draw at least 2 boxes (1 drawn)"
    )
    assert "is-bad" in (count.get_attribute("class") or "")
    assert responses(db, project) == []
    for _ in range(4):
        page.keyboard.press("n")  # the fourth is refused: at most 3
    assert len(shown(page)) == 3
    assert said(page) == "At most 3 boxes: delete one to add another."
    assert error.is_hidden()  # a change clears the message
    page.keyboard.press("Control+Enter")
    [stored] = wait_for_responses(db, project, 1)
    assert len(stored.answers["objects"]) == 3
    console.expected_only()


# --- a reload -------------------------------------------------------------------------------------


def test_a_reload_keeps_the_boxes(
    browser: Browser, db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    page.keyboard.press("4")
    drag(page, (30, 150), (130, 210))
    page.keyboard.press("n")
    drawn = shown(page)
    assert [b["label"] for b in drawn] == ["motorcycle", "motorcycle"]
    assignment_id = int(
        page.evaluate(
            "() => Object.keys(localStorage).find(k => k.startsWith('labelpool:assignment:'))"
        ).rsplit(":", 1)[1]
    )
    deadline = time.monotonic() + 10
    draft = None
    while time.monotonic() < deadline:
        fresh(db)
        draft = db.get(AssignmentDraft, assignment_id)
        if draft is not None and len(draft.answers.get("objects", [])) == 2:
            break
        time.sleep(0.2)
    assert draft is not None and draft.answers == {"objects": drawn}
    page.reload()
    page.wait_for_selector(f"{STAGE}[data-ready]")
    assert shown(page) == drawn
    page.keyboard.press("Control+z")  # a restored draft starts a new history
    assert shown(page) == drawn

    other = browser.new_context(viewport=PHONE)  # another device: the server's draft
    phone = other.new_page()
    start(phone, server, amara, project)
    assert shown(phone) == drawn
    other.close()
    console.expected_only()


# --- read-only ------------------------------------------------------------------------------------


def test_read_only_shows_the_boxes_and_changes_nothing(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    answer = [
        {"x": 20, "y": 30, "w": 100, "h": 60, "label": "car"},
        {"x": 200, "y": 100, "w": 40, "h": 80, "label": "person"},
    ]
    page.evaluate(
        """async ([config, answer]) => {
          const boxes = await import('/static/js/controls/boxes.js');
          const root = document.createElement('fieldset');
          root.className = 'lbc lbc-boxes';
          root.dataset.control = 'review';
          root.dataset.kind = 'boxes';
          document.querySelector('.lb-work').prepend(root);
          window.changes = 0;
          const media = { image: document.querySelector('.lbs-img').src };
          window.review = boxes.mount(root, config, {
            value: answer, readOnly: true, data: {}, media, onChange: () => (window.changes += 1),
          });
        }""",
        [project.label_schema["controls"][0], answer],
    )
    where = "[data-control='review']"
    page.wait_for_selector(f"{where} .lbs-view[data-ready]")
    assert shown(page, where) == answer
    review = page.locator(where)
    assert review.locator(".lbs-chip:not([disabled])").count() == 0
    assert review.locator(".lbs-del").count() == 0
    assert review.get_by_role("button", name="Undo (Ctrl+Z)").count() == 0

    view = f"{where} .lbs-view"
    drag(page, (150, 20), (190, 60), where=view)  # no box drawn
    drag(page, (60, 50), (90, 90), where=view)  # no box moved
    review.locator(".lbs-row").nth(1).click()  # selecting shows which one, no handles
    assert review.locator(".lbb.is-selected").get_attribute("data-index") == "1"
    assert review.locator(".lbb-handle").count() == 0
    handled = page.evaluate(
        """() => ['Delete', 'n', '1', 'ArrowRight', 'z'].map(key =>
          window.review.handleKey(new KeyboardEvent('keydown', {
            key, ctrlKey: key === 'z', bubbles: true })))"""
    )
    assert handled == [False, False, False, False, False]
    # Zoom and pan stay allowed.
    zoomed = page.evaluate(
        """() => [window.review.handleKey(new KeyboardEvent('keydown', {key: '+'})),
          document.querySelector("[data-control='review'] .lbs-zoom").textContent]"""
    )
    assert zoomed[0] is True and zoomed[1] != "250%"
    assert page.evaluate("() => [window.changes, window.review.getValue()]") == [0, answer]
    assert shown(page, where) == answer
    console.expected_only()


# --- a phone --------------------------------------------------------------------------------------


def touch(cdp: Any, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send(
        "Input.dispatchTouchEvent",
        {
            "type": kind,
            "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)],
        },
    )


def test_a_phone_draws_with_a_finger_and_pinches_to_zoom(
    browser: Browser, db: Session, settings: Settings, server: str, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    phone = context.new_page()
    console = Console(phone)
    start(phone, server, amara, project)
    overflow = phone.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    view = phone.locator(STAGE).bounding_box()
    assert view is not None and view["width"] <= 390 and view["height"] > 200
    phone.locator(STAGE).scroll_into_view_if_needed()
    cdp = context.new_cdp_session(phone)

    # One finger draws a box.
    a, b = screen(phone, 60, 60), screen(phone, 160, 140)
    touch(cdp, "touchStart", [a])
    for i in range(1, 9):
        touch(cdp, "touchMove", [(a[0] + (b[0] - a[0]) * i / 8, a[1] + (b[1] - a[1]) * i / 8)])
    touch(cdp, "touchEnd", [])
    [box] = shown(phone)
    assert near(box, 60, 60, 100, 80, "person", tol=1.5), box

    # Two fingers pinch: zoom, and no box drawn.
    before = int(zoom(phone).rstrip("%"))
    c = screen(phone, 250, 120)
    touch(cdp, "touchStart", [(c[0] - 20, c[1])])
    touch(cdp, "touchStart", [(c[0] - 20, c[1]), (c[0] + 20, c[1])])
    for i in range(1, 6):
        touch(cdp, "touchMove", [(c[0] - 20 - 12 * i, c[1]), (c[0] + 20 + 12 * i, c[1])])
    touch(cdp, "touchEnd", [])
    assert int(zoom(phone).rstrip("%")) > before * 2
    assert len(shown(phone)) == 1
    shoot(phone, "boxes")
    phone.locator("#lb-submit").tap()
    [stored] = wait_for_responses(db, project, 1)
    assert stored.answers == {"objects": [box]}
    context.close()
    console.expected_only()


# --- the stage's other kinds: polygons and keypoints ---------------------------------------------
# Through the page first (a project whose control is of that kind), then mounted by hand into the
# labeling page (the image and a session are there), their keys given to the widget as the page
# would, for the finer points.


@pytest.mark.parametrize("kind", ["polygons", "keypoints"])
def test_a_project_of_polygons_or_keypoints_is_labelled_on_the_page(
    db: Session, settings: Settings, server: str, page: Page, requester: User, kind: str
) -> None:
    project, _ = boxes_project(db, settings, requester, 1, kind=kind)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    assert page.locator(f"[data-control='objects'][data-kind='{kind}']").is_visible()
    points = [(40, 40), (140, 40), (140, 120)]
    for x, y in points:
        click(page, STAGE, x, y)
    if kind == "polygons":
        click(page, STAGE, 40.5, 40.5)  # the first vertex closes the outline
        expected: list[Any] = [{"points": [list(p) for p in points], "label": "person"}]
    else:
        expected = [{"x": x, "y": y, "label": "person"} for x, y in points]
    page.keyboard.press("Control+Enter")
    stored = wait_for_responses(db, project, 1)
    assert [r.answers for r in stored] == [{"objects": expected}]
    console.expected_only("status of 409 (Conflict)")  # one item: then no work


LABELS = [
    {"value": "person", "label": "Person", "color": "#e6194b"},
    {"value": "car", "label": "Car", "color": "#4363d8"},
    {"value": "bus", "label": "Bus", "color": "#911eb4"},
]


def mount_kind(page: Page, kind: str, **config: Any) -> str:
    """Mount the `kind` widget (name 'shapes') above the task; returns its root's selector."""
    full = {"name": "shapes", "kind": kind, "title": f"Mark the {kind}", "target": "image"}
    page.evaluate(
        """async ([kind, config]) => {
          const module = await import(`/static/js/controls/${kind}.js`);
          const root = document.createElement('fieldset');
          root.className = `lbc lbc-${kind}`;
          root.dataset.control = 'shapes';
          document.querySelector('.lb-work').prepend(root);
          const media = { image: document.querySelector('.lbs-img').src };
          window.shapes = module.mount(root, config, { value: null, data: {}, media });
          window.shapesModule = module;
          root.addEventListener('keydown', event => {
            if (window.shapes.handleKey(event)) event.preventDefault();
            event.stopPropagation();  // the page's own widget stays out of it
          });
          root.querySelector('.lbs-view').focus();
        }""",
        [kind, {**full, "labels": LABELS, "required": False, **config}],
    )
    page.wait_for_selector("[data-control='shapes'] .lbs-view[data-ready]")
    return "[data-control='shapes'] .lbs-view"


def value(page: Page) -> Any:
    return page.evaluate("() => window.shapes.getValue()")


def click(page: Page, where: str, x: float, y: float) -> None:
    page.evaluate("w => document.querySelector(w).scrollIntoView({block: 'center'})", where)
    page.mouse.click(*screen(page, x, y, where))


def same_words(page: Page, kind: str, config: dict[str, Any], answers: list[Any]) -> None:
    """The widget's check says what the server's says, for every answer, word for word."""
    full = {"name": "shapes", "kind": kind, "title": "t", "target": "image", "labels": LABELS}
    says = page.evaluate(
        """async ([config, answers]) => {
          const { problemOf } = await import('/static/js/controls/common.js');
          return answers.map(a => problemOf(window.shapesModule.check, config, a));
        }""",
        [{**full, "required": True, **config}, answers],
    )
    assert says == [server_problem(kind, {**full, **config}, a) for a in answers]


def test_polygons_on_the_stage(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    where = mount_kind(page, "polygons", max_polygons=5)
    for x, y in [(40, 40), (140, 40), (140, 120)]:
        click(page, where, x, y)
    click(page, where, 40.5, 40.5)  # the first vertex closes the outline
    assert value(page) == [{"points": [[40, 40], [140, 40], [140, 120]], "label": "person"}]

    page.keyboard.press("Escape")  # the new polygon is selected: a number would relabel it
    page.keyboard.press("2")  # Car for the next one, closed with Enter
    for x, y in [(200, 50), (260, 60), (230, 130)]:
        click(page, where, x, y)
    page.keyboard.press("Enter")
    for x, y in [(10, 150), (60, 150)]:
        click(page, where, x, y)
    page.keyboard.press("Backspace")  # takes the last vertex back ...
    page.keyboard.press("Escape")  # ... and Esc drops the outline
    assert [p["label"] for p in value(page)] == ["person", "car"]

    click(page, where, 120, 60)  # selects the triangle: its vertices and midpoints are handles
    drag(page, (140, 120), (150, 130), where=where)  # a vertex
    drag(page, (90, 40), (90, 20), where=where)  # an edge's midpoint: a new vertex
    drag(page, (120, 50), (130, 55), where=where)  # the polygon
    assert value(page)[0] == {
        "points": [[50, 45], [100, 25], [150, 45], [160, 135]],
        "label": "person",
    }
    page.keyboard.press("3")
    page.keyboard.press("Control+ArrowRight")  # stretched 1 px wider
    assert value(page)[0] == {
        "points": [[50, 45], [100, 25], [151, 45], [161, 135]],
        "label": "bus",
    }
    page.keyboard.press("Delete")
    assert len(value(page)) == 1
    for _ in range(3):  # the delete, the stretch, the relabel
        page.keyboard.press("Control+z")
    assert value(page)[0] == {
        "points": [[50, 45], [100, 25], [150, 45], [160, 135]],
        "label": "person",
    }
    page.keyboard.press("n")  # a square in the middle of the view
    assert value(page)[2] == {
        "points": [[130, 90], [190, 90], [190, 150], [130, 150]],
        "label": "bus",
    }
    shoot(page, "polygons")

    ok = {"points": [[0, 0], [10, 0], [0, 10]], "label": "car"}
    same_words(
        page,
        "polygons",
        {"min_polygons": 2, "max_polygons": 2},
        [
            [],
            [ok],
            [ok, ok, ok],
            "shapes",
            [ok, None],
            [ok, {"points": [[0, 0], [1, 0]], "label": "car"}],
            [ok, {"points": "0 0", "label": "car"}],
            [ok, {"points": [[0, 0], [1, 0], [2]], "label": "car"}],
            [ok, {"points": [[0, 0], [1, 0], [2, "2"]], "label": "car"}],
            [ok, {"points": [[0, 0], [1, 0], [2, -2]], "label": "car"}],
            [ok, {"points": [[0, 0], [1, 1], [2, 2], [0.5, 0.5]], "label": "car"}],
            [ok, {"points": [[0, 0], [0, 0], [0, 0]], "label": "car"}],
            [ok, {**ok, "label": "dog"}],
            [ok, {**ok, "score": 1}],
            [ok, {"label": "car"}],
            [ok, ok],
        ],
    )
    console.expected_only()


def test_keypoints_on_the_stage(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project, _ = boxes_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    start(page, server, amara, project)
    where = mount_kind(page, "keypoints", tolerance=6)
    click(page, where, 50, 60)
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    click(page, where, 100, 100)
    assert value(page) == [
        {"x": 50, "y": 60, "label": "person"},
        {"x": 100, "y": 100, "label": "car"},
    ]
    drag(page, (50, 60), (55, 70), where=where)  # a point moves
    page.keyboard.press("Shift+ArrowRight")
    assert value(page)[0] == {"x": 65, "y": 70, "label": "person"}
    page.keyboard.press("3")
    page.keyboard.press("]")
    page.keyboard.press("Delete")
    assert value(page) == [{"x": 65, "y": 70, "label": "bus"}]
    page.keyboard.press("Control+z")
    assert len(value(page)) == 2
    page.keyboard.press("n")
    assert value(page)[2] == {"x": 160, "y": 120, "label": "bus"}
    page.mouse.move(*screen(page, 200, 200, where))  # placing: the point follows until release
    page.mouse.down()
    page.mouse.move(*screen(page, 210, 190, where), steps=4)
    page.mouse.up()
    assert value(page)[3] == {"x": 210, "y": 190, "label": "bus"}
    shoot(page, "keypoints")

    ok = {"x": 1, "y": 2, "label": "car"}
    same_words(
        page,
        "keypoints",
        {"min_points": 2, "max_points": 2},
        [
            [],
            [ok],
            [ok, ok, ok],
            {"x": 1},
            [ok, []],
            [ok, {"x": 1, "label": "car"}],
            [ok, {**ok, "y": "2"}],
            [ok, {**ok, "x": False}],
            [ok, {**ok, "x": -0.5}],
            [ok, {**ok, "label": None}],
            [ok, {**ok, "visible": True, "z": 0}],
            [ok, ok],
        ],
    )
    console.expected_only()
