"""Notifications: one per user, unread until marked read."""

from __future__ import annotations

from sqlalchemy.orm import Session

from labelpool.notifications import service
from tests.factories import make_user


def test_notify_counts_unread_and_marks_read(db: Session) -> None:
    ana, bo = make_user(db), make_user(db)
    assert service.notify(db, [ana.id, bo.id, ana.id], "guidelines.updated", "New guidelines") == 2
    service.notify(db, [ana.id], "work.available", "New work", link="/work")
    assert service.unread_count(db, ana.id) == 2
    newest = service.unread(db, ana.id)[0]
    assert (newest.kind, newest.link) == ("work.available", "/work")
    service.mark_read(db, ana.id, [newest.id])
    assert service.unread_count(db, ana.id) == 1
    service.mark_read(db, ana.id)
    assert service.unread_count(db, ana.id) == 0
    assert service.unread_count(db, bo.id) == 1
