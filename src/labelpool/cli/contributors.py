"""`labelpool contributors`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer

from labelpool.cli.common import fail, load_settings, progress_bar, unit_of_work
from labelpool.text import plural

contributors_app = typer.Typer(help="Contributor accounts.", no_args_is_help=True)
_SHOWN = 50  # problems printed; the count says how many more


@contributors_app.command("purge-documents")
def contributors_purge_documents() -> None:
    """Delete identity documents whose retention period has ended now (the job runner also
    does this every hour)."""
    from labelpool.contributors.service import purge_expired_documents
    from labelpool.db.types import utcnow
    from labelpool.media.storage import storage_from_settings

    settings = load_settings()
    storage = storage_from_settings(settings)
    with unit_of_work(settings) as db:
        deleted = purge_expired_documents(db, storage, utcnow())
    typer.echo(f"deleted {deleted} identity document(s)")


@contributors_app.command("import")
def contributors_import(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV with columns email, name, country, languages, skills, devices, "
            "weekly_hours, time_zone (optional: primary_domain, experience)."
        ),
    ],
    activate: Annotated[
        bool,
        typer.Option("--activate", help="Activate every account, as the admin's decision."),
    ] = False,
    reason: Annotated[
        str,
        typer.Option("--reason", help="Why (needed with --activate; contributors see it)."),
    ] = "",
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row, create nothing.")
    ] = False,
    invite: Annotated[
        bool,
        typer.Option(
            "--invite",
            help="Also write the created accounts to an invites CSV for a mail merge "
            "(e-mail, name, id, the admin's password-reset path, a note).",
        ),
    ] = False,
    invites: Annotated[
        Path | None,
        typer.Option(
            "--invites",
            help="Where --invite writes (default: FILE's name with -invites.csv, beside it).",
        ),
    ] = None,
) -> None:
    """Create contributors from a CSV file, e.g. a workforce brought over from another tool.

    Languages are `en:native;fr:fluent`, skills `grammar:80;audio:60` (0-100), devices
    `laptop:windows;phone` (the operating system is optional). Every row is checked first; a
    file with any bad row creates nothing, and each problem is reported by line. Accounts
    have no usable password until an admin resets it (`POST /api/v1/users/{id}/password-reset`
    or Reset password on /admin/users); `--invite` lists them, with that path, in a CSV for a
    mail merge. Acts as the first admin account.
    """
    from rich.console import Console

    from labelpool.accounts.models import User
    from labelpool.cli.projects import _system_admin
    from labelpool.contributors.bulk_import import (
        ImportRefused,
        check_path,
        create_contributors,
        write_invites,
    )
    from labelpool.db.engine import begin_write

    if not file.is_file():
        raise fail(f"{file} is not a file")
    reason = reason.strip()
    if activate and not reason:
        raise fail('--activate needs --reason "..." (contributors see it in their history)')
    if invites is not None and not invite:
        raise fail("--invites names the file --invite writes; add --invite")
    invites_path = invites or file.with_name(f"{file.stem}-invites.csv")
    if invite and not dry_run:
        if invites_path.exists():
            raise fail(f"{invites_path} already exists; move it or give --invites PATH")
        if not invites_path.parent.is_dir():
            raise fail(f"{invites_path.parent} is not a folder (for --invites)")
    created: list[User] = []
    console = Console(stderr=True)
    with file.open("rb") as raw:
        lines = max(sum(1 for _ in raw) - 1, 0)
    settings = load_settings()
    with unit_of_work(settings) as db:
        begin_write(db)  # the e-mail checks and the writes see one state of the database
        admin = cast(User, _system_admin(db))
        with progress_bar(console) as bar:
            task = bar.add_task(f"checking {file.name}", total=lines)
            checked = check_path(
                db,
                file,
                settings.review,
                activate=activate,
                progress=lambda n: bar.update(task, completed=n),
            )
            problems = [str(p) for p in checked.problems]
            if not problems and not dry_run:
                bar.update(task, description="creating", completed=0, total=len(checked.rows))
                try:
                    created = create_contributors(
                        db,
                        admin,
                        checked.rows,
                        settings.review,
                        activate_reason=reason if activate else None,
                        skill_reason=reason or f"Imported from {file.name}.",
                        progress=lambda n: bar.update(task, completed=n),
                    )
                except ImportRefused as refused:
                    problems = [str(p) for p in refused.problems]
        if problems:
            for problem in problems[:_SHOWN]:
                console.print(f"  {problem}", highlight=False, markup=False)
            if len(problems) > _SHOWN:
                console.print(f"  ... and {len(problems) - _SHOWN} more", highlight=False)
            raise fail(f"{plural(len(problems), 'problem')} in {file.name}; nothing was imported")
    count = plural(len(checked.rows), "contributor")
    state = "active" if activate else "under review"
    if dry_run:
        typer.echo(f"{count} checked, nothing created (--dry-run); they would be {state}")
        return
    if invite:
        written = write_invites(invites_path, created, active=activate)
        typer.echo(
            f"wrote {plural(written, 'invite')} to {invites_path} (no passwords: an admin "
            "resets each account's password and sends it)"
        )
    typer.echo(f"created {count} ({state})")
