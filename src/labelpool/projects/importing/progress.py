"""How an import run reads on the page: its stage, its progress bar, its counts (pure)."""

from __future__ import annotations

from typing import Any

from labelpool.media.sniff import format_bytes
from labelpool.projects.models import ImportRun, ImportStage, ImportStatus

POLL_SECONDS = 2  # how often the page asks how far a queued or running import got

STAGE_LABELS = {
    ImportStage.CHECKING: "Checking every row",
    ImportStage.WRITING: "Storing items",
}
STATUS_BADGES = {
    ImportStatus.QUEUED: "info",
    ImportStatus.RUNNING: "info",
    ImportStatus.SUCCEEDED: "success",
    ImportStatus.FAILED: "danger",
}


def run_view(run: ImportRun) -> dict[str, Any]:
    """The run for `projects/_import_progress.html`."""
    if run.status == ImportStatus.QUEUED:
        doing = "Waiting for the importer to start"
    elif run.status == ImportStatus.RUNNING:
        doing = STAGE_LABELS.get(run.stage, "Starting") if run.stage else "Starting"
    else:
        doing = run.status.value.capitalize()
    total = run.bytes_total
    return {
        "id": run.id,
        "project_id": run.project_id,
        "source_name": run.source_name,
        "format": run.format,
        "status": run.status.value,
        "status_badge": STATUS_BADGES[run.status],
        "doing": doing,
        "finished": run.finished,
        "percent": round(run.progress * 100, 1),
        "variant": {"succeeded": "success", "failed": "danger"}.get(run.status.value),
        "rows_read": run.rows_read,
        "rows_imported": run.rows_imported,
        "rows_invalid": run.rows_invalid,
        "size": format_bytes(total) if total else None,
        "read": format_bytes(min(run.bytes_read, total)) if total and run.stage else None,
        "message": run.message,
        "poll_url": f"/projects/{run.project_id}/imports/{run.id}/progress",
        "poll_seconds": POLL_SECONDS,
    }
