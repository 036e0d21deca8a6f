"""The spans widget in a real browser (issue 22): marking stretches of a text with the mouse, the
keyboard and touch on the labeling page, the answers stored checked in the database. Offsets are
the server's (code points, end exclusive) even with emoji before a span. Screenshots at desktop
and phone widths are saved under test-artifacts/labeling/ to be looked at."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from labelpool.accounts.models import User
from labelpool.controls.base import AnswerError
from labelpool.controls.spans import SpansConfig, SpansKind
from labelpool.projects.models import Project
from labelpool.work import drafts
from labelpool.work.models import Assignment
from tests.work.helpers import contributors
from tests.work.labeling.browser import (
    PHONE,
    Console,
    fresh,
    log_in,
    make_project,
    open_work,
    shoot,
    wait_for_responses,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.e2e

MERKEL = "Angela Merkel visited Renault in Paris."
EMOJI = "Fans 😀🇩🇪 cheered as Angela Merkel 👋 visited Paris."


def span(text: str, words: str, label: str, nth: int = 0) -> dict[str, Any]:
    """The server's span of `words` in `text`: code point offsets, end exclusive."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return {"start": start, "end": start + len(words), "label": label}


def widget(page: Page) -> Locator:
    return page.locator("[data-control][data-kind='spans']")


def word_box(page: Page, word: str, nth: int = 0) -> dict[str, float]:
    """Where a word of the text is on screen (each word is its own element)."""
    box = page.evaluate(
        """([word, nth]) => {
          const found = [...document.querySelectorAll('.lbc-sp-text .lbc-sp-seg')]
            .filter((s) => s.textContent === word);
          const r = found[nth].getBoundingClientRect();
          return {x: r.x, y: r.y, w: r.width, h: r.height};
        }""",
        [word, nth],
    )
    assert isinstance(box, dict)
    return box


def drag(page: Page, start: str, start_at: float, end: str, end_at: float) -> None:
    """Select from a fraction of one word's width to a fraction of another's with the mouse
    (whole pixels, as a mouse gives: Chromium may not extend a selection pressed at a fraction)."""
    a, b = word_box(page, start), word_box(page, end)
    page.mouse.move(round(a["x"] + a["w"] * start_at), round(a["y"] + a["h"] / 2))
    page.mouse.down()
    page.mouse.move(round(b["x"] + b["w"] * end_at), round(b["y"] + b["h"] / 2), steps=8)
    page.mouse.up()


def double_click(page: Page, word: str) -> None:
    box = word_box(page, word)
    page.mouse.dblclick(round(box["x"] + box["w"] / 2), round(box["y"] + box["h"] / 2))


def click_word(page: Page, word: str) -> None:
    box = word_box(page, word)
    page.mouse.click(round(box["x"] + box["w"] / 2), round(box["y"] + box["h"] / 2))


def draft(page: Page, name: str) -> Any:
    """The control's answer in the page's local draft (saved on every change)."""
    return page.evaluate(
        """(name) => {
          const key = Object.keys(localStorage).find((k) => k.startsWith('labelpool:assignment:'));
          return key ? (JSON.parse(localStorage.getItem(key)).answers[name] ?? null) : null;
        }""",
        name,
    )


def rows(page: Page) -> list[str]:
    """The span list under the text: 'Label snippet' per span."""
    texts = widget(page).locator(".lbc-sp-row").all_inner_texts()
    return [" ".join(t.split()) for t in texts]


def live(page: Page) -> str:
    return widget(page).locator("[aria-live]").inner_text()


# --- the mouse --------------------------------------------------------------------------------


