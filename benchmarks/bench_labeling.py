"""Labeling page benchmark (issue 22, point 9): submit-to-next in a real browser.

A served app (`labelpool serve`, SQLite) with a text-sentiment project of 1,000 items and one
contributor logged in in headless Chromium on `/projects/{id}/work`. Each round picks an option
with a number key and submits with Ctrl+Enter; the page measures (User Timing) from the submit
to the next task shown and ready for input — the POST of the response, the claim of the next
assignment, its draft read and the render. Printed: p50 / p95 / max of that time, the server's
CPU ms per round, and what the page loads: its JS and CSS (bytes on the wire, gzipped, and
unzipped) and, per control kind, the page's own JS and CSS uncompressed (`page_weight`).
Targets: p50 < 150 ms, p95 < 400 ms, own JS + CSS < 150 KB uncompressed.

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
