"""Work's job handlers: a cancelled project's live leases end (issue 21, point 7).

`projects` may not import `work` (the layers contract), so the release follows the status
change through the outbox: `project.status_changed` to cancelled queues this job in the same
transaction. Until it runs, the cancelled project already refuses claims, answers and
extensions (the work services read the project's status), so nothing is lost in between.
Safe to repeat: only leases still live are released.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from labelpool.events import Action
from labelpool.events.emit import on
from labelpool.jobs.context import JobContext
from labelpool.projects.models import Project, ProjectStatus
from labelpool.work.claims import release_live

RELEASE_CANCELLED = "work.release_cancelled"


@on(Action.PROJECT_STATUS_CHANGED, RELEASE_CANCELLED)
def release_cancelled(db: Session, payload: dict[str, Any], _context: JobContext) -> None:
    if (payload.get("details") or {}).get("to") != ProjectStatus.CANCELLED.value:
        return
    project = db.get(Project, payload["target_id"])
    if project is None or project.status != ProjectStatus.CANCELLED:
        return
    release_live(db, project)