def test_mark_with_the_mouse_then_relabel_and_delete(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "named-entities", items=[{"text": MERKEL}])
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    control = widget(page)
    assert control.locator(".lbc-sp-text").inner_text() == MERKEL
    assert page.locator("#lb-item [data-field='text']").count() == 0  # shown once, by the widget
    chips = control.locator(".lbc-sp-chip")
    assert chips.all_inner_texts() == [
        "Person\n1",
        "Organisation\n2",
        "Location\n3",
        "Miscellaneous\n4",
    ]
    assert chips.nth(0).get_attribute("aria-pressed") == "true"  # the first label is active

    # From the middle of "Angela" to the middle of "Merkel": snapped out to both whole words.
    drag(page, "Angela", 0.5, "Merkel", 0.4)
    assert draft(page, "entities") == [span(MERKEL, "Angela Merkel", "PER")]
    assert "Span 1 (Person) added: “Angela Merkel”" in live(page)
    # A chip sets the active label; a double-click marks one word.
    chips.nth(1).click()
    assert chips.nth(1).get_attribute("aria-pressed") == "true"
    double_click(page, "Renault")
    # A few letters of "Paris" (not the full stop): the whole word, still without the stop.
    page.keyboard.press("3")
    drag(page, "Paris", 0.3, "Paris", 0.6)
    expected = [
        span(MERKEL, "Angela Merkel", "PER"),
        span(MERKEL, "Renault", "ORG"),
        span(MERKEL, "Paris", "LOC"),
    ]
    assert draft(page, "entities") == expected
    assert rows(page) == ["Person Angela Merkel", "Organisation Renault", "Location Paris"]
    tags = control.locator(".lbc-sp-tag").all_inner_texts()
    assert tags == ["Person", "Organisation", "Location"]

    # A wrong one: "visited" as Location, then selected, relabelled and deleted.
    double_click(page, "visited")
    assert len(draft(page, "entities")) == 4
    click_word(page, "visited")
    tools = control.locator(".lbc-sp-tools")
    assert "visited" in tools.inner_text() and "Location" in tools.inner_text()
    shoot(page, "spans-selected")
    page.keyboard.press("4")
    assert span(MERKEL, "visited", "MISC") in draft(page, "entities")
    assert "relabelled Miscellaneous" in live(page)
    page.keyboard.press("Delete")
    assert draft(page, "entities") == expected
    assert "Span deleted: Miscellaneous “visited”" in live(page)
    # The list's delete button deletes too (and Ctrl+Z brings it back).
    control.locator(".lbc-sp-del").nth(1).click()
    assert draft(page, "entities") == [expected[0], expected[2]]
    page.keyboard.press("Control+z")
    assert draft(page, "entities") == expected
    shoot(page, "spans")
    page.click("#lb-submit")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {"entities": expected}
    console.expected_only()


# --- the keyboard only ------------------------------------------------------------------------


def test_keyboard_only_marks_steps_relabels_deletes_undoes(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "named-entities", items=[{"text": MERKEL}])
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    text = widget(page).locator(".lbc-sp-text")
    # The page focuses the first unanswered control: the text, its cursor on the first word.
    assert page.evaluate("() => document.activeElement.classList.contains('lbc-sp-text')")
    page.keyboard.press("ArrowRight")  # the cursor shows once keys are used
    assert text.locator(".is-cursor").inner_text() == "Merkel"
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Shift+ArrowRight")  # Angela Merkel selected
    assert " ".join(text.locator(".is-pending").all_inner_texts()).split() == ["Angela", "Merkel"]
    page.keyboard.press("Enter")  # the active label: Person
    assert draft(page, "entities") == [span(MERKEL, "Angela Merkel", "PER")]
    # The cursor is now on "visited"; one more word to "Renault", 2 marks it Organisation.
    page.keyboard.press("ArrowRight")
    assert text.locator(".is-cursor").inner_text() == "Renault"
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("Shift+ArrowLeft")  # back to the one word, still selected
    page.keyboard.press("2")
    # No selection: a number key makes its label the active one.
    page.keyboard.press("3")
    assert widget(page).locator(".lbc-sp-chip").nth(2).get_attribute("aria-pressed") == "true"
    page.keyboard.press("End")
    assert text.locator(".is-cursor").inner_text() == "."
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Enter")
    expected = [
        span(MERKEL, "Angela Merkel", "PER"),
        span(MERKEL, "Renault", "ORG"),
        span(MERKEL, "Paris", "LOC"),
    ]
    assert draft(page, "entities") == expected
    shoot(page, "spans-keyboard")

    # [ and ] step through the spans; a number relabels the selected one, Delete deletes it.
    page.keyboard.press("Home")
    page.keyboard.press("]")
    assert "Span 1 of 3: Person “Angela Merkel”" in live(page)
    page.keyboard.press("]")
    assert text.locator(".lbc-sp-seg.is-selected").inner_text() == "Renault"
    page.keyboard.press("]")
    page.keyboard.press("[")
    assert "Span 2 of 3: Organisation “Renault”" in live(page)
    page.keyboard.press("4")
    assert draft(page, "entities")[1] == span(MERKEL, "Renault", "MISC")
    page.keyboard.press("Backspace")
    assert draft(page, "entities") == [expected[0], expected[2]]
    # Undo twice (the delete, the relabel), redo once, Ctrl+Y once more: and back again.
    page.keyboard.press("Control+z")
    assert draft(page, "entities")[1]["label"] == "MISC"
    page.keyboard.press("Control+z")
    assert draft(page, "entities") == expected
    page.keyboard.press("Control+Shift+z")
    assert draft(page, "entities")[1]["label"] == "MISC"
    page.keyboard.press("Control+y")
    assert draft(page, "entities") == [expected[0], expected[2]]
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert draft(page, "entities") == expected
    # Escape deselects; the help overlay lists the widget's keys.
    page.keyboard.press("]")
    page.keyboard.press("Escape")
    assert text.locator(".lbc-sp-seg.is-selected").count() == 0
    page.keyboard.press("?")
    listed = page.locator("#lb-help").inner_text()
    for keys in ("Shift+← / →", "[ / ]", "1\u20134", "Delete / Backspace", "Ctrl+Shift+Z / Ctrl+Y"):
        assert keys in listed
    page.keyboard.press("Escape")
    text.focus()
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {"entities": expected}
    console.expected_only()


