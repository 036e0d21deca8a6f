"""What every command shares: one-line failures, the command's settings, a unit of work, the
progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress
    from sqlalchemy.orm import Session

    from labelpool.config import Settings


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load_settings() -> Settings:
    """The command's one `Settings`, read from the environment (bad values: a one-line error).

    Each command reads it once and hands it (and what is built from it) down.
    """
    from pydantic import ValidationError

    from labelpool.config import get_settings

    try:
        return get_settings()
    except ValidationError as exc:
        problems = "; ".join(
            str(e.get("msg", "")).removeprefix("Value error, ") for e in exc.errors()
        )
        raise fail(f"bad setting: {problems}") from None


@contextmanager
def unit_of_work(settings: Settings | None = None, *, write: bool = True) -> Iterator[Session]:
    """A committed transaction on the configured database, with errors as one-line messages.

    `settings`: the command's settings, when it needs them for more than the database.
    `write`: begin as a writer (SQLite's `BEGIN IMMEDIATE`), so a command that reads, then
    writes waits for a running server's writes instead of failing "database is locked";
    listing commands pass False.
    """
    from sqlalchemy.exc import OperationalError

    from labelpool.db.engine import make_engine, make_session_factory, transaction
    from labelpool.errors import LabelpoolError

    settings = settings if settings is not None else load_settings()
    engine = make_engine(settings.sqlalchemy_url)
    try:
        with transaction(make_session_factory(engine), write=write) as session:
            yield session
    except LabelpoolError as exc:
        raise fail(exc.message) from None
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        hint = " Run `labelpool db upgrade` first." if "no such table" in reason else ""
        raise fail(f"database error: {reason}.{hint}") from None
    finally:
        engine.dispose()


def progress_bar(console: Console, *, in_bytes: bool = False) -> Progress:
    """The long commands' transient progress bar: the task's description, the bar, how far
    (done of total, or bytes with `in_bytes`) and the time left."""
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        MofNCompleteColumn,
        Progress,
        TimeRemainingColumn,
    )

    return Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn() if in_bytes else MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    )
