"""The notifications API, the /notifications page and the header bell, on both databases."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.accounts.roles import Scope
from labelpool.notifications import service
from labelpool.notifications.models import Notification
from tests.factories import api_token, csrf_token, log_in, make_user

API = "/api/v1/me/notifications"


def _notify(db: Session, user: User, n: int) -> list[int]:
    """`n` notifications for the user, oldest first; returns their ids."""
    for i in range(n):
        service.notify(db, [user.id], "test.result", f"Result {i}", f"Body {i}", f"/r/{i}")
    db.commit()
    return list(
        db.scalars(
            select(Notification.id).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def _read_at(db: Session, ids: list[int]) -> list[bool]:
    """Whether each notification is read, as committed (a fresh snapshot, columns not objects)."""
    db.rollback()
    query = select(Notification.read_at).where(Notification.id.in_(ids)).order_by(Notification.id)
    return [read_at is not None for read_at in db.scalars(query)]


def test_list_is_newest_first_and_pages_back(db: Session, client: TestClient) -> None:
    ana = make_user(db)
    ids = _notify(db, ana, 5)
    headers = api_token(db, ana, Scope.READ)

    first = client.get(API, params={"limit": 2}, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert [n["id"] for n in body["notifications"]] == [ids[4], ids[3]]
    assert body["notifications"][0]["title"] == "Result 4"
    assert body["notifications"][0]["link"] == "/r/4"
    assert body["unread_count"] == 5 and body["email"] is True
    assert body["next_before"] == ids[3]

    second = client.get(API, params={"limit": 2, "before": body["next_before"]}, headers=headers)
    assert [n["id"] for n in second.json()["notifications"]] == [ids[2], ids[1]]
    last = client.get(API, params={"limit": 2, "before": ids[1]}, headers=headers).json()
    assert [n["id"] for n in last["notifications"]] == [ids[0]]
    assert last["next_before"] is None

    newer = client.get(API, params={"after": ids[2]}, headers=headers).json()
    assert [n["id"] for n in newer["notifications"]] == [ids[4], ids[3]]


def test_bad_paging_is_422_not_500(db: Session, client: TestClient) -> None:
    headers = api_token(db, make_user(db))
    for params in ({"limit": 0}, {"limit": 201}, {"before": 0}, {"before": "x"}):
        response = client.get(API, params=params, headers=headers)
        assert response.status_code == 422, (params, response.text)


def test_mark_one_then_all_read(db: Session, client: TestClient) -> None:
    ana = make_user(db)
    ids = _notify(db, ana, 3)
    headers = api_token(db, ana)

    one = client.post(f"{API}/read", json={"ids": [ids[1]]}, headers=headers)
    assert one.status_code == 200, one.text
    assert one.json() == {"marked": 1, "unread_count": 2}
    assert _read_at(db, ids) == [False, True, False]
    unread = client.get(API, params={"unread": "true"}, headers=headers).json()
    assert [n["id"] for n in unread["notifications"]] == [ids[2], ids[0]]

    again = client.post(f"{API}/read", json={"ids": [ids[1]]}, headers=headers)
    assert again.json() == {"marked": 0, "unread_count": 2}  # already read: nothing changes

    every = client.post(f"{API}/read", json={"all": True}, headers=headers)
    assert every.json() == {"marked": 2, "unread_count": 0}
    assert _read_at(db, ids) == [True, True, True]


def test_someone_elses_id_is_404_and_nothing_is_marked(db: Session, client: TestClient) -> None:
    ana, bo = make_user(db), make_user(db)
    own = _notify(db, ana, 1)
    theirs = _notify(db, bo, 1)
    headers = api_token(db, ana)

    response = client.post(f"{API}/read", json={"ids": [own[0], theirs[0]]}, headers=headers)
    assert response.status_code == 404, response.text
    error = response.json()["error"]
    assert error["message"] == f"No notification with id {theirs[0]}."
    assert error["details"] == {"ids": [theirs[0]]}
    assert _read_at(db, own + theirs) == [False, False]  # neither ana's nor bo's changed
    missing = client.post(f"{API}/read", json={"ids": [999_999]}, headers=headers)
    assert missing.status_code == 404  # said the same way as another user's id


def test_mark_read_body_must_say_what(db: Session, client: TestClient) -> None:
    headers = api_token(db, make_user(db))
    for body in ({}, {"ids": [1], "all": True}, {"ids": [0]}, {"all": False}):
        response = client.post(f"{API}/read", json=body, headers=headers)
        assert response.status_code == 422, (body, response.text)


def test_a_read_token_cannot_mark_read(db: Session, client: TestClient) -> None:
    ana = make_user(db)
    ids = _notify(db, ana, 1)
    response = client.post(
        f"{API}/read", json={"all": True}, headers=api_token(db, ana, Scope.READ)
    )
    assert response.status_code == 403
    assert _read_at(db, ids) == [False]


def test_email_preference_round_trip(db: Session, client: TestClient) -> None:
    ana = make_user(db)
    headers = api_token(db, ana)
    off = client.put("/api/v1/me/notification-settings", json={"email": False}, headers=headers)
    assert off.status_code == 200 and off.json() == {"email": False}
    db.rollback()  # a fresh snapshot, then re-read ana
    db.refresh(ana)
    assert ana.notify_by_email is False
    assert client.get(API, headers=headers).json()["email"] is False
    bad = client.put("/api/v1/me/notification-settings", json={"email": "maybe"}, headers=headers)
    assert bad.status_code == 422
    client.put("/api/v1/me/notification-settings", json={"email": True}, headers=headers)
    db.rollback()  # a fresh snapshot, then re-read ana
    db.refresh(ana)
    assert ana.notify_by_email is True


def test_anonymous_gets_401(client: TestClient) -> None:
    assert client.get(API).status_code == 401


def _bell(html: str) -> str | None:
    """The unread count the header's bell shows, or None when it shows none."""
    bell = re.search(
        r'<a class="nav-bell [^"]*" href="/notifications" id="nav-bell".*?</a>', html, re.S
    )
    assert bell is not None, "no bell in the header"
    count = re.search(r'data-unread="(\d+)"', bell.group(0))
    return count.group(1) if count else None


