"""Fixtures of the labeling page's browser tests: the app served by uvicorn in a thread over the
test database, headless Chromium, a requester who owns the projects."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.config import Settings
from tests.factories import make_organization, make_user
from tests.work.labeling.browser import CHROMIUM, DESKTOP

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """The app on a local port, over the test's database (what `db` arranges, it serves)."""
    import uvicorn

    from labelpool.app import create_app

    app = create_app(settings)
    port = _free_port()
    served = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=served.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not served.started:
        if time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    served.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium not found at {CHROMIUM}")
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--autoplay-policy=no-user-gesture-required",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture
def requester(db: Session) -> User:
    from labelpool.accounts.roles import Role

    organization = make_organization(db, "Acme labs")
    return make_user(db, role=Role.REQUESTER, organization=organization)
