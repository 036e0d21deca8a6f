"""What a killed process leaves in labelpool's temp folders is removed at start-up, never the
media (issue 18: a kill -9 mid-upload left files forever), and a queued import's stored upload
goes once its run has run (issue 20.2)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.app import create_app
from labelpool.config import Settings
from labelpool.media.storage import hold_lock, storage_from_settings
from labelpool.projects.importing.run_state import upload_folder
from labelpool.projects.models import Project
from labelpool.projects.uploads import clean_stale_uploads, uploads_dir
from tests.factories import api_token
from tests.projects.conftest import RunJobs

KILLED_MID_WRITE = """
import os, signal, sys
from labelpool.config import Settings
from labelpool.media.storage import storage_from_settings

class HalfAPicture:
    sent = False

    def read(self, size=-1):
        if self.sent:
            os.kill(os.getpid(), signal.SIGKILL)
        self.sent = True
        return b"half a picture" * 1000

storage_from_settings(Settings(data_dir=sys.argv[1])).save("org1/ab/cut.png", HalfAPicture())
"""


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="file locks (fcntl)")


def _age(path: Path, seconds: float = 3600) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def test_a_media_write_cut_off_by_kill_9_is_removed_at_start_up(settings: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, str(settings.data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    media = settings.resolved_data_dir / "media"
    [leftover] = list((media / ".tmp").iterdir())
    assert leftover.name.startswith("upload-") and leftover.stat().st_size > 0
    assert not (media / "org1" / "ab" / "cut.png").exists()

    app = create_app(settings)  # the start-up hook
    app.state.engine.dispose()
    assert not leftover.exists()


def test_only_stale_temp_entries_go_never_media_or_live_uploads(settings: Settings) -> None:
    data = settings.resolved_data_dir
    stale_upload = _age(_make(uploads_dir(settings) / "upload-old" / "rows.csv").parent)
    stale_write = _age(_make(data / "media" / ".tmp" / "upload-x1"))
    stored = _age(_make(data / "media" / "org1" / "ab" / "upload-ab12.png"))
    unrelated = _age(_make(uploads_dir(settings) / "notes.txt"))
    fresh = _make(uploads_dir(settings) / "upload-new" / "rows.csv").parent
    os.utime(fresh, (time.time() + 60, time.time() + 60))
    live = _age(_make(uploads_dir(settings) / "upload-live" / "rows.csv").parent)
    fd = os.open(live, os.O_RDONLY)
    try:
        hold_lock(fd)
        assert clean_stale_uploads(settings) == 2
    finally:
        os.close(fd)
    assert not stale_upload.exists() and not stale_write.exists()
    assert live.exists(), "held by a running process"
    assert stored.exists() and unrelated.exists() and fresh.exists()


def _make(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    return path


def test_an_import_leaves_nothing_behind(
    client: TestClient,
    db: Session,
    settings: Settings,
    requester: User,
    project: Project,
    run_jobs: RunJobs,
) -> None:
    response = client.post(
        f"/api/v1/projects/{project.id}/imports",
        headers=api_token(db, requester),
        files={"file": ("rows.jsonl", b'{"text": "fine"}\n')},
    )
    assert response.status_code == 202, response.text
    stored = upload_folder(settings, response.json()["id"])
    assert (stored / "rows.jsonl").read_bytes() == b'{"text": "fine"}\n'
    assert run_jobs().failed == 0
    assert not stored.exists(), "the upload goes once its import has run"
    assert not any(uploads_dir(settings).glob("*")), "nothing is spooled to the old folder"


def test_a_media_write_in_progress_is_locked(settings: Settings) -> None:
    storage = storage_from_settings(settings)
    seen: list[tuple[int, list[Path]]] = []

    class Picture:
        chunks = [b"part one", b"part two"]

        def read(self, size: int = -1, /) -> bytes:
            if not self.chunks:
                return b""
            if len(self.chunks) == 1:  # mid-write: the temp file exists and is held
                temp = list((settings.resolved_data_dir / "media" / ".tmp").iterdir())
                for entry in temp:
                    _age(entry)
                seen.append((clean_stale_uploads(settings), temp))
            return self.chunks.pop(0)

    assert storage.save("org1/ab/whole.png", Picture()) == len(b"part onepart two")
    [(removed, temp)] = seen
    assert removed == 0 and len(temp) == 1, "held by this process while it writes"
    assert not temp[0].exists(), "moved into place once written"
    assert storage.exists("org1/ab/whole.png")
