"""The tracks widget in a real browser (issue 22): a WebM clip of the demo under its SVG overlay;
tracks drawn with the mouse and with the keyboard alone, played back interpolated, relabelled,
renamed, cut and deleted, undone and redone; a pre-annotation edited; the browser's words the
server's; a draft back after a reload; a read-only widget; a phone. The stored answers are
checked in the database. Screenshots under test-artifacts/labeling/."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.controls.tracks import interpolate
from labelpool.demo.video import DemoVideo, demo_video
from labelpool.projects.models import Project
from labelpool.work.models import Assignment
from tests.work.helpers import contributors
from tests.work.labeling.browser import (
    PHONE,
    Console,
    fresh,
    log_in,
    make_project,
    open_work,
    server_problem,
    shoot,
    store_media,
    wait_for_responses,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.e2e

TRACKS = "[data-control='tracks']"
VIDEO = f"document.querySelector({json.dumps(TRACKS + ' video')})"
KEY = "tracks"


@pytest.fixture(scope="module")
def clip() -> DemoVideo:
    """A car driving across and a ball bouncing: 320x240, 12 fps, 36 frames."""
    return demo_video(0, seed=1)


def tracking(
    db: Session,
    settings: Settings,
    requester: User,
    clip: DemoVideo,
    *,
    fps: bool = True,
    prediction: dict[str, Any] | None = None,
) -> Project:
    video = store_media(db, settings, requester, clip.filename, clip.data)
    item = {"video": video, "fps": clip.fps} if fps else {"video": video}
    return make_project(
        db,
        requester,
        "video-object-tracking",
        [item],
        predictions=[prediction] if prediction else None,
    )


def ready(page: Page) -> None:
    """The clip's metadata is in: the overlay has its size and the frame count is known."""
    page.wait_for_function(
        f'() => document.querySelector("{TRACKS} .lbc-tr-note")?.hidden === true'
    )


def clock(page: Page) -> str:
    return page.locator(f"{TRACKS} .lbc-tr-clock").inner_text()


def on_screen(page: Page, x: float, y: float, width: int = 320) -> tuple[float, float]:
    """A point in video pixels as page coordinates."""
    box = page.locator(f"{TRACKS} .lbc-tr-svg").bounding_box()
    assert box is not None
    scale = box["width"] / width
    return box["x"] + x * scale, box["y"] + y * scale


def drag(page: Page, start: tuple[float, float], end: tuple[float, float]) -> None:
    """A mouse drag between two points in video pixels (the video scrolled into view first)."""
    page.locator(f"{TRACKS} .lbc-tr-stage").evaluate("el => el.scrollIntoView({block: 'center'})")
    page.mouse.move(*on_screen(page, *start))
    page.mouse.down()
    page.mouse.move(*on_screen(page, *end), steps=6)
    page.mouse.up()


def shown_boxes(page: Page) -> list[dict[str, Any]]:
    """The boxes drawn on the overlay now (video pixels), with their track ids."""
    boxes: list[dict[str, Any]] = page.evaluate(
        f"""() => [...document.querySelectorAll("{TRACKS} .lbc-tr-box")].map(g => {{
            const r = g.querySelector("rect");
            return {{id: g.querySelector("text").textContent.split(" · ")[0],
                     ghost: g.classList.contains("is-ghost"),
                     x: +r.getAttribute("x"), y: +r.getAttribute("y"),
                     w: +r.getAttribute("width"), h: +r.getAttribute("height")}};
        }})"""
    )
    return boxes


def near(a: dict[str, Any], b: dict[str, Any], tolerance: float = 3) -> bool:
    return all(abs(a[k] - b[k]) <= tolerance for k in ("x", "y", "w", "h"))


def car(clip: DemoVideo, frame: int) -> dict[str, int]:
    box = clip.box_at("car", frame)
    assert box is not None
    return box


def value_of_rows(page: Page) -> list[str]:
    """The tracks' ids, as the list shows them."""
    return [
        str(v)
        for v in page.locator(f"{TRACKS} .lbc-tr-id").evaluate_all("els => els.map(e => e.value)")
    ]


def page_config(page: Page) -> dict[str, Any]:
    """The tracks control's config as the page has it (the server's, defaults filled in)."""
    return dict(
        page.evaluate(
            "() => JSON.parse(document.getElementById('labeling').dataset.config).controls[0]"
        )
    )


