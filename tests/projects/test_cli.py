"""`labelpool templates`, `labelpool projects` and `labelpool import` from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from labelpool.cli.app import app
from labelpool.projects.templates import TEMPLATES


@pytest.fixture
def runner(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("LABELPOOL_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LABELPOOL_DATA_DIR", str(tmp_path))
    runner = CliRunner()
    created = runner.invoke(
        app,
        [
            "users",
            "create",
            "boss@example.org",
            "--role",
            "admin",
            "--password",
            "a fine password",
            "--organization",
            "Acme",
        ],
    )
    assert created.exit_code == 0, created.output
    yield runner


def test_templates_list_json_has_every_template() -> None:
    result = CliRunner().invoke(app, ["templates", "list", "--json"])
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert {t["key"] for t in listed} == set(TEMPLATES)
    assert all({"family", "data_fields", "controls"} <= set(t) for t in listed)
    unknown = CliRunner().invoke(app, ["templates", "list", "--family", "smell"])
    assert unknown.exit_code == 1 and "smell" in unknown.output


def test_create_import_and_activate(runner: CliRunner, tmp_path: Path) -> None:
    created = runner.invoke(
        app,
        ["projects", "create", "Reviews", "--template", "text-sentiment", "--organization", "Acme"],
    )
    assert created.exit_code == 0, created.output
    project_id = created.stdout.strip()
    assert project_id.isdigit() and f"created project {project_id}" in created.stderr
    source = tmp_path / "reviews.jsonl"
    source.write_text("\n".join(json.dumps({"text": f"review {i}"}) for i in range(30)))
    imported = runner.invoke(app, ["import", project_id, str(source)])
    assert imported.exit_code == 0, imported.output
    assert "Imported 30 items." in imported.stdout
    activated = runner.invoke(app, ["projects", "status", project_id, "active"])
    assert activated.exit_code == 0 and "now active" in activated.stdout
    listed = json.loads(runner.invoke(app, ["projects", "list", "--json"]).stdout)
    assert listed[0]["items"] == 30 and listed[0]["status"] == "active"


def test_a_bad_file_prints_each_problem_and_exits_non_zero(
    runner: CliRunner, tmp_path: Path
) -> None:
    runner.invoke(
        app,
        ["projects", "create", "Reviews", "--template", "text-sentiment", "--organization", "Acme"],
    )
    source = tmp_path / "reviews.csv"
    source.write_text("text,note\ngood,a\n,b\nfine,c\n")
    failed = runner.invoke(app, ["import", "1", str(source)])
    assert failed.exit_code == 1
    assert "row 3, field 'text': is missing" in failed.output
    assert "1 of 3 rows has problems, so nothing was imported" in failed.output
    skipped = runner.invoke(app, ["import", "1", str(source), "--skip-invalid"])
    assert skipped.exit_code == 0 and "Imported 2 items; skipped 1 invalid row." in skipped.output


def test_import_errors_for_missing_files_and_projects(runner: CliRunner, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["import", "1", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    source = tmp_path / "a.jsonl"
    source.write_text('{"text": "x"}\n')
    no_project = runner.invoke(app, ["import", "99", str(source)])
    assert no_project.exit_code == 1 and "no project with id 99" in no_project.output
