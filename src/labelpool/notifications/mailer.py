"""Sending one e-mail through the configured SMTP server (standard library `smtplib`).

`send` raises `PermanentFailure` when the server refused the message for good (a 5xx answer to
the recipient or the message): retrying cannot help. Anything else that goes wrong (the server
is down, a 4xx "try later", a failed log-in an admin may fix) raises as it came, so the job
runner retries with back-off.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from labelpool.notifications.settings import MailSettings, SmtpSecurity


class PermanentFailure(Exception):
    """The SMTP server refused this message for good (a 5xx answer)."""


def build_message(
    mail: MailSettings, to: str, subject: str, text: str, *, reference: str
) -> EmailMessage:
    """A plain-text message; `reference` makes its Message-ID (one per notification)."""
    message = EmailMessage()
    message["From"] = mail.smtp_from
    message["To"] = to
    message["Subject"] = " ".join(subject.split())  # no header folding tricks from a title
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(idstring=reference)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies, please
    message.set_content(text)
    return message


def _connect(mail: MailSettings) -> smtplib.SMTP:
    host = mail.smtp_host or "localhost"
    if mail.smtp_security == SmtpSecurity.SSL:
        return smtplib.SMTP_SSL(
            host, mail.port, timeout=mail.smtp_timeout_seconds, context=ssl.create_default_context()
        )
    connection = smtplib.SMTP(host, mail.port, timeout=mail.smtp_timeout_seconds)
    if mail.smtp_security == SmtpSecurity.STARTTLS:
        connection.starttls(context=ssl.create_default_context())
    return connection


def _permanent(code: int) -> bool:
    return 500 <= code < 600


def send(mail: MailSettings, message: EmailMessage) -> None:
    """Deliver `message` to the SMTP server (which then carries it to the recipient)."""
    with _connect(mail) as connection:
        if mail.smtp_username:
            password = mail.smtp_password.get_secret_value() if mail.smtp_password else ""
            connection.login(mail.smtp_username, password)
        try:
            refused = connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            if codes and all(_permanent(code) for code in codes):
                detail = "; ".join(
                    f"{to}: {code} {_text(reply)}" for to, (code, reply) in exc.recipients.items()
                )
                raise PermanentFailure(f"recipient refused: {detail}") from exc
            raise
        except smtplib.SMTPDataError as exc:
            if _permanent(exc.smtp_code):
                raise PermanentFailure(
                    f"message refused: {exc.smtp_code} {_text(exc.smtp_error)}"
                ) from exc
            raise
        if refused:  # only some recipients refused: there is one recipient, so not reached
            raise PermanentFailure(f"recipient refused: {refused}")


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