def wait_for_frame(page: Page, pattern: str) -> None:
    """Wait until the frame counter's number matches `pattern` (a regular expression)."""
    counter = f"document.querySelector({json.dumps(TRACKS + ' .lbc-tr-clock')})"
    page.wait_for_function(f"() => /frame {pattern}/.test({counter}.textContent)")


def frame_of(page: Page) -> int:
    return int(clock(page).split()[1])


def stored_tracks(db: Session, project: Project) -> list[dict[str, Any]]:
    """The tracks of the project's one stored response."""
    (response,) = wait_for_responses(db, project, 1)
    return list(response.answers[KEY])


# --- the mouse ------------------------------------------------------------------------------------


def test_draw_a_track_with_the_mouse_and_play_it_back(
    db: Session, settings: Settings, server: str, page: Page, requester: User, clip: DemoVideo
) -> None:
    project = tracking(db, settings, requester, clip)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page)
    widget = page.locator(TRACKS)
    assert widget.get_attribute("data-kind") == "tracks"
    assert page.locator("#lb-item").is_hidden()  # the widget shows the clip itself
    assert clock(page) == "frame 0 / 36 · 0:00.0"  # the item's fps (12) over 3 s
    shoot(page, "tracks-empty")

    # Frame 0: choose Car, drag a box around the car.
    widget.get_by_role("button", name="Car").click()
    start = car(clip, 0)
    drag(page, (start["x"], start["y"]), (start["x"] + start["w"], start["y"] + start["h"]))
    rows = widget.locator(".lbc-tr-track")
    assert value_of_rows(page) == ["car-1"]
    assert "1 keyframe" in rows.first.inner_text()
    (drawn,) = shown_boxes(page)
    assert near(drawn, start) and not drawn["ghost"]

    # The last frame (a click at the end of the track's timeline): the track is not in view
    # there; its box waits as a ghost, dragged onto the car it becomes a keyframe.
    timeline = rows.first.locator(".lbc-tr-time")
    bounds = timeline.bounding_box()
    assert bounds is not None
    timeline.click(position={"x": bounds["width"] - 1, "y": bounds["height"] / 2})
    assert frame_of(page) == 35
    (ghost,) = shown_boxes(page)
    assert ghost["ghost"] and near(ghost, start)
    end = car(clip, 35)
    centre = (start["x"] + start["w"] / 2, start["y"] + start["h"] / 2)
    drag(page, centre, (centre[0] + end["x"] - start["x"], centre[1] + end["y"] - start["y"]))
    assert "2 keyframes" in rows.first.inner_text()
    assert near(shown_boxes(page)[0], end)

    # Scrubbing to the middle: the box is interpolated (dashed), and on the car.
    page.locator(f"{TRACKS} .lbc-tr-scrub").fill("17")
    assert clock(page) == "frame 17 / 36 · 0:01.4"
    middle = shown_boxes(page)[0]
    assert near(middle, car(clip, 17))
    assert "interpolated" in rows.first.inner_text()
    # Its bottom-right handle made 10 px wider and 6 px taller: a third keyframe, here.
    corner = (middle["x"] + middle["w"], middle["y"] + middle["h"])
    drag(page, corner, (corner[0] + 10, corner[1] + 6))
    assert "3 keyframes" in rows.first.inner_text()
    assert "keyframe here" in rows.first.inner_text()
    assert rows.first.locator(".lbc-tr-tick").count() == 3
    shoot(page, "tracks-drawn")

    # Played from the start: the counter runs and the box follows, interpolated at each frame.
    page.keyboard.press("Home")
    widget.get_by_role("button", name="Play (Space or K)").click()
    wait_for_frame(page, "(1[0-9]|2[0-9]) ")
    seen = page.evaluate(
        f"""() => {{
            const g = document.querySelector("{TRACKS} .lbc-tr-box rect");
            return {{clock: document.querySelector("{TRACKS} .lbc-tr-clock").textContent,
                     x: +g.getAttribute("x"), w: +g.getAttribute("width")}};
        }}"""
    )
    widget.get_by_role("button", name="Pause (Space or K)").click()
    page.wait_for_function(f"() => {VIDEO}.paused")
    keyframes = [
        {"frame": 0, **start},
        {"frame": 17, **{k: round(v) for k, v in middle.items() if k in "xywh"}},
    ]
    shown_frame = int(seen["clock"].split()[1])
    expected = interpolate({"keyframes": keyframes}, shown_frame)
    assert expected is not None
    assert abs(seen["x"] - expected["x"]) <= 1.5, (seen, expected)
    paused_at = frame_of(page)
    assert paused_at >= shown_frame

    page.click("#lb-submit")
    (stored,) = stored_tracks(db, project)
    assert stored["id"] == "car-1" and stored["label"] == "car"
    assert [k["frame"] for k in stored["keyframes"]] == [0, 17, 35]
    first, grown, last = stored["keyframes"]
    assert near(first, start) and near(last, end)
    truth = car(clip, 17)
    assert near(grown, {**truth, "w": truth["w"] + 10, "h": truth["h"] + 6})
    console.expected_only()


