"""Background work for projects: running queued imports, pruning uploads nobody needs.

The import handler opens its own transactions (`jobs.registry.own_transactions`): an import
commits batch by batch and must not hold the job's one transaction (nor SQLite's write lock)
from its first row to its last; `importing.runs` says what a stopped import leaves.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from labelpool.events import Action, subscribe
from labelpool.jobs.context import JobContext
from labelpool.jobs.registry import own_transactions, periodic
from labelpool.projects.importing.runs import prune_uploads, run_import

RUN_IMPORT = "projects.run_import"
KEEP_UNUSED_UPLOADS = timedelta(hours=1)


@own_transactions(RUN_IMPORT)
def run_queued_import(payload: dict[str, Any], context: JobContext) -> None:
    """Import the upload of the run named in the `import.queued` event (or resume it)."""
    assert context.sessions is not None  # the runner gives own-transaction handlers its factory
    run_import(
        context.sessions,
        context.settings,
        context.storage,
        int(payload["details"]["import_run_id"]),
        keep_alive=context.keep_alive,
    )


subscribe(Action.IMPORT_QUEUED, RUN_IMPORT)


@periodic("projects.prune_import_uploads", every=timedelta(hours=1))
def prune_import_uploads(db: Session, _payload: dict[str, Any], context: JobContext) -> None:
    """Delete stored uploads of runs that finished or never committed."""
    prune_uploads(db, context.settings, KEEP_UNUSED_UPLOADS)
