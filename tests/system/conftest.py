"""A real HTTP server in this process (uvicorn in a thread) for tests of concurrent clients."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from labelpool.config import Settings


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server_url(settings: Settings) -> Iterator[str]:
    """The app on the test database behind uvicorn, as `labelpool serve` runs it."""
    from labelpool.app import create_app

    app = create_app(settings)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    assert httpx.get(f"{url}/api/v1/health").status_code == 200
    yield url
    server.should_exit = True
    thread.join(timeout=10)
    app.state.engine.dispose()