KEYFRAME_0 = {"frame": 0, "x": 140, "y": 91, "w": 81, "h": 70}


# --- the keyboard alone ---------------------------------------------------------------------------


def test_the_keyboard_alone(
    db: Session, settings: Settings, server: str, page: Page, requester: User, clip: DemoVideo
) -> None:
    project = tracking(db, settings, requester, clip)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page)
    assert page.evaluate("() => document.activeElement.classList.contains('lbc-tr-stage')")
    keys = page.keyboard.press
    keys("3")  # Car for new tracks
    assert (
        page.locator(f"{TRACKS} .lbc-tr-chip[aria-pressed='true']").inner_text().startswith("Car")
    )
    keys("n")  # a track at the centre: 80 x 60 at (120, 90)
    assert value_of_rows(page) == ["car-1"]
    for key in ("Shift+ArrowRight", "Shift+ArrowRight", "ArrowDown", "Control+ArrowRight"):
        keys(key)
    keys("Control+Shift+ArrowDown")
    (box,) = shown_boxes(page)
    assert (box["x"], box["y"], box["w"], box["h"]) == (140, 91, 81, 70)
    keys(".")
    keys("Shift+Period")
    assert clock(page) == "frame 11 / 36 · 0:00.9"
    keys("ArrowLeft")  # not in view here: the box moves here from its last keyframe
    assert shown_boxes(page)[0]["x"] == 139
    keys(",")
    assert "interpolated" in page.locator(f"{TRACKS} .lbc-tr-track").inner_text()
    keys("[")
    assert frame_of(page) == 0
    keys("]")
    assert frame_of(page) == 11
    keys("End")
    assert frame_of(page) == 35
    keys("f")  # a keyframe here, the box as shown nearest: 3 keyframes 0, 11, 35
    keys("[")
    keys("x")  # frame 11's keyframe deleted
    assert frame_of(page) == 11
    assert "2 keyframes" in page.locator(f"{TRACKS} .lbc-tr-track").inner_text()
    keys("Shift+Period")
    assert frame_of(page) == 21
    keys("Shift+ArrowLeft")  # 10 px left of the interpolated box: a keyframe at 21
    keys("e")  # ends here: frame 35 dropped
    keys("4")  # relabel: Truck or bus, and the automatic id follows
    assert value_of_rows(page) == ["truck-1"]
    keys("Escape")
    keys("2")
    keys("n")
    assert value_of_rows(page) == ["truck-1", "bicycle-1"]
    keys("t")  # bicycle-1 was selected; T goes round to truck-1
    assert "is-selected" in (
        page.locator(f"{TRACKS} .lbc-tr-track").first.get_attribute("class") or ""
    )
    keys("Shift+T")
    keys("Delete")
    assert value_of_rows(page) == ["truck-1"]
    keys("Home")
    keys("Space")  # play, then pause with K
    page.wait_for_function(f"() => !{VIDEO}.paused")
    wait_for_frame(page, "[1-9]")
    keys("k")
    assert page.evaluate(f"() => {VIDEO}.paused")
    keys("-")
    assert page.locator(f"{TRACKS} .lbc-tr-speed").input_value() == "0.75"
    shoot(page, "tracks-keyboard")
    page.keyboard.press("Control+Enter")
    (stored,) = stored_tracks(db, project)
    at21 = interpolate({"keyframes": [KEYFRAME_0, {**KEYFRAME_0, "frame": 35, "x": 139}]}, 21)
    assert at21 is not None
    assert stored == {
        "id": "truck-1",
        "label": "truck",
        "keyframes": [
            KEYFRAME_0,
            {"frame": 21, **{k: round(v) for k, v in at21.items()}, "x": round(at21["x"] - 10)},
        ],
    }
    console.expected_only()


