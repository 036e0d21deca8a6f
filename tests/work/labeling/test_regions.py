"""The regions widget in a real browser (issue 22): labelled time segments of audio (a waveform
drawn from the decoded file) and video (the clip above a time ruler), marked with the mouse and
with the keyboard, edited, undone and redone; the stored responses are checked in the database.
Screenshots are saved under test-artifacts/labeling/."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from labelpool.demo.media import demo_audio_clips, demo_videos
from labelpool.projects.models import Project
from labelpool.projects.templates import get_template
from tests.work.helpers import contributors
from tests.work.labeling.browser import (
    PHONE,
    Console,
    log_in,
    make_project,
    open_work,
    shoot,
    store_media,
    wait_for_responses,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

pytestmark = pytest.mark.e2e

# After the only item is sent the page asks for the next: a 409 (no work), which Chromium logs.
NO_MORE_WORK = "status of 409 (Conflict)"


def audio_project(
    db: Session,
    settings: Settings,
    requester: User,
    key: str = "speech-segments",
    predictions: list[dict[str, Any] | None] | None = None,
) -> Project:
    clip = demo_audio_clips(1)[0]  # 4.5 s: speech 0.4-2.2 and 2.7-4.2
    ref = store_media(db, settings, requester, clip.filename, clip.data)
    return make_project(db, requester, key, [{"audio": ref}], predictions=predictions)


def ready(page: Page, control: str, wave: bool = True) -> Locator:
    """The widget once its media is loaded (and, for audio, the waveform decoded)."""
    widget = page.locator(f"[data-control='{control}'][data-kind='regions']")
    page.wait_for_selector(
        f"[data-control='{control}'][data-media='ready']" + ("[data-wave='ready']" if wave else "")
    )
    return widget


def x_of(widget: Locator, seconds: float) -> tuple[float, float]:
    """The page position (x, y in the lanes) of a time on the timeline."""
    widget.locator(".lbr-view").evaluate("el => el.scrollIntoView({block: 'center'})")
    box = widget.locator(".lbr-track").bounding_box()
    assert box is not None
    duration = widget.evaluate("el => el.querySelector('video').duration")
    width = widget.evaluate("el => el.querySelector('.lbr-track').scrollWidth")
    return box["x"] + seconds * width / duration, box["y"] + 60


def drag(page: Page, widget: Locator, a: float, b: float, y: float | None = None) -> None:
    (x0, y0), (x1, _) = x_of(widget, a), x_of(widget, b)
    page.mouse.move(x0, y if y is not None else y0)
    page.mouse.down()
    page.mouse.move((x0 + x1) / 2, y if y is not None else y0, steps=3)
    page.mouse.move(x1, y if y is not None else y0, steps=3)
    page.mouse.up()


def dark_pixels(widget: Locator) -> int:
    """How many pixels of the timeline's canvas below the ruler are drawn darker than grey."""
    return int(
        widget.evaluate(
            """el => {
              const c = el.querySelector('canvas');
              const top = 24 * devicePixelRatio;
              const d = c.getContext('2d').getImageData(0, top, c.width, c.height - top).data;
              let n = 0;
              for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 200 && d[i] < 160) n++;
              return n; }"""
        )
    )


