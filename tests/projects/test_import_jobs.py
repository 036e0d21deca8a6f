"""Uploads are imported by a job (issue 20.2): 202 with the run, progress while it runs, batches
committed one by one, and a stopped import either resumed whole or failed with nothing kept."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.config import Settings
from labelpool.db.engine import make_session_factory
from labelpool.jobs.models import JobStatus, OutboxJob
from labelpool.media.storage import storage_from_settings
from labelpool.projects import service
from labelpool.projects.importing import run_state, runs
from labelpool.projects.importing import service as importing
from labelpool.projects.importing.writer import ItemWriter
from labelpool.projects.models import (
    ImportRun,
    ImportStage,
    ImportStatus,
    Item,
    Prediction,
    Project,
    ProjectStatus,
)
from tests.factories import api_token, log_in, make_organization, make_user
from tests.projects.conftest import SENTIMENT_FIELDS, SENTIMENT_SCHEMA, RunJobs


def _rows(count: int, **extra: Any) -> bytes:
    lines = [
        json.dumps({"id": f"r{i}", "text": f"review {i}", **extra}) for i in range(1, count + 1)
    ]
    return ("\n".join(lines) + "\n").encode()


def _post(
    client: TestClient, headers: dict[str, str], project: Project, body: bytes, **data: str
) -> Any:
    return client.post(
        f"/api/v1/projects/{project.id}/imports",
        headers=headers,
        files={"file": ("rows.jsonl", body, "application/x-ndjson")},
        data=data,
    )


def _item_ids(db: Session, project: Project) -> list[str | None]:
    db.rollback()
    query = select(Item.external_id).where(Item.project_id == project.id).order_by(Item.id)
    return list(db.scalars(query))


def _run(db: Session, run_id: int) -> ImportRun:
    db.rollback()
    run = db.get(ImportRun, run_id)
    assert run is not None
    db.refresh(run)
    return run


def _queued_file(db: Session, project: Project, tmp_path: Path, count: int) -> tuple[Path, int]:
    """A file of `count` rows and its queued import run (committed): the file and the run's id."""
    source = tmp_path / "rows.jsonl"
    source.write_bytes(_rows(count))
    run_id = runs.new_run(db, project, source, fmt=None, skip_invalid=False).id
    db.commit()
    return source, run_id


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Batches of two rows, so a file of ten is five transactions."""
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)


def test_an_upload_is_202_with_its_run_then_the_job_imports_it(
    client: TestClient,
    db: Session,
    settings: Settings,
    requester: User,
    project: Project,
    run_jobs: RunJobs,
) -> None:
    headers = api_token(db, requester)
    body = _rows(3, gold={"sentiment": "positive"})
    response = _post(client, headers, project, body)
    assert response.status_code == 202, response.text
    queued = response.json()
    location = f"/api/v1/projects/{project.id}/imports/{queued['id']}"
    assert response.headers["location"] == location
    assert (queued["status"], queued["progress"], queued["bytes_total"]) == (
        "queued",
        0.0,
        len(body),
    )
    stored = run_state.upload_folder(settings, queued["id"]) / "rows.jsonl"
    assert stored.read_bytes() == body
    assert client.get(location, headers=headers).json()["status"] == "queued"
    assert _item_ids(db, project) == []

    assert run_jobs().failed == 0
    done = client.get(location, headers=headers).json()
    assert done["status"] == "succeeded" and done["progress"] == 1.0
    assert (done["rows_read"], done["rows_imported"], done["rows_invalid"]) == (3, 3, 0)
    assert done["message"] == "Imported 3 items." and done["finished_at"] is not None
    assert done["bytes_read"] == len(body) and done["stage"] is None
    assert _item_ids(db, project) == ["r1", "r2", "r3"]
    db.refresh(project)
    assert (project.item_count, project.gold_count) == (3, 3)
    assert not stored.parent.exists(), "the upload is deleted when the run finishes"
    run_jobs()
    assert _item_ids(db, project) == ["r1", "r2", "r3"], "the job runs once"


def test_progress_is_committed_batch_by_batch(
    db: Session,
    engine: Engine,
    settings: Settings,
    requester: User,
    project: Project,
    tmp_path: Path,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source, run_id = _queued_file(db, project, tmp_path, 5)
    factory = make_session_factory(engine)
    seen: list[tuple[str, str | None, int, int]] = []
    real_write = ItemWriter.write

    def watching(writer: ItemWriter, rows: list[Any]) -> None:
        # What another connection sees as each batch is written: the batches before it.
        with factory() as other:
            run = other.get_one(ImportRun, run_id)
            stored = other.scalar(select(func.count()).where(Item.project_id == project.id))
            seen.append((run.status.value, run.stage, run.rows_imported, int(stored or 0)))
        real_write(writer, rows)

    monkeypatch.setattr(ItemWriter, "write", watching)
    run = runs.run_import(factory, settings, storage_from_settings(settings), run_id, path=source)
    assert run is not None and run.status == ImportStatus.SUCCEEDED
    assert seen == [
        ("running", ImportStage.WRITING, 0, 0),
        ("running", ImportStage.WRITING, 2, 2),
        ("running", ImportStage.WRITING, 4, 4),
    ]
    assert _item_ids(db, project) == ["r1", "r2", "r3", "r4", "r5"]


def test_a_failed_file_reports_its_errors_and_keeps_nothing(
    client: TestClient,
    db: Session,
    settings: Settings,
    requester: User,
    project: Project,
    run_jobs: RunJobs,
) -> None:
    headers = api_token(db, requester)
    body = b'{"text": "fine"}\n{"text": 5}\n{"stars": 3}\n'
    queued = _post(client, headers, project, body).json()
    run_jobs()
    failed = client.get(f"/api/v1/projects/{project.id}/imports/{queued['id']}", headers=headers)
    run = failed.json()
    assert run["status"] == "failed"
    assert run["message"].startswith("2 of 3 rows have problems, so nothing was imported.")
    assert [(e["row"], e["field"]) for e in run["errors"]] == [(2, "text"), (3, "text")]
    assert (run["rows_read"], run["rows_invalid"], run["rows_imported"]) == (3, 2, 0)
    assert _item_ids(db, project) == []
    assert not run_state.upload_folder(settings, run["id"]).exists()

    skipped = _post(client, headers, project, body, skip_invalid="true").json()
    run_jobs()
    imported = client.get(f"/api/v1/projects/{project.id}/imports/{skipped['id']}", headers=headers)
    assert imported.json()["message"] == "Imported 1 item; skipped 2 invalid rows."
    assert imported.json()["rows_invalid"] == 2 and len(imported.json()["errors"]) == 2


def test_refusals_that_need_no_reading_stay_immediate(
    client: TestClient, db: Session, settings: Settings, requester: User, project: Project
) -> None:
    headers = api_token(db, requester)
    unknown = client.post(
        f"/api/v1/projects/{project.id}/imports",
        headers=headers,
        files={"file": ("notes.docx", b"hello")},
    )
    assert unknown.status_code == 422 and "Cannot tell the format" in unknown.text
    service.change_status(db, requester, project, ProjectStatus.CANCELLED, None)
    db.commit()
    closed = _post(client, headers, project, _rows(1))
    assert closed.status_code == 422 and "cancelled" in closed.text
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ImportRun)) == 0
    assert not (settings.resolved_data_dir / run_state.IMPORTS_DIR).exists() or not any(
        (settings.resolved_data_dir / run_state.IMPORTS_DIR).iterdir()
    )


def test_another_organizations_run_is_404(
    client: TestClient,
    db: Session,
    requester: User,
    project: Project,
    run_jobs: RunJobs,
) -> None:
    outsider_org: Organization = make_organization(db, "Globex")
    outsider = make_user(db, role=Role.REQUESTER, organization=outsider_org)
    theirs = service.create_project(
        db,
        outsider,
        outsider_org.id,
        name="Theirs",
        data_fields=SENTIMENT_FIELDS,
        label_schema=SENTIMENT_SCHEMA,
    )
    db.commit()
    their_run = _post(client, api_token(db, outsider), theirs, _rows(1)).json()["id"]
    headers = api_token(db, requester)
    mine = client.get(f"/api/v1/projects/{project.id}/imports/{their_run}", headers=headers)
    assert mine.status_code == 404
    direct = client.get(f"/api/v1/projects/{theirs.id}/imports/{their_run}", headers=headers)
    assert direct.status_code == 404
    assert client.get(f"/api/v1/projects/{theirs.id}/imports", headers=headers).status_code == 404
    log_in(client, requester.email)
    assert client.get(f"/projects/{project.id}/imports/{their_run}").status_code == 404
    assert client.get(f"/projects/{project.id}/imports/{their_run}/progress").status_code == 404


def test_a_crash_mid_write_is_resumed_by_the_retry_without_duplicates(
    client: TestClient,
    db: Session,
    requester: User,
    project: Project,
    run_jobs: RunJobs,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = api_token(db, requester)
    run_id = _post(client, headers, project, _rows(9)).json()["id"]
    real_write = ItemWriter.write
    calls = {"n": 0}

    def crash_on_the_third_batch(writer: ItemWriter, rows: list[Any]) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError("disk full")
        real_write(writer, rows)

    monkeypatch.setattr(ItemWriter, "write", crash_on_the_third_batch)
    report = run_jobs()
    assert report.failed == 1
    stopped = _run(db, run_id)
    assert (stopped.status, stopped.stage, stopped.attempts) == (
        ImportStatus.RUNNING,
        ImportStage.WRITING,
        1,
    )
    assert stopped.rows_imported == 4 and stopped.written_through == 4
    assert stopped.message is not None and "disk full" in stopped.message
    assert _item_ids(db, project) == ["r1", "r2", "r3", "r4"], "two batches were committed"

    run_jobs()
    assert _run(db, run_id).attempts == 1, "the retry waits for its back-off"
    assert run_jobs(later=60).failed == 0
    done = _run(db, run_id)
    assert (done.status, done.rows_imported, done.attempts) == (ImportStatus.SUCCEEDED, 9, 2)
    assert _item_ids(db, project) == [f"r{i}" for i in range(1, 10)]
    db.refresh(project)
    assert project.item_count == 9


def test_an_import_that_keeps_crashing_fails_and_deletes_what_it_wrote(
    client: TestClient,
    db: Session,
    requester: User,
    project: Project,
    run_jobs: RunJobs,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    headers = api_token(db, requester)
    body = _rows(6, predictions={"sentiment": "neutral"})
    run_id = _post(client, headers, project, body).json()["id"]
    real_write = ItemWriter.write
    written = {"batches": 0}

    def one_batch_then_crash(writer: ItemWriter, rows: list[Any]) -> None:
        if written["batches"] >= 1:
            raise RuntimeError("the database went away")
        written["batches"] += 1
        real_write(writer, rows)

    monkeypatch.setattr(ItemWriter, "write", one_batch_then_crash)
    assert run_jobs().failed == 1
    assert _item_ids(db, project) == ["r1", "r2"]
    assert run_jobs(later=60).failed == 1
    assert run_jobs(later=600).failed == 0, "the last attempt gives up cleanly: the job is done"
    run = _run(db, run_id)
    assert run.status == ImportStatus.FAILED and run.attempts == runs.MAX_ATTEMPTS
    assert run.message is not None and "nothing was kept" in run.message
    assert run.rows_imported == 0
    assert _item_ids(db, project) == [], "the committed batch is deleted with the failure"
    assert db.scalar(select(func.count()).select_from(Prediction)) == 0
    job = db.scalar(select(OutboxJob).where(OutboxJob.handler == "projects.run_import"))
    assert job is not None and job.status == JobStatus.DONE


def test_a_runner_that_died_is_replaced_and_its_run_failed_after_the_last_try(
    db: Session,
    engine: Engine,
    settings: Settings,
    requester: User,
    project: Project,
    tmp_path: Path,
) -> None:
    source = tmp_path / "rows.jsonl"
    source.write_bytes(_rows(2))
    run = runs.new_run(db, project, source, fmt=None, skip_invalid=False)
    run.status, run.stage, run.attempts = ImportStatus.RUNNING, ImportStage.WRITING, 3
    run.rows_read = run.rows_imported = run.written_through = 1
    db.commit()
    db.add(Item(project_id=project.id, external_id="r1", data={"text": "x"}, import_run_id=run.id))
    db.commit()
    factory = make_session_factory(engine)
    storage = storage_from_settings(settings)
    left = runs.run_import(factory, settings, storage, run.id, path=source)
    assert left is not None and left.status == ImportStatus.FAILED
    assert left.message == "The import stopped before the end 3 times; nothing was kept."
    assert _item_ids(db, project) == []


def test_an_attempt_that_lost_its_lease_stops_and_the_next_one_finishes(
    db: Session,
    engine: Engine,
    settings: Settings,
    requester: User,
    project: Project,
    tmp_path: Path,
    small_batches: None,
) -> None:
    source, run_id = _queued_file(db, project, tmp_path, 6)
    factory = make_session_factory(engine)
    storage = storage_from_settings(settings)
    taken_over = runs.run_import(
        factory, settings, storage, run_id, path=source, keep_alive=lambda: False
    )
    assert taken_over is None and _item_ids(db, project) == []
    assert _run(db, run_id).status == ImportStatus.RUNNING
    done = runs.run_import(factory, settings, storage, run_id, path=source)
    assert done is not None and done.status == ImportStatus.SUCCEEDED and done.attempts == 2
    assert len(_item_ids(db, project)) == 6


def test_ids_taken_by_another_import_meanwhile_fail_the_run_whole(
    db: Session,
    engine: Engine,
    settings: Settings,
    requester: User,
    project: Project,
    tmp_path: Path,
    small_batches: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    source, run_id = _queued_file(db, project, tmp_path, 4)
    factory = make_session_factory(engine)
    real_start = run_state.start_writing

    def another_import_lands(sessions: Any, claim: Any, tally: Any) -> None:
        real_start(sessions, claim, tally)
        with factory() as other, other.begin():
            other.add(Item(project_id=project.id, external_id="r3", data={"text": "theirs"}))

    monkeypatch.setattr(run_state, "start_writing", another_import_lands)
    storage = storage_from_settings(settings)
    run = runs.run_import(factory, settings, storage, run_id, path=source)
    assert run is not None and run.status == ImportStatus.FAILED
    assert run.errors == [{"row": 3, "field": "id", "problem": "'r3' is already in the project"}]
    assert _item_ids(db, project) == ["r3"], "only the other import's item is left"


def test_stale_uploads_are_pruned_but_not_those_of_unfinished_runs(
    db: Session, settings: Settings, requester: User, project: Project
) -> None:
    live = runs.queue_upload(db, settings, requester, project, io.BytesIO(b"{}"), "a.jsonl")
    db.commit()
    orphan = run_state.upload_folder(settings, live.id + 100)
    orphan.mkdir(parents=True)
    (orphan / "b.jsonl").write_bytes(b"{}")
    assert runs.prune_uploads(db, settings, timedelta(0)) == 1
    assert not orphan.exists() and run_state.upload_folder(settings, live.id).exists()