# --- overlap: refused, or drawn so both stay visible ------------------------------------------


def allow_overlap(db: Session, project: Project) -> None:
    schema = json.loads(json.dumps(project.label_schema))
    schema["controls"][0]["allow_overlap"] = True
    project.label_schema = schema
    flag_modified(project, "label_schema")
    db.commit()


def test_overlap_is_refused_or_drawn_stacked(
    db: Session, server: str, page: Page, requester: User
) -> None:
    strict = make_project(db, requester, "named-entities", items=[{"text": MERKEL}])
    nested_text = "The University of Paris is in Paris."
    nested = make_project(db, requester, "named-entities", items=[{"text": nested_text}])
    allow_overlap(db, nested)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)

    # allow_overlap false: a span into "Angela Merkel" is refused, said, and nothing changes.
    open_work(page, server, strict)
    control = widget(page)
    drag(page, "Angela", 0.1, "Merkel", 0.9)
    drag(page, "Merkel", 0.5, "visited", 0.5)
    words = "Not marked: “Merkel visited” overlaps Person “Angela Merkel”"
    assert words in control.locator(".lbc-sp-note").inner_text()
    assert words in live(page)
    assert draft(page, "entities") == [span(MERKEL, "Angela Merkel", "PER")]
    # The span in the way is selected: 2 relabels it at once.
    assert "Angela Merkel" in control.locator(".lbc-sp-tools .lbc-sp-quote").inner_text()
    shoot(page, "spans-refused")
    page.keyboard.press("2")
    assert draft(page, "entities") == [span(MERKEL, "Angela Merkel", "ORG")]
    # The very same words again with another active label: a relabel, not a second span.
    page.keyboard.press("Escape")
    page.keyboard.press("1")
    drag(page, "Angela", 0.2, "Merkel", 0.8)
    assert draft(page, "entities") == [span(MERKEL, "Angela Merkel", "PER")]
    page.keyboard.press("Control+Enter")
    wait_for_responses(db, strict, 1)

    # allow_overlap true: "Paris" inside "University of Paris", both drawn and both selectable.
    open_work(page, server, nested)
    control = widget(page)
    page.keyboard.press("2")
    drag(page, "University", 0.1, "Paris", 0.9)
    page.keyboard.press("3")
    double_click(page, "Paris")
    both = [span(nested_text, "University of Paris", "ORG"), span(nested_text, "Paris", "LOC")]
    assert draft(page, "entities") == both
    paris = control.locator(".lbc-sp-seg", has_text="Paris").first
    shadow = paris.evaluate("el => getComputedStyle(el).boxShadow")
    assert shadow.count("inset") == 2  # two underlines, one per span
    assert control.locator(".lbc-sp-tag").all_inner_texts() == ["Location", "Organisation"]
    quote = control.locator(".lbc-sp-tools .lbc-sp-quote")
    click_word(page, "Paris")  # the innermost first, a second click the next one
    assert quote.inner_text() == "Paris"
    click_word(page, "Paris")
    assert quote.inner_text() == "University of Paris"
    control.locator(".lbc-sp-row").nth(1).click()  # or pick it in the list
    assert quote.inner_text() == "Paris"
    shoot(page, "spans-overlap")
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, nested, 1)
    assert stored.answers == {"entities": both}
    console.expected_only("status of 409 (Conflict)")  # no more work in the first project


