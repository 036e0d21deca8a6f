"""Uploads are spooled to labelpool's own temp folder and what a killed process leaves there is
removed at start-up, never the media (issue 18: a kill -9 mid-upload left files forever)."""

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
from labelpool.media.storage import hold_lock
from labelpool.projects.importing.runs import upload_folder
from labelpool.projects.models import Project
from labelpool.projects.uploads import _upload_folder, clean_stale_uploads, uploads_dir
from tests.factories import api_token
from tests.projects.conftest import RunJobs

KILLED_MID_UPLOAD = """
import os, signal, sys
from labelpool.config import Settings
from labelpool.projects.uploads import _upload_folder

with _upload_folder(Settings(data_dir=sys.argv[1])) as folder:
    (folder / "big.jsonl").write_bytes(b'{"text": "half a file"}\\n' * 1000)
    print(folder, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
"""


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="file locks (fcntl)")


def _age(path: Path, seconds: float = 3600) -> Path:
    past = time.time() - seconds
    os.utime(path, (past, past))
    return path


def test_an_upload_cut_off_by_kill_9_is_removed_at_start_up(settings: Settings) -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_UPLOAD, str(settings.data_dir)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == -9, done.stderr
    leftover = Path(done.stdout.strip())
    assert leftover.parent == uploads_dir(settings) and (leftover / "big.jsonl").is_file()

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
    assert list(uploads_dir(settings).iterdir()) == []


def test_an_upload_in_progress_is_locked(settings: Settings) -> None:
    with _upload_folder(settings) as folder:
        _age(folder)
        assert clean_stale_uploads(settings) == 0
        assert folder.exists()
    assert not folder.exists()
