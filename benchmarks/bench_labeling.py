"""Labeling page benchmark (issue 22, point 9): submit-to-next in a real browser.

A served app (`labelpool serve`, SQLite) with a text-sentiment project of 1,000 items and one
contributor logged in in headless Chromium on `/projects/{id}/work`. Each round picks an option
with a number key and submits with Ctrl+Enter; the page measures (User Timing) from the submit
to the next task shown and ready for input — the POST of the response, the claim of the next
assignment, its draft read and the render. Printed: p50 / p95 / max of that time, the server's
CPU ms per round, and what the page loads: its JS and CSS (bytes on the wire, gzipped, and
unzipped) and, per control kind, the page's own JS and CSS uncompressed (`page_weight`).
Targets: p50 < 150 ms, p95 < 400 ms, own JS + CSS < 150 KB uncompressed.

Then large images: a boxes project on a 320x240 image and one on a 6000x4000 one, zoomed in,
panned 60 steps with the arrow keys; each step is timed in the page until the second animation
frame after it (the widget's work, layout and paint). The image moves as one compositor layer
and only the SVG overlay is redrawn, so a step should cost the same on both.

Environment: LABELPOOL_BENCH_LABELING_ROUNDS [200], LABELPOOL_TEST_CHROMIUM [/usr/bin/chromium].
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from benchmarks import _work_db as wdb
from benchmarks.bench_work import start_server, stop_server
from benchmarks.page_weight import WIDGET_KINDS, page_bytes

ROUNDS = int(os.environ.get("LABELPOOL_BENCH_LABELING_ROUNDS", "200"))
CHROMIUM = os.environ.get("LABELPOOL_TEST_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "bench password 2"
TARGETS = {"p50": 150.0, "p95": 400.0, "kb": 150.0}


def _set_password(url: str, email: str) -> None:
    from labelpool.accounts.models import User
    from labelpool.accounts.passwords import hash_password
    from labelpool.db.engine import make_engine, make_session_factory, transaction

    engine = make_engine(url)
    with transaction(make_session_factory(engine)) as db:
        user = db.scalars(select(User).where(User.email == email)).one()
        user.password_hash = hash_password(PASSWORD)
    engine.dispose()


PAN_STEPS = 60
FRAME_MS = 1000 / 60
PAN = """async (steps) => {
  const view = document.querySelector('[data-control] .lbs-view');
  view.focus();
  const key = (k) => view.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  for (let i = 0; i < 4; i++) { key('+'); await frames(); }
  const times = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    key(i % 20 < 10 ? 'ArrowRight' : 'ArrowDown');
    await frames();
    times.push(performance.now() - t0);
  }
  return times;
}"""


def _image_projects(folder: Path, url: str) -> dict[str, int]:
    """A boxes project per image size, one item each, owned by the bench's admin."""
    import io

    from PIL import Image, ImageDraw

    from labelpool.accounts.models import User
    from labelpool.config import Settings
    from labelpool.db.engine import make_engine, make_session_factory, transaction
    from labelpool.media.service import store_media_bytes
    from labelpool.media.storage import storage_from_settings
    from labelpool.projects import service as projects
    from labelpool.projects.models import Item, ProjectStatus

    settings = Settings(data_dir=folder, database_url=url, secret_key="b" * 48)
    storage = storage_from_settings(settings)
    engine = make_engine(url)
    made: dict[str, int] = {}
    with transaction(make_session_factory(engine)) as db:
        admin = db.scalars(select(User).where(User.email == wdb.ADMIN_EMAIL)).one()
        org_id = admin.memberships[0].organization_id
        for name, (width, height) in {"320x240": (320, 240), "6000x4000": (6000, 4000)}.items():
            image = Image.new("RGB", (width, height), (120, 160, 200))
            draw = ImageDraw.Draw(image)
            for n in range(0, width, max(1, width // 40)):  # detail to paint
                draw.line([(n, 0), (width - n, height)], fill=(n % 255, 90, 60), width=3)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=85)
            media = store_media_bytes(
                db, storage, org_id, None, f"{name}.jpg", buffer.getvalue(), admin
            )
            project = projects.create_project(
                db, admin, org_id, name=f"Boxes {name}", template_key="image-bounding-boxes"
            )
            db.add(Item(project_id=project.id, data={"image": f"media:{media.id}"}))
            project.item_count = 1
            db.flush()
            projects.change_status(db, admin, project, ProjectStatus.ACTIVE)
            made[name] = project.id
    engine.dispose()
    return made


def run(folder: Path) -> None:
    from playwright.sync_api import sync_playwright

    from labelpool.db.engine import make_engine

    env = {**os.environ, "LABELPOOL_DATA_DIR": str(folder), "LABELPOOL_SECRET_KEY": "b" * 48}
    env.pop("LABELPOOL_DATABASE_URL", None)
    wdb.build_pool(env, folder, 1)
    url = f"sqlite:///{folder / 'labelpool.sqlite3'}"
    engine = make_engine(url)
    project_id = wdb.make_project(engine, "Labeling bench", max(1000, ROUNDS + 10), 1)
    engine.dispose()
    email = wdb.contributor_email(0)
    _set_password(url, email)
    image_projects = _image_projects(folder, url)
    server, port = start_server(env, 1, folder / "serve.log")
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            page.goto(f"{base}/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/login'] button[type=submit]")
            page.wait_for_url(f"{base}/work")
            page.goto(f"{base}/projects/{project_id}/work")
            page.wait_for_selector("#lb-task:not([hidden])")
            loaded = page.evaluate(
                """() => performance.getEntriesByType('resource')
                .filter(r => /\\/static\\/(js|css)\\//.test(r.name))
                .map(r => [r.name, r.encodedBodySize, r.decodedBodySize])"""
            )
            wire_kb = sum(int(r[1]) for r in loaded) / 1024  # gzipped, as sent
            body_kb = sum(int(r[2]) for r in loaded) / 1024  # unzipped
            pids = wdb.process_tree(server.pid)
            cpu_before = wdb.cpu_seconds(pids)
            started = time.perf_counter()
            for n in range(ROUNDS):
                page.keyboard.press("1")
                page.keyboard.press("Control+Enter")
                page.wait_for_function(
                    "n => performance.getEntriesByName('lb:submit-to-next').length > n", arg=n
                )
            wall = time.perf_counter() - started
            cpu = wdb.cpu_delta(cpu_before, wdb.cpu_seconds(pids))
            times = page.evaluate(
                "() => performance.getEntriesByName('lb:submit-to-next').map(m => m.duration)"
            )
            pans: dict[str, list[float]] = {}
            for name, image_project in image_projects.items():
                page.goto(f"{base}/projects/{image_project}/work")
                page.wait_for_selector("[data-control] .lbs-view[data-ready]", timeout=60_000)
                pans[name] = sorted(page.evaluate(PAN, PAN_STEPS))
            browser.close()
    finally:
        stop_server(server)
    ordered = sorted(times)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"submit-to-next over {len(ordered)} tasks (SQLite, 1 worker): p50 {p50:.0f} ms, "
        f"p95 {p95:.0f} ms, max {ordered[-1]:.0f} ms; {len(ordered) / wall:.1f} tasks/s "
        f"end to end; server CPU {cpu / len(ordered) * 1000:.1f} ms per task"
    )
    print(
        f"page's JS + CSS: {len(loaded)} files, {wire_kb:.1f} KB on the wire (gzip), "
        f"{body_kb:.1f} KB unzipped (site-wide app.css and app.js included)"
    )
    weights = {kind: page_bytes(kind) / 1024 for kind in WIDGET_KINDS}
    print(
        "the page's own JS + CSS by control kind, uncompressed (target < 150 KB): "
        + ", ".join(f"{kind} {kb:.0f} KB" for kind, kb in weights.items())
    )
    for name, steps in pans.items():
        fit = steps[-1] < 2.5 * FRAME_MS
        verdict = "each step was drawn within its frame" if fit else "some steps missed a frame"
        print(
            f"boxes on a {name} image, zoomed in, {len(steps)} pan steps: p50 "
            f"{statistics.median(steps):.1f} ms, p95 {steps[int(0.95 * len(steps))]:.1f} ms, "
            f"max {steps[-1]:.1f} ms per step to the second frame after it (two frames are "
            f"{2 * FRAME_MS:.1f} ms: {verdict})"
        )
    heaviest = max(weights.values())
    ok = p50 < TARGETS["p50"] and p95 < TARGETS["p95"] and heaviest < TARGETS["kb"]
    print(
        f"targets: p50 < {TARGETS['p50']:.0f} ms, p95 < {TARGETS['p95']:.0f} ms, own JS + CSS "
        f"< {TARGETS['kb']:.0f} KB uncompressed (heaviest {heaviest:.0f} KB): "
        f"{'met' if ok else 'NOT met'}"
    )


def main() -> None:
    if not shutil.which(CHROMIUM):
        print(f"Chromium not found at {CHROMIUM}; skipping (apt-get install chromium).")
        return
    with tempfile.TemporaryDirectory(prefix="labelpool-bench-labeling-") as folder:
        run(Path(folder))


if __name__ == "__main__":
    main()