# --- offsets: code points, like Python ----------------------------------------------------------


def test_offsets_are_code_points_with_emoji_before_a_span(
    db: Session, server: str, page: Page, requester: User
) -> None:
    items = [{"text": EMOJI}, {"text": EMOJI + " Again."}]
    prediction = {"entities": [span(EMOJI + " Again.", "Paris", "LOC")]}
    project = make_project(
        db, requester, "named-entities", items=items, predictions=[None, prediction]
    )
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    text = widget(page).locator(".lbc-sp-text")
    first = text.inner_text()
    assert first.startswith(EMOJI)
    drag(page, "Angela", 0.3, "Merkel", 0.3)
    double_click(page, "Paris")
    # The keyboard reaches the emoji as one unit: End, back past "." "Paris" "visited".
    text.focus()
    page.keyboard.press("End")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    assert text.locator(".is-cursor").inner_text() == "👋"
    page.keyboard.press("4")  # no selection: the active label becomes MISC
    page.keyboard.press("Enter")
    answer = [
        span(first, "Angela Merkel", "PER"),
        span(first, "👋", "MISC"),
        span(first, "Paris", "PER"),
    ]
    # Code points, as Python counts: "Angela" starts at 20 (at 23 in JavaScript's UTF-16 units).
    assert EMOJI.index("Angela") == 20 and len(EMOJI[:20].encode("utf-16-le")) // 2 == 23
    assert draft(page, "entities") == answer
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {"entities": answer}

    # A pre-annotation in code points lands on exactly its words.
    page.wait_for_function(
        "() => document.querySelector('.lbc-sp-text').innerText.includes('Again')"
    )
    marked = widget(page).locator(".lbc-sp-seg.is-marked").all_inner_texts()
    assert marked == ["Paris"]
    console.expected_only()


# --- a model's pre-annotation, many spans, paragraphs -----------------------------------------

REPORT = (
    "Chelsea won 2-0 at Anfield on Sunday, said manager Mauricio Pochettino.\n\n"
    "Liverpool fans in London and Madrid watched as Mohamed Salah missed a penalty; "
    "UEFA and the Premier League said nothing.\n"
    "Next week Chelsea travel to Paris to play Paris Saint-Germain, then host Real Madrid "
    "at Stamford Bridge before the World Cup break in Qatar."
)
REPORT_SPANS = [
    ("Chelsea", "ORG", 0),
    ("Anfield", "LOC", 0),
    ("Mauricio Pochettino", "PER", 0),
    ("Liverpool", "ORG", 0),
    ("London", "LOC", 0),
    ("Madrid", "LOC", 0),
    ("Mohamed Salah", "PER", 0),
    ("UEFA", "ORG", 0),
    ("Premier League", "ORG", 0),
    ("Chelsea", "LOC", 1),  # wrong: the club
    ("Paris", "LOC", 0),
    ("Paris Saint-Germain", "ORG", 0),
    ("Real Madrid", "ORG", 0),
    ("Stamford Bridge", "LOC", 0),
    ("World Cup", "MISC", 0),
    ("Qatar", "LOC", 0),
]