# --- the list: rename, relabel, cut, delete; undo and redo ----------------------------------------


def test_rename_relabel_cut_and_delete_from_the_list(
    db: Session, settings: Settings, server: str, page: Page, requester: User, clip: DemoVideo
) -> None:
    project = tracking(db, settings, requester, clip)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page)
    widget = page.locator(TRACKS)
    scrub = widget.locator(".lbc-tr-scrub")
    start, end = car(clip, 0), car(clip, 35)
    widget.get_by_role("button", name="Person").click()
    drag(page, (start["x"], start["y"]), (start["x"] + start["w"], start["y"] + start["h"]))
    scrub.fill("35")
    widget.get_by_role("button", name="Keyframe of person-1 at this frame (F)").click()
    drag(page, (start["x"] + 5, start["y"] + 5), (end["x"] + 5, end["y"] + 5))
    drag(page, (20, 20), (60, 50))  # a second track, at frame 35 only
    assert value_of_rows(page) == ["person-1", "person-2"]
    rows = widget.locator(".lbc-tr-track")

    # The first is a car: select it (its row), then the Car chip; its automatic id follows.
    rows.first.locator(".lbc-tr-label").click()
    widget.get_by_role("button", name="Car").click()
    assert value_of_rows(page) == ["car-1", "person-2"]
    assert rows.first.locator(".lbc-tr-label").inner_text() == "Car"
    assert "relabelled Car" in widget.locator("[aria-live='polite']").inner_text()
    # The second gets a name of its own; a taken one is refused.
    second = rows.nth(1).locator(".lbc-tr-id")
    second.fill("car-1")
    second.press("Enter")
    assert value_of_rows(page) == ["car-1", "person-2"]
    assert "taken" in widget.locator("[aria-live='polite']").inner_text()
    second.fill("kite")
    second.press("Enter")
    assert value_of_rows(page) == ["car-1", "kite"]
    assert page.locator("#lb-task").is_visible()  # Enter in the id field did not submit

    # Jump between keyframes from the row, cut the car's track at frame 20, delete a keyframe.
    car_row = rows.first
    car_row.get_by_role("button", name="Previous keyframe of car-1 ([)").click()
    assert frame_of(page) == 0
    car_row.get_by_role("button", name="Next keyframe of car-1 (])").click()
    assert frame_of(page) == 35
    scrub.fill("20")
    car_row.get_by_role("button", name="car-1 ends at this frame (E)").click()
    assert "2 keyframes" in car_row.inner_text()  # 0 and 20; 35 is gone
    assert "keyframe here" in car_row.inner_text()
    scrub.fill("30")
    # Neither is in view at frame 30: only the selected car's ghost (where it ended) is shown.
    assert [(b["id"], b["ghost"]) for b in shown_boxes(page)] == [("car-1", True)]
    scrub.fill("0")
    car_row.get_by_role("button", name="Delete the keyframe of car-1 at this frame (X)").click()
    assert "1 keyframe" in car_row.inner_text()
    # The kite goes: ✕.
    rows.nth(1).get_by_role("button", name="Delete track kite (Delete)").click()
    assert value_of_rows(page) == ["car-1"]
    shoot(page, "tracks-list")
    page.click("#lb-submit")
    (stored,) = stored_tracks(db, project)
    assert stored["id"] == "car-1" and stored["label"] == "car"
    (only,) = stored["keyframes"]
    expected = interpolate({"keyframes": [{"frame": 0, **start}, {"frame": 35, **end}]}, 20)
    assert expected is not None
    assert only["frame"] == 20 and near(only, expected, 4)
    console.expected_only()