def near(got: list[dict[str, Any]], wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`wanted` with its times as approx (a pixel of mouse is a few ms); every stored time is
    rounded to the millisecond."""
    for region in got:
        for key in ("start", "end"):
            assert round(region[key], 3) == region[key], region
    tolerance = 0.02
    return [
        {
            **r,
            "start": pytest.approx(r["start"], abs=tolerance),
            "end": pytest.approx(r["end"], abs=tolerance),
        }
        for r in wanted
    ]


def rows(widget: Locator) -> list[str]:
    """The list below the timeline: "number start-end label" per region (the dash an en dash)."""
    texts = widget.locator(".lbr-row .lbr-pick").all_inner_texts()
    return [" ".join(t.split()).replace("\u2013", "-") for t in texts]


def test_audio_mark_with_the_mouse_relabel_delete_undo_redo(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project = audio_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    widget = ready(page, "segments")
    assert page.locator("#lb-item audio, #lb-item video").count() == 0  # the widget plays it
    assert dark_pixels(widget) > 500  # the waveform is drawn from the decoded audio

    drag(page, widget, 0.4, 2.2)  # a drag marks a region with the active label (Speech)
    assert rows(widget) == ["1 0:00.4-0:02.2 Speech"]
    assert "Region 1 (Speech) added" in widget.locator("[aria-live=polite]").inner_text()
    page.keyboard.press("2")  # the selected region becomes Music
    assert rows(widget) == ["1 0:00.4-0:02.2 Music"]
    assert widget.locator(".lbr-chip[aria-pressed=true]").inner_text().startswith("Music")
    page.keyboard.press("Escape")  # deselected: 1 now only picks the label for new regions
    page.keyboard.press("1")
    assert rows(widget) == ["1 0:00.4-0:02.2 Music"]
    drag(page, widget, 4.2, 2.7)  # right to left works too
    assert rows(widget) == ["1 0:00.4-0:02.2 Music", "2 0:02.7-0:04.2 Speech"]
    widget.locator(".lbr-chip[data-label='noise']").click()  # a chip relabels the selected
    assert rows(widget)[1] == "2 0:02.7-0:04.2 Noise"

    # Resize by an edge, move by the body; an overlapping region goes to a second lane.
    end_x, y = x_of(widget, 2.2)
    page.mouse.move(end_x - 2, y)
    page.mouse.down()
    page.mouse.move(x_of(widget, 2.5)[0] - 2, y, steps=4)
    page.mouse.up()
    assert rows(widget)[0] == "1 0:00.4-0:02.5 Music"
    drag(page, widget, 3.2, 3.0)  # the body of region 2, 0.2 s to the left
    assert rows(widget)[1] == "2 0:02.5-0:04.0 Noise"
    page.keyboard.press("Escape")
    page.keyboard.press("1")  # the chip made Noise the active label; back to Speech
    page.keyboard.down("Shift")  # Shift+drag draws over the others
    drag(page, widget, 1.0, 1.5)
    page.keyboard.up("Shift")
    assert rows(widget)[1] == "2 0:01.0-0:01.5 Speech"
    tops = widget.locator(".lbr-region").evaluate_all("els => els.map(e => e.offsetTop)")
    assert len(set(tops)) == 2  # two lanes: every region stays visible and clickable
    shoot(page, "regions-audio")

    # Delete, undo, redo.
    widget.locator(".lbr-region[data-label='noise']").click()
    page.keyboard.press("Delete")
    assert [r.split()[-1] for r in rows(widget)] == ["Music", "Speech"]
    page.keyboard.press("Control+z")
    assert [r.split()[-1] for r in rows(widget)] == ["Music", "Speech", "Noise"]
    page.keyboard.press("Control+Shift+z")
    assert len(rows(widget)) == 2
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")  # and the Shift+drag before it
    assert [r.split()[-1] for r in rows(widget)] == ["Music", "Noise"]
    page.keyboard.press("Control+y")
    assert len(rows(widget)) == 3

    # A transcript per region; typing there is not a shortcut (1 stays a letter of the text).
    note = widget.locator(".lbr-input").first
    note.click()
    page.keyboard.type("intro jingle 1 ")
    assert rows(widget)[0].endswith("Music")
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {
        "segments": near(
            stored.answers["segments"],
            [
                {"start": 0.4, "end": 2.5, "label": "music", "text": "intro jingle 1"},
                {"start": 1.0, "end": 1.5, "label": "speech"},
                {"start": 2.5, "end": 4.0, "label": "noise"},
            ],
        )
    }
    console.expected_only(NO_MORE_WORK)


def media_time(widget: Locator) -> float:
    return float(widget.evaluate("el => el.querySelector('video').currentTime"))


def test_audio_keyboard_only_play_mark_zoom_and_help(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project = audio_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    widget = ready(page, "segments")
    assert page.evaluate("() => document.activeElement.classList.contains('lbr-view')")
    time = widget.locator(".lbr-time")
    assert time.inner_text() == "0:00.0 / 0:04.5"
    # Space plays, K pauses; the time moves on.
    page.keyboard.press("Space")
    page.wait_for_function("() => document.querySelector('.lbc-regions video').currentTime > 0.3")
    assert widget.locator(".lbr-play").get_attribute("aria-label") == "Pause (Space)"
    page.keyboard.press("k")
    assert widget.evaluate("el => el.querySelector('video').paused")
    page.keyboard.press("Home")
    assert media_time(widget) == 0
    # → seeks 1 s, ./, 0.1 s; [ marks the start, ] the end (the active label: Speech).
    page.keyboard.press("ArrowRight")
    for _ in range(2):
        page.keyboard.press(".")
    page.keyboard.press("Comma")
    assert media_time(widget) == pytest.approx(1.1)
    assert time.inner_text().startswith("0:01.1 /")
    page.keyboard.press("[")
    assert widget.locator(".lbr-pending").inner_text() == "Start 0:01.1 · ] ends it"
    page.keyboard.press("Shift+ArrowRight")  # 5 s: stops at the end
    assert media_time(widget) == pytest.approx(4.5)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("]")
    assert rows(widget) == ["1 0:01.1-0:03.5 Speech"]
    assert widget.locator(".lbr-pending").is_hidden()
    page.keyboard.press("3")  # relabel the new (selected) region: Noise
    # A second region, then ↑ / ↓ select, Alt+] moves the selected end to the playhead.
    page.keyboard.press("Escape")
    page.keyboard.press("Home")
    page.keyboard.press("[")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("]")
    assert rows(widget) == ["1 0:00.0-0:01.0 Noise", "2 0:01.1-0:03.5 Noise"]
    page.keyboard.press("4")  # the new one is selected: Silence
    assert rows(widget)[0] == "1 0:00.0-0:01.0 Silence"
    page.keyboard.press("ArrowDown")
    assert "Region 2 (Noise) selected" in widget.locator("[aria-live=polite]").inner_text()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # 4.0 s
    page.keyboard.press("Alt+BracketRight")
    assert rows(widget)[1] == "2 0:01.1-0:04.0 Noise"
    # Enter plays the selected region and stops at its end.
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => { const v = document.querySelector('.lbc-regions video');"
        " return v.paused && v.currentTime >= 3.99; }",
        timeout=10000,
    )
    assert media_time(widget) < 4.3
    # Zoom: + widens the timeline (it scrolls inside), 0 fits it again; Ctrl+wheel zooms too.
    fit = widget.evaluate("el => el.querySelector('.lbr-track').scrollWidth")
    page.keyboard.press("+")
    page.keyboard.press("+")
    zoomed = widget.evaluate("el => el.querySelector('.lbr-track').scrollWidth")
    assert zoomed > 2 * fit
    assert widget.evaluate("el => el.querySelector('.lbr-view').scrollWidth") == zoomed
    shoot(page, "regions-zoomed")
    page.keyboard.press("0")
    assert widget.evaluate("el => el.querySelector('.lbr-track').scrollWidth") == fit
    box = widget.locator(".lbr-view").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 100, box["y"] + 60)
    page.keyboard.down("Control")
    page.mouse.wheel(0, -300)
    page.keyboard.up("Control")
    page.wait_for_function("w => document.querySelector('.lbr-track').scrollWidth > w", arg=fit)
    # Speed: > faster.
    page.keyboard.press(">")
    assert widget.locator(".lbr-speed").input_value() == "1.25"
    assert widget.evaluate("el => el.querySelector('video').playbackRate") == 1.25
    # The help overlay lists the widget's keys.
    page.keyboard.press("?")
    listed = page.locator("#lb-help").inner_text()
    for key in (
        "Space / K",
        "[ then ]",
        "Alt+[ / Alt+]",
        "1\u20134",
        "Ctrl+Z",
        ", / .",
        "+ / \u2212 / 0",
    ):
        assert key in listed
    page.keyboard.press("Escape")
    widget.locator(".lbr-view").focus()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Delete")  # region 1 goes
    assert rows(widget) == ["1 0:01.1-0:04.0 Noise"]
    assert "Region 1 (Silence) removed" in widget.locator("[aria-live=polite]").inner_text()
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {"segments": [{"start": 1.1, "end": 4.0, "label": "noise"}]}
    console.expected_only(NO_MORE_WORK)


def test_video_frame_steps_and_a_note_per_event(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    clip = demo_videos(1)[0]  # 3 s at 12 fps
    ref = store_media(db, settings, requester, clip.filename, clip.data)
    project = make_project(db, requester, "video-event-tagging", [{"video": ref, "fps": clip.fps}])
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    widget = ready(page, "events", wave=False)
    assert widget.locator("video.lbr-video").is_visible()  # the clip above its timeline
    assert "is-video" in (widget.get_attribute("class") or "")
    assert page.locator("#lb-item video").count() == 0
    assert dark_pixels(widget) == 0  # no waveform for video: a ruler
    assert widget.locator(".lbr-time").inner_text() == "0:00.0 / 0:03.0"
    widget.locator(".lbr-view").focus()
    for _ in range(6):
        page.keyboard.press(".")  # one frame each: 6 / 12 s
    assert media_time(widget) == pytest.approx(0.5, abs=1e-3)
    page.keyboard.press("[")
    for _ in range(13):
        page.keyboard.press(".")
    page.keyboard.press(",")  # back one frame: 18 / 12 s
    page.keyboard.press("]")
    assert rows(widget) == ["1 0:00.5-0:01.5 Goal"]
    page.keyboard.press("Escape")
    page.keyboard.press("2")
    drag(page, widget, 2.0, 2.8)
    assert rows(widget)[1] == "2 0:02.0-0:02.8 Shot"
    widget.locator(".lbr-input").nth(0).fill("  header from the corner  ")
    widget.locator(".lbr-input").nth(1).fill("saved")
    # Clicking the video plays it; the playhead follows.
    assert media_time(widget) == pytest.approx(1.5, abs=1e-3)
    widget.locator("video.lbr-video").click()
    page.wait_for_function("() => document.querySelector('.lbc-regions video').currentTime > 1.8")
    left = widget.locator(".lbr-playhead").evaluate("el => el.offsetLeft")
    assert left > widget.locator(".lbr-track").evaluate("el => el.offsetWidth") * 1.6 / 3
    shoot(page, "regions-video")
    page.keyboard.press("k")
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {
        "events": near(
            stored.answers["events"],
            [
                {"start": 0.5, "end": 1.5, "label": "goal", "text": "header from the corner"},
                {"start": 2.0, "end": 2.8, "label": "shot", "text": "saved"},
            ],
        )
    }
    console.expected_only(NO_MORE_WORK)


def test_a_pre_annotation_appears_as_editable_regions(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    clip = demo_audio_clips(1)[0]
    guess = [{"start": r["start"], "end": r["end"], "label": "speech"} for r in clip.regions]
    guess[1]["label"] = "music"  # the model got the second one wrong
    project = audio_project(db, settings, requester, predictions=[{"segments": guess}])
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    widget = ready(page, "segments")
    assert "pre-annotation" in page.locator("#lb-status").inner_text()
    assert rows(widget) == ["1 0:00.4-0:02.2 Speech", "2 0:02.7-0:04.2 Music"]
    assert widget.locator(".lbr-region").count() == 2
    widget.locator(".lbr-region[data-label='music']").click()
    page.keyboard.press("1")  # corrected
    start_x, y = x_of(widget, 0.4)
    page.mouse.move(start_x + 2, y)  # the start edge of region 1, moved 0.1 s earlier
    page.mouse.down()
    page.mouse.move(x_of(widget, 0.3)[0] + 2, y, steps=4)
    page.mouse.up()
    assert rows(widget)[0] == "1 0:00.3-0:02.2 Speech"
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    assert rows(widget) == ["1 0:00.4-0:02.2 Speech", "2 0:02.7-0:04.2 Music"]  # as it came
    page.keyboard.press("Control+y")
    page.keyboard.press("Control+y")
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {
        "segments": near(
            stored.answers["segments"],
            [
                {"start": 0.3, "end": 2.2, "label": "speech"},
                {"start": 2.7, "end": 4.2, "label": "speech"},
            ],
        )
    }
    console.expected_only(NO_MORE_WORK)


def test_a_reload_brings_the_regions_back(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project = audio_project(db, settings, requester, key="speaker-identification")
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    widget = ready(page, "turns")
    page.locator("[data-control='speaker_count']").get_by_text("Two", exact=True).click()
    drag(page, widget, 0.4, 2.2)  # Speaker 1
    page.keyboard.press("Escape")  # else the chip would relabel the new region
    widget.locator(".lbr-chip[data-label='speaker_2']").click()
    drag(page, widget, 2.7, 4.2)
    assert widget.locator(".lbr-input").count() == 0  # no text notes for this control
    before = rows(widget)
    assert before == ["1 0:00.4-0:02.2 Speaker 1", "2 0:02.7-0:04.2 Speaker 2"]
    page.reload()
    widget = ready(page, "turns")
    assert rows(widget) == before
    assert "draft is back" in page.locator("#lb-status").inner_text()
    page.locator("#lb-submit").click()
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers["speaker_count"] == "2"
    assert [r["label"] for r in stored.answers["turns"]] == ["speaker_1", "speaker_2"]
    console.expected_only(NO_MORE_WORK)


BAD_ANSWERS: list[Any] = [
    "0.4-2.2",
    [],
    [3],
    [{"start": 1, "end": 2}],
    [{"start": 1, "end": 2, "label": "speech", "speaker": "a", "confidence": 1}],
    [{"start": "1", "end": 2, "label": "speech"}],
    [{"start": 1, "end": True, "label": "speech"}],
    [{"start": -0.5, "end": 2, "label": "speech"}],
    [{"start": 2, "end": 2, "label": "speech"}],
    [{"start": 1, "end": 2, "label": "speech"}, {"start": 3, "end": 2.5, "label": "noise"}],
    [{"start": 1, "end": 2, "label": "laughter"}],
    [{"start": 1, "end": 2, "label": None}],
    [{"start": 1, "end": 2, "label": "speech", "text": 5}],
    [{"start": 1, "end": 2, "label": "speech", "text": ["a"]}],
]


def test_the_browser_says_what_the_server_says(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    from labelpool.controls.base import AnswerError
    from labelpool.controls.regions import RegionsConfig, RegionsKind

    kind = RegionsKind()
    configs = [
        {
            "name": "segments",
            "kind": "regions",
            "title": "T",
            "target": "audio",
            "allow_text": True,
            "labels": [
                {"value": "speech", "label": "Speech"},
                {"value": "noise", "label": "Noise"},
            ],
        },
    ]
    configs.append({**configs[0], "allow_text": False, "required": False})
    page.goto(f"{server}/login")
    for raw in configs:
        config = RegionsConfig.model_validate(raw)
        dumped = config.model_dump()
        answers = [
            *BAD_ANSWERS,
            [
                {"start": 2, "end": 3, "label": "noise", "text": " hi "},
                {"start": 0.5, "end": 1, "label": "speech"},
            ],
        ]
        for answer in answers:
            try:
                expected: Any = {"ok": kind.check(config, answer, None)}
            except AnswerError as error:
                expected = {"problem": error.problem}
            got = page.evaluate(
                """async ([config, answer]) => {
                  const m = await import('/static/js/controls/regions.js');
                  try { return {ok: m.check(config, answer)}; }
                  catch (e) { return {problem: e.problem}; } }""",
                [dumped, answer],
            )
            assert got == expected, (raw["allow_text"], answer)

    # On the page: a draft with a label the control does not have (say, from an older schema).
    project = audio_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    widget = ready(page, "segments")
    drag(page, widget, 0.4, 2.2)
    page.evaluate(
        """() => {
          const key = Object.keys(localStorage).find(k => k.startsWith('labelpool:assignment:'));
          const record = JSON.parse(localStorage.getItem(key));
          record.answers.segments.push({start: 2.7, end: 4.2, label: 'laughter'});
          record.changedAt = Date.now() + 60000; record.dirty = true;
          localStorage.setItem(key, JSON.stringify(record)); }"""
    )
    page.reload()
    widget = ready(page, "segments")
    assert rows(widget)[1] == "2 0:02.7-0:04.2 laughter"
    page.keyboard.press("Control+Enter")
    shown = widget.locator(".lbc-error")
    answer = [
        {"start": 0.4, "end": 2.2, "label": "speech"},
        {"start": 2.7, "end": 4.2, "label": "laughter"},
    ]
    schema = get_template("speech-segments").controls[0]
    with pytest.raises(AnswerError) as server_says:
        kind.check(RegionsConfig.model_validate(schema), answer, None)
    assert shown.inner_text() == server_says.value.problem
    assert (
        shown.inner_text()
        == "region 2: 'laughter' is not one of the labels speech, music, noise, silence"
    )
    widget.locator(".lbr-region[data-label='laughter']").click()
    page.keyboard.press("3")  # fixed: Noise
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert [r["label"] for r in stored.answers["segments"]] == ["speech", "noise"]
    console.expected_only(NO_MORE_WORK)


def test_read_only_shows_and_plays_but_changes_nothing(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    project = audio_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    ready(page, "segments")
    answer = [
        {"start": 0.4, "end": 2.2, "label": "speech", "text": "hello there"},
        {"start": 2.7, "end": 4.2, "label": "music"},
    ]
    page.evaluate(
        """async (answer) => {
          const m = await import('/static/js/controls/regions.js');
          const page = document.querySelector("[data-control='segments']");
          const media = {audio: page.querySelector('video').src};
          const config = {name: 'review', kind: 'regions', title: 'Review', target: 'audio',
            required: true, allow_text: true, labels: [{value: 'speech', label: 'Speech'},
            {value: 'music', label: 'Music', color: '#f58231'}]};
          const root = document.createElement('fieldset');
          root.className = 'lbc lbc-regions';
          root.dataset.control = 'review';
          root.dataset.kind = 'regions';
          window.changes = 0;
          window.review = m.mount(root, config, {value: answer, readOnly: true, data: {}, media,
            onChange: () => window.changes++});
          document.querySelector('#lb-controls').prepend(root); }""",
        answer,
    )
    review = ready(page, "review")
    assert review.locator(".lbr-chips").is_hidden()
    assert "null" not in review.inner_text()
    assert review.locator(".lbr-input, .lbr-del, .lbr-h").count() == 0
    assert "hello there" in review.locator(".lbr-list").inner_text()
    drag(page, review, 0.1, 0.3)  # no new region
    drag(page, review, 3.0, 3.5)  # the body: no move
    review.locator(".lbr-region[data-label='speech']").click()  # selecting is looking
    for key in ("Delete", "2", "[", "]", "z"):
        handled = page.evaluate(
            """key => window.review.handleKey(new KeyboardEvent('keydown',
                {key, ctrlKey: key === 'z', bubbles: true}))""",
            key,
        )
        assert handled is False, key
    assert page.evaluate("() => window.review.getValue()") == answer
    assert page.evaluate("() => window.changes") == 0
    review.locator(".lbr-play").click()  # playing is allowed
    page.wait_for_function(
        "() => document.querySelector(\"[data-control='review'] video\").currentTime > 0.2"
    )
    shoot(page, "regions-readonly")
    console.expected_only()


def test_phone_width_fits_touch_marks_and_scrolls_inside(
    browser: Browser, db: Session, settings: Settings, server: str, requester: User
) -> None:
    project = audio_project(db, settings, requester)
    (amara,) = contributors(db, 1)
    context = browser.new_context(viewport=PHONE, has_touch=True)
    phone = context.new_page()
    console = Console(phone)
    log_in(phone, server, amara)
    open_work(phone, server, project)
    widget = ready(phone, "segments")
    touch = context.new_cdp_session(phone)

    def swipe(a: float, b: float) -> None:
        (x0, y), (x1, _) = x_of(widget, a), x_of(widget, b)
        points = [x0 + (x1 - x0) * i / 6 for i in range(7)]
        for kind, x in [("touchStart", x0), *(("touchMove", p) for p in points[1:])]:
            touch.send(
                "Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": x, "y": y}]}
            )
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    swipe(0.4, 2.2)  # a finger drawn across the timeline marks a region
    assert rows(widget) == ["1 0:00.4-0:02.2 Speech"]
    phone.wait_for_timeout(600)  # a tap during the synthetic swipe's fling would only stop it
    widget.locator(".lbr-chip[data-label='music']").tap()  # relabel it
    widget.locator(".lbr-region").tap()  # a tap on the region selects it (it was already)
    assert rows(widget) == ["1 0:00.4-0:02.2 Music"]
    overflow = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert phone.evaluate(overflow) <= 0
    shoot(phone, "regions-audio")
    for _ in range(3):
        widget.locator("button[aria-label='Zoom in (+)']").tap()
    view = widget.locator(".lbr-view")
    assert view.evaluate("el => el.scrollWidth > 3 * el.clientWidth")  # it scrolls inside
    assert phone.evaluate(overflow) <= 0
    widget.locator(".lbr-play").tap()
    phone.wait_for_function("() => document.querySelector('.lbc-regions video').currentTime > 0.2")
    widget.locator(".lbr-play").tap()
    phone.locator("#lb-submit").tap()
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {
        "segments": near(stored.answers["segments"], [{"start": 0.4, "end": 2.2, "label": "music"}])
    }
    context.close()
    console.expected_only(NO_MORE_WORK)


def ten_minutes_of_audio() -> bytes:
    """A 10-minute 8 kHz WAV, quiet but for a 0.3 s tone at 5:00.0."""
    import io
    import wave

    import numpy as np

    rate = 8000
    signal = np.full(600 * rate, 128, dtype=np.uint8)
    burst = np.arange(int(0.3 * rate))
    signal[300 * rate : 300 * rate + burst.size] = (128 + 90 * np.sin(burst * 0.3)).astype(np.uint8)
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(1)
        file.setframerate(rate)
        file.writeframes(signal.tobytes())
    return out.getvalue()


def test_a_ten_minute_file_is_marked_to_the_tenth_of_a_second(
    db: Session, settings: Settings, server: str, page: Page, requester: User
) -> None:
    ref = store_media(db, settings, requester, "long.wav", ten_minutes_of_audio())
    project = make_project(db, requester, "speech-segments", [{"audio": ref}])
    (amara,) = contributors(db, 1)
    console = Console(page)
    log_in(page, server, amara)
    open_work(page, server, project)
    widget = ready(page, "segments")
    assert widget.locator(".lbr-time").inner_text() == "0:00.0 / 10:00.0"
    for _ in range(60):
        page.keyboard.press("Shift+ArrowRight")
    assert media_time(widget) == pytest.approx(300)
    for _ in range(16):
        page.keyboard.press("+")  # zooms around the playhead
    view = widget.locator(".lbr-view")
    scale = view.evaluate("el => el.scrollWidth / 600")
    assert scale >= 400  # a tenth of a second is 40 px or more
    playhead = widget.locator(".lbr-playhead").bounding_box()
    box = view.bounding_box()
    assert playhead is not None and box is not None
    assert box["x"] < playhead["x"] < box["x"] + box["width"]  # still in view
    assert dark_pixels(widget) > 200  # the tone's waveform, drawn at this zoom
    shoot(page, "regions-long")
    drag(page, widget, 300.0, 300.3)
    assert rows(widget) == ["1 5:00.0-5:00.3 Speech"]
    page.keyboard.press("Control+Enter")
    (stored,) = wait_for_responses(db, project, 1)
    assert stored.answers == {
        "segments": near(
            stored.answers["segments"], [{"start": 300, "end": 300.3, "label": "speech"}]
        )
    }
    console.expected_only(NO_MORE_WORK)
