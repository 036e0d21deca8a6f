"""The command line: every command has --help, errors are one line with a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from labelpool.cli.app import app
from labelpool.demo.seed import DEMO_LOGINS

COMMANDS = [
    [],
    ["serve"],
    ["db"],
    ["db", "upgrade"],
    ["db", "revision"],
    ["users"],
    ["users", "create"],
    ["users", "list"],
    ["tokens"],
    ["tokens", "create"],
    ["demo"],
    ["contributors", "purge-documents"],
    ["aggregate"],
]


@pytest.fixture
def runner(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("LABELPOOL_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LABELPOOL_DATA_DIR", str(tmp_path))
    yield CliRunner()


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "labelpool")
def test_every_command_has_help(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "usage" in result.output.lower()


def test_users_create_list_and_duplicate(runner: CliRunner) -> None:
    created = runner.invoke(
        app,
        [
            "users",
            "create",
            "ana@example.org",
            "--name",
            "Ana",
            "--role",
            "requester",
            "--password",
            "a fine password",
            "--organization",
            "Acme",
        ],
    )
    assert created.exit_code == 0, created.output
    listed = runner.invoke(app, ["users", "list", "--json"])
    assert '"email": "ana@example.org"' in listed.output and '"role": "requester"' in listed.output
    again = runner.invoke(
        app, ["users", "create", "ana@example.org", "--password", "a fine password"]
    )
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        "error: An account with ana@example.org already exists; log in or reset its password."
    ]


def test_users_create_refuses_unknown_roles_and_weak_passwords(runner: CliRunner) -> None:
    role = runner.invoke(app, ["users", "create", "a@b.org", "--role", "boss", "--password", "x"])
    assert role.exit_code == 1 and "unknown role 'boss'" in role.output
    weak = runner.invoke(app, ["users", "create", "a@b.org", "--password", "short"])
    assert weak.exit_code == 1 and "at least 10 characters" in weak.output


def test_tokens_create_prints_a_working_token(runner: CliRunner) -> None:
    runner.invoke(app, ["users", "create", "ana@example.org", "--password", "a fine password"])
    result = runner.invoke(app, ["tokens", "create", "ana@example.org", "--name", "ci"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("lp_")
    missing = runner.invoke(app, ["tokens", "create", "nobody@example.org"])
    assert missing.exit_code == 1 and "no user with e-mail nobody@example.org" in missing.output


def test_demo_is_idempotent(runner: CliRunner) -> None:
    first = runner.invoke(app, ["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(app, ["demo"])
    assert second.exit_code == 0
    listed = runner.invoke(app, ["users", "list", "--json"])
    emails = [line for line in listed.output.splitlines() if '"email"' in line]
    assert len(emails) == len(DEMO_LOGINS)
    assert all(
        login.email in first.output and login.password in first.output for login in DEMO_LOGINS
    )


def test_commands_on_an_unmigrated_database_say_what_to_do(tmp_path: Path) -> None:
    env = {**os.environ, "LABELPOOL_DATA_DIR": str(tmp_path)}
    env.pop("LABELPOOL_DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "labelpool.cli", "users", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: database error: no such table: users. Run `labelpool db upgrade` first."
    ]


def test_db_upgrade_on_an_unreachable_database_fails_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "LABELPOOL_DATABASE_URL": "postgresql://postgres@127.0.0.1:1/nope"}
    result = subprocess.run(
        [sys.executable, "-m", "labelpool.cli", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the database")


def test_default_settings_keep_a_private_secret_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from labelpool.config import Settings

    monkeypatch.delenv("LABELPOOL_DATABASE_URL", raising=False)
    monkeypatch.delenv("LABELPOOL_SECRET_KEY", raising=False)
    settings = Settings(data_dir=tmp_path / "data")
    key = settings.signing_key
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.read_text() == key and len(key) >= 40
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert Settings(data_dir=tmp_path / "data").signing_key == key, "kept across restarts"
    assert settings.sqlalchemy_url == f"sqlite:///{tmp_path / 'data' / 'labelpool.sqlite3'}"


def test_purge_documents_runs_on_an_empty_database(runner: CliRunner) -> None:
    result = runner.invoke(app, ["contributors", "purge-documents"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "deleted 0 identity document(s)"


def test_a_command_waits_for_a_running_servers_write(runner: CliRunner, engine: Engine) -> None:
    """A command that reads, then writes (`users create`: is the e-mail taken?) while a
    server commits a write in between waits for its turn instead of failing "database is
    locked": its transaction begins as a writer (on SQLite a deferred one cannot wait)."""
    import threading

    from sqlalchemy import func, select, text

    from labelpool.accounts.models import Organization, User
    from labelpool.cli.common import unit_of_work
    from labelpool.db.engine import make_session_factory, transaction
    from tests.factories import make_organization

    def server_writes() -> None:  # as a request that writes does: a writer from the start
        with transaction(make_session_factory(engine), write=True) as other:
            make_organization(other, "Written by the server")

    server = threading.Thread(target=server_writes)
    with unit_of_work() as db:
        db.scalar(select(func.count()).select_from(User))  # the command reads...
        server.start()
        server.join(timeout=1.0)  # ...a server's write meanwhile waits for the command
        db.execute(text("UPDATE users SET display_name = display_name"))  # ...then writes
    server.join()
    with Session(engine) as check:  # and the server's write went in after the command's
        names = check.scalars(select(Organization.name)).all()
    assert names == ["Written by the server"]