def test_undo_and_redo_every_edit(
    db: Session, settings: Settings, server: str, page: Page, requester: User, clip: DemoVideo
) -> None:
    project = tracking(db, settings, requester, clip)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page)
    keys = page.keyboard.press
    drag(page, (10, 10), (50, 40))  # person-1 (the first label), 40 x 30
    keys("Shift+ArrowRight")  # moved to x 20
    keys("4")  # relabelled truck-1
    page.locator(f"{TRACKS} .lbc-tr-track").first.get_by_role(
        "button", name="Delete track truck-1 (Delete)"
    ).click()
    assert value_of_rows(page) == []
    keys("Control+z")
    assert value_of_rows(page) == ["truck-1"]
    keys("Control+z")
    assert value_of_rows(page) == ["person-1"]
    assert shown_boxes(page)[0]["x"] == 20
    keys("Control+z")
    assert shown_boxes(page)[0]["x"] == 10
    keys("Control+z")
    assert value_of_rows(page) == []
    keys("Control+z")  # nothing left to undo
    assert "Nothing to undo" in page.locator(f"{TRACKS} [aria-live='polite']").inner_text()
    keys("Control+Shift+z")
    keys("Control+y")
    assert shown_boxes(page)[0]["x"] == 20
    keys("Control+Shift+Z")
    assert value_of_rows(page) == ["truck-1"]
    page.keyboard.press("Control+Enter")
    (stored,) = stored_tracks(db, project)
    assert stored == {
        "id": "truck-1",
        "label": "truck",
        "keyframes": [{"frame": 0, "x": 20, "y": 10, "w": 40, "h": 30}],
    }
    console.expected_only()


# --- a pre-annotation, the server's words, a reload -----------------------------------------------


def test_a_pre_annotation_appears_as_editable_tracks(
    db: Session, settings: Settings, server: str, page: Page, requester: User, clip: DemoVideo
) -> None:
    start, end = car(clip, 0), car(clip, 35)
    model = {"label": "car", "keyframes": [{"frame": 0, **start}, {"frame": 35, **end}]}
    project = tracking(db, settings, requester, clip, prediction={KEY: [model]})
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page)
    assert "pre-annotation" in page.locator("#lb-status").inner_text()
    assert value_of_rows(page) == ["car-1"]  # it came without an id: it gets one
    assert near(shown_boxes(page)[0], start, 0)
    page.locator(f"{TRACKS} .lbc-tr-scrub").fill("17")
    middle = shown_boxes(page)[0]
    centre = (middle["x"] + middle["w"] / 2, middle["y"] + middle["h"] / 2)
    drag(page, centre, (centre[0], centre[1] - 20))  # the model's box, corrected at frame 17
    assert "3 keyframes" in page.locator(f"{TRACKS} .lbc-tr-track").inner_text()
    shoot(page, "tracks-prediction")
    page.keyboard.press("?")
    listed = page.locator("#lb-help").inner_text()
    for row in (
        "play or pause",
        "new track at the centre",
        "the selected track ends here",
        "Ctrl+Z",
    ):
        assert row in listed
    page.keyboard.press("Escape")
    page.click("#lb-submit")
    (stored,) = stored_tracks(db, project)
    assert [k["frame"] for k in stored["keyframes"]] == [0, 17, 35]
    assert stored["keyframes"][0] == {"frame": 0, **start}
    truth = car(clip, 17)
    assert near(stored["keyframes"][1], {**truth, "y": truth["y"] - 20})
    console.expected_only()