def test_a_pre_annotation_appears_and_can_be_edited(
    db: Session, server: str, page: Page, requester: User
) -> None:
    predicted = [span(REPORT, words, label, nth) for words, label, nth in REPORT_SPANS]
    project = make_project(
        db,
        requester,
        "named-entities",
        items=[{"text": REPORT}],
        predictions=[{"entities": predicted}],
    )
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    assert "pre-annotation is filled in" in page.locator("#lb-status").inner_text()
    control = widget(page)
    text = control.locator(".lbc-sp-text")
    # Paragraphs and line breaks kept, as text (the label tags are apart, hidden from readers).
    shown = text.evaluate("el => [...el.querySelectorAll('.lbc-sp-seg')].map((s) => s.textContent)")
    assert "".join(shown) == REPORT
    assert text.evaluate("el => getComputedStyle(el).whiteSpace") == "pre-wrap"
    assert set(
        control.locator(".lbc-sp-tag").evaluate_all("els => els.map((e) => e.ariaHidden)")
    ) == {"true"}
    assert control.locator(".lbc-sp-row").count() == 16
    assert control.locator(".lbc-sp-count").inner_text().lower() == "16 spans"
    shoot(page, "spans-many")
    # The second "Chelsea" is the club: pick it in the list, make it Organisation.
    control.locator(".lbc-sp-row", has_text="Chelsea").nth(1).click()
    page.keyboard.press("2")
    # Add "Sunday"? Not a name. Delete "Qatar"'s span with its list button, then undo it.
    control.get_by_role("button", name="Delete span 16: Location “Qatar”").click()
    assert control.locator(".lbc-sp-row").count() == 15
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    fixed = [dict(s) for s in predicted]
    fixed[9]["label"] = "ORG"
    assert stored.answers == {"entities": sorted(fixed, key=lambda s: (s["start"], s["end"]))}
    console.expected_only()


# --- the browser says what the server says ------------------------------------------------------

CONFIG: dict[str, Any] = {
    "name": "entities",
    "kind": "spans",
    "title": "Entities",
    "target": "text",
    "labels": [{"value": "PER", "label": "Person"}, {"value": "ORG", "label": "Organisation"}],
}
BAD_ANSWERS: list[Any] = [
    "Angela",
    {"start": 0},
    [],
    [3],
    [None],
    [{"start": 0, "end": 6}],
    [{"start": 0, "end": 6, "label": "PER", "text": "Angela", "score": 0.9}],
    [{"start": "0", "end": 6, "label": "PER"}],
    [{"start": 0, "end": 6.5, "label": "PER"}],
    [{"start": True, "end": 6, "label": "PER"}],
    [{"start": -2, "end": 6, "label": "PER"}],
    [{"start": 6, "end": 6, "label": "PER"}],
    [{"start": 0, "end": 6, "label": "PER"}, {"start": 40, "end": 99, "label": "PER"}],
    [{"start": 0, "end": 6, "label": "LOC"}],
    [{"start": 0, "end": 6, "label": None}],
    [{"start": 7, "end": 13, "label": "PER"}, {"start": 7, "end": 13, "label": "PER"}],
    [{"start": 7, "end": 13, "label": "PER"}, {"start": 0, "end": 13, "label": "ORG"}],
    [{"start": 0, "end": 6, "label": "PER"}, {"start": 5, "end": 13, "label": "PER"}],
]
GOOD_ANSWERS: list[Any] = [
    [{"start": 7, "end": 13, "label": "PER"}, {"start": 0, "end": 6, "label": "PER"}],
    [{"start": 0, "end": 13, "label": "PER"}, {"start": 0, "end": 13, "label": "ORG"}],
    [{"start": 0, "end": len(EMOJI), "label": "ORG"}],
]


def server_check(config: dict[str, Any], answer: Any, text: str) -> dict[str, Any]:
    try:
        return {"ok": SpansKind().check(SpansConfig.model_validate(config), answer, {"text": text})}
    except AnswerError as error:
        return {"problem": error.problem}


