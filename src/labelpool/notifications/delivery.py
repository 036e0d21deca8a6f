"""E-mailing one notification: at most once per success, never for an opted-out user.

Called by the `notifications.send_email` job in the job's transaction. A notification already
e-mailed (or given up on) is left alone, so a repeated job sends nothing twice, except when
the runner dies between the server's "250 OK" and the commit: then the e-mail is sent again
(at least once, like every job).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.db.types import utcnow
from labelpool.notifications import mailer
from labelpool.notifications.models import Notification
from labelpool.notifications.settings import MailSettings

OPTED_OUT = "not sent: the user turned notification e-mails off"
DISABLED = "not sent: the account is disabled"
PAGE = "/notifications"


def absolute(mail: MailSettings, link: str | None) -> str | None:
    """The link as the recipient's mail program can open it."""
    if not link:
        return None
    if link.startswith(("http://", "https://")) or not mail.public_url:
        return link
    return mail.public_url.rstrip("/") + "/" + link.lstrip("/")


def email_text(mail: MailSettings, notification: Notification) -> str:
    """The e-mail's plain-text body: the notification, its link, and how to stop these."""
    parts = [notification.body.strip()] if notification.body.strip() else []
    if link := absolute(mail, notification.link):
        parts.append(f"Open it: {link}")
    page = absolute(mail, PAGE)
    parts.append(
        "--\nYou get this e-mail because labelpool notified you. Turn these e-mails off on "
        f"your notifications page: {page}"
    )
    return "\n\n".join(parts) + "\n"


def deliver(db: Session, notification_id: int, mail: MailSettings) -> str:
    """E-mail the notification if it still should be; returns what happened (for logs/tests):
    sent | off (no SMTP server configured) | done (sent or given up before) | skipped | refused.
    A failure worth retrying raises."""
    if not mail.enabled:
        return "off"
    notification = db.get(Notification, notification_id)
    if notification is None or notification.emailed_at or notification.email_error:
        return "done"
    user = db.get(User, notification.user_id)
    if user is None or not user.is_active:
        notification.email_error = DISABLED
        return "skipped"
    if not user.notify_by_email:
        notification.email_error = OPTED_OUT
        return "skipped"
    message = mailer.build_message(
        mail,
        user.email,
        notification.title,
        email_text(mail, notification),
        reference=f"notification-{notification.id}",
    )
    try:
        mailer.send(mail, message)
    except mailer.PermanentFailure as exc:
        notification.email_error = str(exc)[:500]
        return "refused"
    notification.emailed_at = utcnow()
    return "sent"