BAD_ANSWERS: list[Any] = [
    {"a": 1},
    [],
    ["car"],
    [{"label": "car"}],
    [{"label": "car", "keyframes": [], "colour": "red"}],
    [{"id": "", "label": "car", "keyframes": [{"frame": 0, "x": 0, "y": 0, "w": 1, "h": 1}]}],
    [{"id": 7, "label": "car", "keyframes": []}],
    [{"label": "plane", "keyframes": []}],
    [{"label": "car", "keyframes": []}],
    [{"label": "car", "keyframes": {"frame": 0}}],
    [{"label": "car", "keyframes": [3]}],
    [{"label": "car", "keyframes": [{"frame": 0, "x": 0, "y": 0, "w": 1}]}],
    [{"label": "car", "keyframes": [{"frame": 0, "x": 0, "y": 0, "w": 1, "h": 1, "t": 0}]}],
    [{"label": "car", "keyframes": [{"frame": "0", "x": 0, "y": 0, "w": 1, "h": 1}]}],
    [{"label": "car", "keyframes": [{"frame": 1.5, "x": 0, "y": 0, "w": 1, "h": 1}]}],
    [{"label": "car", "keyframes": [{"frame": True, "x": 0, "y": 0, "w": 1, "h": 1}]}],
    [{"label": "car", "keyframes": [{"frame": -1, "x": 0, "y": 0, "w": 1, "h": 1}]}],
    [{"label": "car", "keyframes": [{"frame": 2, "x": "0", "y": 0, "w": 1, "h": 1}]}],
    [{"label": "car", "keyframes": [{"frame": 2, "x": 0, "y": None, "w": 1, "h": 1}]}],
    [{"label": "car", "keyframes": [{"frame": 2, "x": 0, "y": -1, "w": 1, "h": 1}]}],
    [{"label": "car", "keyframes": [{"frame": 2, "x": 0, "y": 0, "w": 0, "h": 1}]}],
    [
        {"id": "a", "label": "car", "keyframes": [{"frame": 0, "x": 0, "y": 0, "w": 1, "h": 1}]},
        {"id": "a", "label": "car", "keyframes": [{"frame": 0, "x": 0, "y": 0, "w": 1, "h": 1}]},
    ],
    [
        {"label": "car", "keyframes": [{"frame": 5, "x": 0, "y": 0, "w": 1, "h": 1}]},
        {
            "id": None,
            "label": "car",
            "keyframes": [
                {"frame": 5, "x": 0, "y": 0, "w": 1, "h": 1},
                {"frame": 5, "x": 1, "y": 0, "w": 1, "h": 1},
            ],
        },
    ],
]


def test_the_browser_says_what_the_server_says(
    db: Session, settings: Settings, server: str, page: Page, requester: User, clip: DemoVideo
) -> None:
    project = tracking(db, settings, requester, clip)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page)
    config = page_config(page)
    # The module's check, answer by answer, against the server's (required, as in most projects).
    required = {**config, "required": True}
    said = page.evaluate(
        """async ([config, answers]) => {
            const m = await import("/static/js/controls/tracks.js");
            return answers.map(a => {
                try { m.check(config, a); return null; } catch (e) { return e.problem; }
            });
        }""",
        [required, BAD_ANSWERS],
    )
    expected = [server_problem("tracks", required, answer) for answer in BAD_ANSWERS]
    assert None not in expected  # every one of them is refused by the server
    assert said == expected

    # A bad draft on the page (out-of-order keyframes): the same words, before sending.
    bad = [
        {
            "id": "car-9",
            "label": "car",
            "keyframes": [
                {"frame": 9, "x": 1, "y": 1, "w": 5, "h": 5},
                {"frame": 3, "x": 1, "y": 1, "w": 5, "h": 5},
            ],
        }
    ]
    fresh(db)
    assignment = db.scalars(select(Assignment.id).where(Assignment.user_id == amara.id)).one()
    page.evaluate(
        """([id, project, bad]) => localStorage.setItem(`labelpool:assignment:${id}`,
            JSON.stringify({assignment: id, project, answers: {tracks: bad}, active: 0,
                changedAt: Date.now(), syncedAt: null, dirty: true, key: crypto.randomUUID(),
                pending: null}))""",
        [assignment, project.id, bad],
    )
    page.reload()
    page.wait_for_selector("#lb-task:not([hidden])")
    ready(page)
    assert value_of_rows(page) == ["car-9"]
    page.keyboard.press("Control+Enter")
    error = page.locator(f"{TRACKS} .lbc-error")
    error.wait_for()
    problem = server_problem("tracks", config, bad)
    assert problem == (
        "track 1 (car-9): keyframes must be in increasing frame order (frame 3 comes after frame 9)"
    )
    assert error.inner_text() == problem
    # The server, asked anyway, answers in the same words.
    answered = page.evaluate(
        """async ([id, bad]) => {
            const r = await fetch(`/api/v1/assignments/${id}/response`, {method: "POST",
                headers: {"Content-Type": "application/json",
                          "X-CSRF-Token": document.getElementById("labeling").dataset.csrf,
                          "Idempotency-Key": crypto.randomUUID()},
                body: JSON.stringify({answers: {tracks: bad}})});
            return [r.status, await r.json()];
        }""",
        [assignment, bad],
    )
    assert answered[0] == 422
    assert answered[1]["error"]["details"]["controls"] == {KEY: [problem]}
    console.expected_only("status of 422")