def test_the_browser_check_says_what_the_server_says(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "named-entities", items=[{"text": MERKEL}])
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    cases = []
    for required in (False, True):
        for overlap in (False, True):
            config = {**CONFIG, "required": required, "allow_overlap": overlap}
            for answer in BAD_ANSWERS + GOOD_ANSWERS:
                text = EMOJI if answer in GOOD_ANSWERS[2:] else MERKEL
                cases.append({"config": config, "answer": answer, "text": text})
    said = page.evaluate(
        """async (cases) => {
          const { check } = await import('/static/js/controls/spans.js');
          return cases.map(({config, answer, text}) => {
            try { return {ok: check(config, answer, {text})}; }
            catch (error) { return {problem: error.problem}; }
          });
        }""",
        cases,
    )
    expected = [server_check(c["config"], c["answer"], c["text"]) for c in cases]
    assert said == expected
    assert sum("problem" in e for e in expected) >= 60  # the bad ones really are bad

    # On the page: a draft (saved elsewhere) with overlapping spans is shown, then refused on
    # submit in the server's words, next to the widget.
    fresh(db)
    assignment = db.scalars(select(Assignment).where(Assignment.user_id == amara.id)).one()
    bad = [span(MERKEL, "Angela Merkel", "PER"), span(MERKEL, "Merkel", "ORG")]
    drafts.save_draft(db, amara, assignment.id, {"entities": bad})
    db.commit()
    page.evaluate("() => localStorage.clear()")
    page.reload()
    page.wait_for_selector("#lb-task:not([hidden])")
    assert widget(page).locator(".lbc-sp-row").count() == 2
    page.keyboard.press("Control+Enter")
    error = widget(page).locator(".lbc-error")
    words = server_check({**CONFIG, "allow_overlap": False}, bad, MERKEL)["problem"]
    assert error.inner_text() == words == "spans must not overlap: 0-13 (PER) and 7-13 (ORG)"
    shoot(page, "spans-invalid")
    widget(page).get_by_role("button", name="Delete span 2: Organisation “Merkel”").click()
    assert error.is_hidden()
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {"entities": bad[:1]}
    console.expected_only()


# --- a reload keeps the draft; read only -------------------------------------------------------


def test_a_reload_keeps_the_spans(db: Session, server: str, page: Page, requester: User) -> None:
    project = make_project(db, requester, "keyword-highlighting")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    text = widget(page).locator(".lbc-sp-text").inner_text()
    assert page.locator("#lb-item [data-field='topic']").is_visible()  # the topic, as item data
    words = text.split()
    drag(page, words[1], 0.5, words[3].strip(",."), 0.5)
    marked = draft(page, "keywords")
    assert marked and len(marked) == 1
    shoot(page, "spans-keywords")
    page.reload()
    page.wait_for_selector("#lb-task:not([hidden])")
    assert draft(page, "keywords") == marked
    assert widget(page).locator(".lbc-sp-row").count() == 1
    assert widget(page).locator(".lbc-sp-seg.is-marked").count() >= 1
    # Restored, and still editable: Ctrl+Z has nothing to undo after a restore; ] selects, Delete.
    widget(page).locator(".lbc-sp-text").focus()
    page.keyboard.press("]")
    page.keyboard.press("Delete")
    assert draft(page, "keywords") is None
    console.expected_only()