def test_page_lists_and_marks_read_and_the_bell_counts(db: Session, client: TestClient) -> None:
    ana, bo = make_user(db), make_user(db)
    ids = _notify(db, ana, 3)
    bos = _notify(db, bo, 2)
    log_in(client, ana.email)

    page = client.get("/notifications")
    assert page.status_code == 200
    html = page.text
    assert _bell(html) == "3"
    assert html.index("Result 2") < html.index("Result 1") < html.index("Result 0")
    assert html.count('data-unread="true"') == 3
    assert "Result 0" in html and "Body 0" in html

    token = csrf_token(client)
    marked = client.post(
        "/notifications/read", data={"id": str(ids[0]), "csrf_token": token}, follow_redirects=True
    )
    assert marked.status_code == 200
    assert "Marked 1 read." in marked.text
    assert _bell(marked.text) == "2"

    other = client.post(
        "/notifications/read",
        data={"id": str(bos[0]), "csrf_token": token},
        follow_redirects=False,
    )
    assert other.status_code == 404  # bo's notification: not found for ana
    assert _read_at(db, [ids[1]]) == [False]

    client.post("/notifications/read", data={"all": "1", "csrf_token": token})
    after = client.get("/notifications").text
    assert _bell(after) is None and "All read" in after
    assert _bell(client.get("/").text) is None


def test_page_email_switch(db: Session, client: TestClient) -> None:
    ana = make_user(db)
    log_in(client, ana.email)
    page = client.get("/notifications").text
    assert "does not send e-mail" in page  # no LABELPOOL_SMTP_HOST in the tests' settings
    response = client.post(
        "/notifications/email", data={"csrf_token": csrf_token(client)}, follow_redirects=True
    )
    assert "No more notification e-mails." in response.text
    db.rollback()  # a fresh snapshot, then re-read ana
    db.refresh(ana)
    assert ana.notify_by_email is False
    client.post("/notifications/email", data={"email": "on", "csrf_token": csrf_token(client)})
    db.rollback()  # a fresh snapshot, then re-read ana
    db.refresh(ana)
    assert ana.notify_by_email is True


def test_page_needs_a_log_in(client: TestClient) -> None:
    response = client.get("/notifications", follow_redirects=False)
    assert response.status_code in (302, 303, 401)