def test_a_reload_keeps_the_draft(
    db: Session, settings: Settings, server: str, page: Page, requester: User, clip: DemoVideo
) -> None:
    project = tracking(db, settings, requester, clip)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page)
    keys = page.keyboard.press
    keys("3")
    keys("n")
    keys("End")
    keys("Shift+ArrowLeft")
    keys("Escape")
    keys("n")
    before = shown_boxes(page)
    assert value_of_rows(page) == ["car-1", "car-2"]
    page.wait_for_function(
        """() => Object.keys(localStorage).some(k => k.startsWith("labelpool:assignment:")
            && (JSON.parse(localStorage.getItem(k)).answers.tracks || []).length === 2)"""
    )
    page.reload()
    page.wait_for_selector("#lb-task:not([hidden])")
    ready(page)
    assert value_of_rows(page) == ["car-1", "car-2"]
    assert "2 keyframes" in page.locator(f"{TRACKS} .lbc-tr-track").first.inner_text()
    page.keyboard.press("End")
    assert shown_boxes(page) == before
    page.keyboard.press("Control+Enter")
    stored = stored_tracks(db, project)
    assert [(t["id"], [k["frame"] for k in t["keyframes"]]) for t in stored] == [
        ("car-1", [0, 35]),
        ("car-2", [35]),
    ]
    console.expected_only()


# --- read-only, the frame rate, a phone -----------------------------------------------------------


MOUNT = """async ([name, config, value, data]) => {
    const m = await import("/static/js/controls/tracks.js");
    const src = document.querySelector("[data-control='tracks'] video").src;
    const root = document.createElement("fieldset");
    root.className = "lbc lbc-tracks";
    root.dataset.control = name;
    root.dataset.kind = "tracks";
    document.getElementById("lb-work").append(root);  // outside the page's form and controls
    const state = {changes: 0};
    state.widget = m.mount(root, config, {value, data, readOnly: true, media: {video: src},
                                          onChange: () => (state.changes += 1)});
    // What the page does for a focused control (its own keys go to the page's widgets).
    root.addEventListener("keydown", (e) => {
        if (state.widget.handleKey(e)) e.preventDefault();
        e.stopPropagation();
    });
    (window.mounted ||= {})[name] = state;
}"""