def test_read_only_shows_the_spans_and_changes_nothing(
    db: Session, server: str, page: Page, requester: User
) -> None:
    project = make_project(db, requester, "named-entities", items=[{"text": MERKEL}])
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    value = [span(MERKEL, "Angela Merkel", "PER"), span(MERKEL, "Paris", "LOC")]
    page.evaluate(
        """async ([value, text]) => {
          const { mountControl } = await import('/static/js/controls/registry.js');
          const config = {name: 'review', kind: 'spans', title: 'Reviewed entities', target: 'text',
            labels: [{value: 'PER', label: 'Person', color: '#e6194b'},
                     {value: 'LOC', label: 'Location', color: '#3cb44b'}]};
          const changes = [];
          const {root, widget} = mountControl(config,
            {value, readOnly: true, data: {text}, onChange: () => changes.push(1)});
          const box = document.createElement('section');
          box.className = 'lb-panel';
          box.id = 'review';
          box.append(root);
          document.querySelector('#lb-task').prepend(box);
          const handled = [];
          root.addEventListener('keydown', (e) => {
            handled.push(widget.handleKey(e));
            e.stopPropagation();
          });
          window.review = {widget, changes, handled};
        }""",
        [value, MERKEL],
    )
    review = page.locator("#review [data-kind='spans']")
    assert review.locator(".lbc-sp-seg.is-marked").all_inner_texts() == [
        "Angela",
        " ",
        "Merkel",
        "Paris",
    ]
    assert review.locator(".lbc-sp-del").count() == 0
    assert all(chip.is_disabled() for chip in review.locator(".lbc-sp-chip").all())
    assert review.locator(".lbc-sp-chip[aria-pressed='true']").count() == 0  # no active label
    assert "2 spans marked" in review.locator(".lbc-sp-tools").inner_text()
    shoot(page, "spans-read-only")
    box = review.locator(".lbc-sp-seg", has_text="visited").bounding_box()
    end = review.locator(".lbc-sp-seg", has_text="Renault").bounding_box()
    assert box and end
    page.mouse.move(round(box["x"] + 2), round(box["y"] + box["height"] / 2))
    page.mouse.down()
    page.mouse.move(
        round(end["x"] + end["width"] - 2), round(end["y"] + end["height"] / 2), steps=5
    )
    page.mouse.up()
    review.locator(".lbc-sp-text").focus()
    for key in ("ArrowRight", "Shift+ArrowRight", "Enter", "2", "]", "Delete", "Control+z"):
        page.keyboard.press(key)
    state = page.evaluate(
        "() => ({value: review.widget.getValue(), changes: review.changes.length,"
        " handled: review.handled})"
    )
    assert state["value"] == value and state["changes"] == 0
    assert len(state["handled"]) >= 7 and not any(state["handled"])
    console.expected_only()


# --- phone width and touch ----------------------------------------------------------------------


def test_phone_width_with_taps(browser: Browser, db: Session, server: str, requester: User) -> None:
    project = make_project(db, requester, "named-entities", items=[{"text": REPORT}])
    grammar = make_project(db, requester, "grammar-issues")
    (amara,) = contributors(db, 1)
    context = browser.new_context(viewport=PHONE, has_touch=True)
    phone = context.new_page()
    console = Console(phone)
    log_in(phone, server, amara)
    open_work(phone, server, project)
    control = widget(phone)

    def tap(word: str, nth: int = 0) -> None:
        control.locator(".lbc-sp-seg").filter(has_text=word).nth(nth).tap()

    # Tap a word, tap another to extend, tap a label: marked with that label.
    tap("Mauricio")
    tap("Pochettino")
    assert "Mauricio Pochettino" in control.locator(".lbc-sp-tools").inner_text()
    control.locator(".lbc-sp-chip", has_text="Person").tap()
    assert draft(phone, "entities") == [span(REPORT, "Mauricio Pochettino", "PER")]
    # One word, the toolbar's Mark button (the active label); a span tapped, then deleted.
    control.locator(".lbc-sp-chip", has_text="Location").tap()
    tap("Anfield")
    control.get_by_role("button", name="Mark as Location").tap()
    tap("Chelsea")
    control.locator(".lbc-sp-chip", has_text="Organisation").tap()
    assert len(draft(phone, "entities")) == 3
    tap("Anfield")
    control.locator(".lbc-sp-tools").get_by_role("button", name="Delete").tap()
    assert draft(phone, "entities") == [
        span(REPORT, "Chelsea", "ORG"),
        span(REPORT, "Mauricio Pochettino", "PER"),
    ]
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert phone.evaluate(overflow) <= 0
    shoot(phone, "spans")
    phone.locator("#lb-submit").tap()
    (stored,) = wait_for_responses(db, project, 1)
    assert len(stored.answers["entities"]) == 2

    # The grammar template: the text marked here, the correction written below.
    open_work(phone, server, grammar)
    assert phone.evaluate(overflow) <= 0
    assert widget(phone).locator(".lbc-sp-chip").count() == 4
    shoot(phone, "spans-grammar")
    context.close()
    console.expected_only("status of 409 (Conflict)")
