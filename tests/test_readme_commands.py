"""Every shell command in the README runs as written, in order, as a new user would type it.

The blocks after the quick start are one shell session: `source .venv/bin/activate`, the
command line tour, then the curl examples against `labelpool serve` (on a free port instead
of 8000, the only change made to the text), whose in-process job runner imports the upload.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PASSWORD = "a long enough password"


def _shell_blocks() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(), re.S)
    return [b for b in blocks if not b.lstrip().startswith("make ")]  # the set-up itself


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A fresh folder whose `.venv` is the environment these tests run in."""
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    return tmp_path


@pytest.fixture
def environment(workdir: Path) -> dict[str, str]:
    """A plain shell: no labelpool settings (data goes to ./data), no labelpool on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LABELPOOL_")}
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = "/usr/local/bin:/usr/bin:/bin"  # until the README activates the environment
    return env


@pytest.fixture
def server(workdir: Path, environment: dict[str, str]) -> Iterator[int]:
    port = _free_port()
    labelpool = str(workdir / ".venv" / "bin" / "labelpool")
    process = subprocess.Popen(
        [labelpool, "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=workdir,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("labelpool serve did not start")
            time.sleep(0.2)
    yield port
    process.terminate()
    process.wait(timeout=10)


def test_the_readme_blocks_are_found() -> None:
    blocks = _shell_blocks()
    assert len(blocks) >= 3 and blocks[0].startswith("source .venv/bin/activate")


def test_every_readme_command_runs_as_written(
    workdir: Path, environment: dict[str, str], server: int
) -> None:
    script = "\n".join(_shell_blocks()).replace("127.0.0.1:8000", f"127.0.0.1:{server}")
    result = subprocess.run(
        ["bash", "-c", "set -euxo pipefail\n" + script],  # -x: a failure names its command
        cwd=workdir,
        env=environment,
        input=f"{PASSWORD}\n{PASSWORD}\n",
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert '"status":"ok"' in result.stdout  # the health check answered
    assert '"email":"admin@demo.labelpool.dev"' in result.stdout  # the token worked
    # the curl import, polled until the server's job runner finished it
    assert '"status":"succeeded"' in result.stdout and '"rows_imported":2' in result.stdout
    assert (workdir / "results.csv").read_text().startswith("task,")