def test_read_only_shows_and_plays_but_changes_nothing(
    db: Session, settings: Settings, server: str, page: Page, requester: User, clip: DemoVideo
) -> None:
    project = tracking(db, settings, requester, clip)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page)
    config = page_config(page)
    assert config["fps"] == 25  # the default; this project's item says 12
    answer = [
        {
            "id": "car-1",
            "label": "car",
            "keyframes": [{"frame": 0, **car(clip, 0)}, {"frame": 35, **car(clip, 35)}],
        },
        {
            "id": "p",
            "label": "person",
            "keyframes": [{"frame": 30, "x": 10, "y": 10, "w": 20, "h": 40}],
        },
    ]
    page.evaluate(MOUNT, ["review", config, answer, {"fps": 12}])
    page.evaluate(MOUNT, ["at25", config, answer, {}])  # no fps in the item: the config's
    page.evaluate(MOUNT, ["at10", {**config, "fps": 10}, None, {"fps": "12"}])  # text is no rate
    review = page.locator("[data-control='review']")
    for name in ("review", "at25", "at10"):
        page.wait_for_function(
            f"() => document.querySelector(\"[data-control='{name}'] .lbc-tr-note\").hidden"
        )
    assert (
        page.locator("[data-control='at25'] .lbc-tr-clock").inner_text() == "frame 0 / 75 · 0:00.0"
    )
    assert (
        page.locator("[data-control='at10'] .lbc-tr-clock").inner_text() == "frame 0 / 30 · 0:00.0"
    )
    clock_of = review.locator(".lbc-tr-clock")
    assert clock_of.inner_text() == "frame 0 / 36 · 0:00.0"
    assert review.locator(".lbc-tr-chip").count() == 0
    assert review.locator(".lbc-tr-handle").count() == 0
    assert review.get_by_role("button", name="Delete track car-1 (Delete)").count() == 0
    assert review.locator(".lbc-tr-id").first.get_attribute("readonly") == ""
    assert review.locator(".lbc-tr-box").count() == 1  # the car; the person comes at frame 30
    review.scroll_into_view_if_needed()
    review.locator(".lbc-tr-track").first.click()  # selects (to look), edits nothing
    # Dragging on the clip, on the box, and every editing key: nothing changes.
    svg = review.locator(".lbc-tr-svg").bounding_box()
    assert svg is not None
    page.mouse.move(svg["x"] + 10, svg["y"] + 10)
    page.mouse.down()
    page.mouse.move(svg["x"] + 120, svg["y"] + 90, steps=4)
    page.mouse.up()
    review.locator(".lbc-tr-stage").focus()
    for key in ("n", "Delete", "2", "ArrowRight", "Control+ArrowDown", "f", "x", "e", "Control+z"):
        page.keyboard.press(key)
    review.locator(".lbc-tr-id").first.press("x")
    assert page.evaluate("() => window.mounted.review.widget.getValue()") == answer
    assert page.evaluate("() => window.mounted.review.changes") == 0
    assert review.locator(".lbc-tr-id").first.input_value() == "car-1"
    # Looking around works: frames, keyframe jumps, playing.
    review.locator(".lbc-tr-stage").focus()
    page.keyboard.press("Home")
    page.keyboard.press("Shift+Period")
    assert clock_of.inner_text().startswith("frame 10 ")
    page.keyboard.press("]")  # the selected car's next keyframe
    assert clock_of.inner_text().startswith("frame 35 ")
    page.keyboard.press("Escape")
    page.keyboard.press("[")  # none selected: any track's
    assert clock_of.inner_text().startswith("frame 30 ")
    assert review.locator(".lbc-tr-box").count() == 2
    page.keyboard.press("Home")
    page.keyboard.press("Space")
    page.wait_for_function(
        """() => /frame [1-9]/.test(
            document.querySelector("[data-control='review'] .lbc-tr-clock").textContent)"""
    )
    page.keyboard.press("k")
    shoot(page, "tracks-readonly")
    # The page's own widget was never touched.
    assert value_of_rows(page) == []
    console.expected_only()


def test_at_phone_width(
    browser: Browser, db: Session, settings: Settings, server: str, requester: User, clip: DemoVideo
) -> None:
    project = tracking(db, settings, requester, clip)
    (amara,) = contributors(db, 1)
    context = browser.new_context(viewport=PHONE, has_touch=True)
    phone = context.new_page()
    console = Console(phone)
    log_in(phone, server, amara)
    open_work(phone, server, project)
    ready(phone)
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert phone.evaluate(overflow) <= 0
    stage = phone.locator(f"{TRACKS} .lbc-tr-stage").bounding_box()
    assert stage is not None and stage["width"] <= PHONE["width"]
    shoot(phone, "tracks")
    # A finger's drag (touch events, as a phone sends them) draws a track.
    phone.locator(f"{TRACKS} .lbc-tr-stage").evaluate("el => el.scrollIntoView({block: 'center'})")
    touch = context.new_cdp_session(phone)
    path = [on_screen(phone, 100 + 12 * i, 60 + 9 * i) for i in range(11)]
    for kind, (x, y) in [("touchStart", path[0]), *(("touchMove", p) for p in path[1:])]:
        touch.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]})
    touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    phone.locator(f"{TRACKS} .lbc-tr-track").get_by_role(
        "button", name="Next keyframe of person-1 (])"
    ).wait_for()
    phone.wait_for_timeout(400)  # a tap on the heels of a drag is taken as part of that gesture
    phone.get_by_role("button", name="Play (Space or K)").tap()
    phone.wait_for_function(f"() => !{VIDEO}.paused")
    phone.get_by_role("button", name="Pause (Space or K)").tap()
    assert phone.evaluate(overflow) <= 0
    shoot(phone, "tracks-drawn")
    phone.locator("#lb-submit").tap()
    (stored,) = stored_tracks(db, project)
    assert stored["id"] == "person-1"
    assert near(stored["keyframes"][0], {"x": 100, "y": 60, "w": 120, "h": 90}, 2)
    context.close()
    console.expected_only("status of 409")  # no next task: the claim's 409
