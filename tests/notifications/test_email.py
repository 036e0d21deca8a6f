"""Notification e-mails through a real SMTP server on localhost (aiosmtpd), sent by the job
runner: delivered with subject, body and link; nothing without LABELPOOL_SMTP_HOST or for a
user who turned e-mail off; retried with back-off while the server is down; and nothing lost
when the process dies right after the change committed."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.assessments import service as assessments
from labelpool.assessments.models import Attempt
from labelpool.config import Settings
from labelpool.db.engine import make_engine, make_session_factory
from labelpool.db.types import utcnow
from labelpool.jobs.models import JobStatus, OutboxJob
from labelpool.jobs.runner import backoff
from labelpool.notifications import delivery, kinds
from labelpool.notifications.jobs import SEND_EMAIL
from labelpool.notifications.models import Notification
from labelpool.notifications.settings import MailSettings, SmtpSecurity
from tests.assessments.builders import make_test, org_with_requester
from tests.factories import make_active_contributor
from tests.notifications.runs import drain, notifications_of

RESULT_TITLE = "You did not pass “Sentiment test”"


class Inbox:
    """An aiosmtpd handler keeping every message it accepts; refuses `refuse` for good."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str, subject: str | None = None) -> list[EmailMessage]:
        return [
            m
            for m in self.messages
            if m["To"] == address and (subject is None or m["Subject"] == subject)
        ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


def start_server(inbox: Inbox, port: int) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def smtp(inbox: Inbox, port: int) -> Iterator[Inbox]:
    """A running SMTP server on `port`, collecting what it is sent."""
    controller = start_server(inbox, port)
    yield inbox
    controller.stop()


def with_mail(settings: Settings, port: int) -> Settings:
    mail = MailSettings(
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_security=SmtpSecurity.NONE,
        smtp_from="labelpool <noreply@labels.example.org>",
        smtp_timeout_seconds=5,
        public_url="https://labels.example.org/",
    )
    return settings.model_copy(update={"mail": mail})


def fail_a_test(db: Session, engine: Engine) -> tuple[User, Attempt]:
    """A contributor fails a test (a real service call, committed): a test result follows."""
    organization, requester = org_with_requester(db)
    test = make_test(db, requester, organization, questions=1, cooldown_seconds=0)
    contributor = make_active_contributor(db)
    attempt = assessments.start_attempt(db, contributor, test)
    assessments.submit_attempt(db, contributor, attempt)
    db.commit()
    return contributor, attempt


def email_jobs(db: Session) -> list[OutboxJob]:
    db.rollback()
    return list(db.scalars(select(OutboxJob).where(OutboxJob.handler == SEND_EMAIL)))


def job_state(db: Session, job_id: int) -> tuple[JobStatus, int]:
    """The job's status and attempts, as committed."""
    db.rollback()
    job = db.get(OutboxJob, job_id)
    assert job is not None
    db.refresh(job)
    return job.status, job.attempts


def the_result(db: Session, user: User) -> Notification:
    (notice,) = notifications_of(db, user.id, kinds.TEST_RESULT)
    return notice


def test_the_email_carries_subject_body_and_link(
    db: Session, engine: Engine, settings: Settings, smtp: Inbox, port: int
) -> None:
    contributor, attempt = fail_a_test(db, engine)
    drain(engine, with_mail(settings, port))
    (message,) = smtp.to(contributor.email, RESULT_TITLE)
    assert message["From"] == "labelpool <noreply@labels.example.org>"
    assert message["Auto-Submitted"] == "auto-generated"
    text = message.get_content()
    notice = the_result(db, contributor)
    assert notice.body in text
    assert f"Open it: https://labels.example.org/attempts/{attempt.id}/result" in text
    assert "https://labels.example.org/notifications" in text  # how to turn these off
    assert notice.emailed_at is not None and notice.email_error is None
    assert notice.emailed_at.utcoffset() is not None  # an aware UTC time

    drain(engine, with_mail(settings, port))
    assert len(smtp.to(contributor.email, RESULT_TITLE)) == 1  # sent once


def test_a_repeated_email_job_sends_nothing_twice(
    db: Session, engine: Engine, settings: Settings, smtp: Inbox, port: int
) -> None:
    contributor, _ = fail_a_test(db, engine)
    mailing = with_mail(settings, port)
    drain(engine, mailing)
    notice = the_result(db, contributor)
    db.add(
        OutboxJob(handler=SEND_EMAIL, payload={"notification_id": notice.id}, run_after=utcnow())
    )
    db.commit()
    drain(engine, mailing)
    assert len(smtp.to(contributor.email, RESULT_TITLE)) == 1


def test_no_smtp_host_sends_nothing_and_fails_nothing(
    db: Session, engine: Engine, settings: Settings, smtp: Inbox
) -> None:
    assert not settings.mail.enabled
    contributor, _ = fail_a_test(db, engine)
    report = drain(engine, settings)
    assert report.failed == 0
    assert smtp.messages == []
    notice = the_result(db, contributor)
    assert notice.emailed_at is None and notice.email_error is None
    jobs = email_jobs(db)
    assert jobs and all(j.status == JobStatus.DONE and j.last_error is None for j in jobs)


def test_a_user_who_turned_email_off_gets_none(
    db: Session, engine: Engine, settings: Settings, smtp: Inbox, port: int
) -> None:
    contributor, _ = fail_a_test(db, engine)
    contributor.notify_by_email = False
    db.commit()
    drain(engine, with_mail(settings, port))
    assert smtp.to(contributor.email) == []
    notice = the_result(db, contributor)
    assert notice.emailed_at is None and notice.email_error == delivery.OPTED_OUT
    assert notice.read_at is None  # the in-app notification stays


def test_a_refused_recipient_is_not_retried(
    db: Session, engine: Engine, settings: Settings, smtp: Inbox, port: int
) -> None:
    contributor, _ = fail_a_test(db, engine)
    smtp.refuse.add(contributor.email)
    report = drain(engine, with_mail(settings, port))
    assert report.failed == 0
    notice = the_result(db, contributor)
    assert notice.emailed_at is None
    assert notice.email_error is not None and "550" in notice.email_error
    smtp.refuse.clear()
    drain(engine, with_mail(settings, port), later=3600)
    assert smtp.to(contributor.email) == []


def test_server_down_is_retried_with_backoff_then_delivered(
    db: Session, engine: Engine, settings: Settings, inbox: Inbox, port: int
) -> None:
    contributor, _ = fail_a_test(db, engine)
    mailing = with_mail(settings, port)  # nothing listens on the port yet
    first = drain(engine, mailing)
    assert first.failed >= 1
    notice = the_result(db, contributor)
    (job,) = [j for j in email_jobs(db) if j.payload == {"notification_id": notice.id}]
    assert job.status == JobStatus.PENDING and job.attempts == 1
    assert job.last_error is not None and "Connection refused" in job.last_error
    assert drain(engine, mailing).ran == 0  # waiting out the back-off

    drain(engine, mailing, later=backoff(1).total_seconds() + 1)  # still down: second try
    assert job_state(db, job.id) == (JobStatus.PENDING, 2)

    controller = start_server(inbox, port)
    try:
        assert drain(engine, mailing, later=1).ran == 0  # the back-off doubled: not yet
        drain(engine, mailing, later=backoff(2).total_seconds() + 1)
    finally:
        controller.stop()
    assert len(inbox.to(contributor.email, RESULT_TITLE)) == 1
    assert job_state(db, job.id) == (JobStatus.DONE, 3)
    assert the_result(db, contributor).emailed_at is not None


def test_a_crash_after_the_commit_loses_nothing(
    db: Session, engine: Engine, settings: Settings, smtp: Inbox, port: int
) -> None:
    # The change commits; the process "dies" before any runner ran (its session and engine
    # are thrown away).
    url = engine.url.render_as_string(hide_password=False)
    doomed_engine = make_engine(url)
    doomed = make_session_factory(doomed_engine)()
    contributor, attempt = fail_a_test(doomed, doomed_engine)
    user_id, email, attempt_id = contributor.id, contributor.email, attempt.id
    doomed.close()
    doomed_engine.dispose()
    assert notifications_of(db, user_id, kinds.TEST_RESULT) == []  # not yet written

    # A fresh process starts its runner later: the result is notified and e-mailed.
    fresh_engine = make_engine(url)
    try:
        drain(fresh_engine, with_mail(settings, port))
    finally:
        fresh_engine.dispose()
    (message,) = smtp.to(email, RESULT_TITLE)
    assert f"/attempts/{attempt_id}/result" in message.get_content()
    assert the_result(db, contributor).emailed_at is not None
