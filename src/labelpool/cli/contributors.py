"""`labelpool contributors`."""

from __future__ import annotations

import typer

from labelpool.cli.common import load_settings, unit_of_work

contributors_app = typer.Typer(help="Contributor accounts.", no_args_is_help=True)


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
