"""`labelpool contributors import` against a real database (both backends)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.cli.app import app
from labelpool.contributors.models import AccountStateChange
from labelpool.contributors.service import is_active
from tests.factories import make_user

HEADER = "email,name,country,languages,skills,devices,weekly_hours,time_zone\n"
ROWS = (
    "ana@example.org,Ana Souza,BR,pt:native;en:fluent,grammar:80,laptop:windows,20,America/Sao_Paulo\n"  # noqa: E501
    "bo@example.org,Bo Chen,SG,zh:native,,desktop:linux,35,Asia/Singapore\n"
)
REASON = "Moved over from our previous tool."


@pytest.fixture
def runner(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("LABELPOOL_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LABELPOOL_DATA_DIR", str(tmp_path / "data"))
    yield CliRunner()


@pytest.fixture
def admin(db: Session) -> User:
    return make_user(db, role=Role.ADMIN, email="admin@example.org")


def _csv(tmp_path: Path, text: str) -> str:
    path = tmp_path / "pool.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def _contributors(db: Session) -> list[User]:
    db.expire_all()
    return list(db.scalars(select(User).where(User.role == Role.CONTRIBUTOR).order_by(User.id)))


def test_help_names_the_columns() -> None:
    result = CliRunner().invoke(app, ["contributors", "import", "--help"])
    assert result.exit_code == 0 and "weekly_hours" in result.output


def test_import_without_activate(
    runner: CliRunner, db: Session, admin: User, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["contributors", "import", _csv(tmp_path, HEADER + ROWS)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "created 2 contributors (under review)"
    users = _contributors(db)
    assert [u.email for u in users] == ["ana@example.org", "bo@example.org"]
    assert not any(is_active(db, u.id) for u in users)


def test_import_with_activate(runner: CliRunner, db: Session, admin: User, tmp_path: Path) -> None:
    path = _csv(tmp_path, HEADER + ROWS)
    result = runner.invoke(app, ["contributors", "import", path, "--activate", "--reason", REASON])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "created 2 contributors (active)"
    for user in _contributors(db):
        assert is_active(db, user.id)
        activation = db.scalar(
            select(AccountStateChange).where(
                AccountStateChange.user_id == user.id, AccountStateChange.to_state == "active"
            )
        )
        assert activation is not None
        assert (activation.actor_id, activation.reason) == (admin.id, REASON)
    again = runner.invoke(app, ["contributors", "import", path, "--activate", "--reason", "x"])
    assert again.exit_code == 1
    assert "line 2: an account with ana@example.org already exists" in again.output
    assert "line 3: an account with bo@example.org already exists" in again.output
    assert again.output.strip().splitlines()[-1] == (
        "error: 2 problems in pool.csv; nothing was imported"
    )


def test_bad_rows_create_nothing(
    runner: CliRunner, db: Session, admin: User, tmp_path: Path
) -> None:
    text = HEADER + ROWS + ROWS.replace("@", "2@").replace(",SG,", ",XX,")
    result = runner.invoke(app, ["contributors", "import", _csv(tmp_path, text)])
    assert result.exit_code == 1
    assert "line 5: country 'XX' is not an ISO country code (e.g. DE, BR)" in result.output
    assert result.output.strip().splitlines()[-1] == (
        "error: 1 problem in pool.csv; nothing was imported"
    )
    assert _contributors(db) == []


def test_duplicate_emails_in_the_file(
    runner: CliRunner, db: Session, admin: User, tmp_path: Path
) -> None:
    result = runner.invoke(app, ["contributors", "import", _csv(tmp_path, HEADER + ROWS + ROWS)])
    assert result.exit_code == 1
    assert "line 4: e-mail ana@example.org is also on line 2" in result.output
    assert "line 5: e-mail bo@example.org is also on line 3" in result.output
    assert _contributors(db) == []


def test_dry_run_checks_and_creates_nothing(
    runner: CliRunner, db: Session, admin: User, tmp_path: Path
) -> None:
    path = _csv(tmp_path, HEADER + ROWS)
    result = runner.invoke(
        app, ["contributors", "import", path, "--dry-run", "--activate", "--reason", REASON]
    )
    assert result.exit_code == 0, result.output
    assert "2 contributors checked, nothing created (--dry-run)" in result.output
    assert _contributors(db) == []


def test_activate_needs_a_reason_and_an_admin(
    runner: CliRunner, db: Session, tmp_path: Path
) -> None:
    path = _csv(tmp_path, HEADER + ROWS)
    no_reason = runner.invoke(app, ["contributors", "import", path, "--activate"])
    assert no_reason.exit_code == 1 and "--activate needs --reason" in no_reason.output
    no_admin = runner.invoke(app, ["contributors", "import", path])
    assert no_admin.exit_code == 1 and "create an admin first" in no_admin.output
    missing = runner.invoke(app, ["contributors", "import", str(tmp_path / "nope.csv")])
    assert missing.exit_code == 1 and "is not a file" in missing.output
    assert _contributors(db) == []
