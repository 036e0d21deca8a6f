"""The job that e-mails a notification (queued by `service.notify` with the notification).

Retries with the runner's back-off (2 s, 4 s, 8 s ... at most an hour between tries) for up
to EMAIL_ATTEMPTS tries, about two and a half hours; a permanent refusal is not retried.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from labelpool.jobs.registry import handler
from labelpool.notifications.delivery import deliver

if TYPE_CHECKING:
    from labelpool.jobs.context import JobContext

log = logging.getLogger(__name__)

SEND_EMAIL = "notifications.send_email"
EMAIL_ATTEMPTS = 12


@handler(SEND_EMAIL)
def send_email(db: Session, payload: dict[str, Any], context: JobContext) -> None:
    outcome = deliver(db, int(payload["notification_id"]), context.settings.mail)
    if outcome == "refused":
        log.warning("notification %s: e-mail refused for good", payload["notification_id"])
