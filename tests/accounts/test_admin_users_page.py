"""Admin → Users shows each contributor's real account state and links to their review, in a
fixed number of queries however many users there are."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role
from labelpool.contributors import service as contributors
from labelpool.contributors.enums import ContributorState
from labelpool.contributors.settings import ReviewSettings
from tests.contributors.helpers import complete_input
from tests.factories import log_in, make_active_contributor, make_organization, make_user


def _row(html: str, user: User) -> str:
    found = re.search(rf'<tr id="user-{user.id}">(.*?)</tr>', html, re.S)
    assert found, f"no row for {user.email}"
    return found.group(1)


def _badges(row: str) -> list[str]:
    return re.findall(r'<span class="badge badge-[a-z]+ badge-dot"[^>]*>([^<]+)</span>', row)


def _contributors_in_every_state(db: Session) -> dict[str, User]:
    settings = ReviewSettings()
    not_applied = make_user(db)
    applied = make_user(db)
    contributors.get_or_create_profile(db, applied)
    under_review = make_user(db)
    contributors.update_profile(db, under_review, complete_input(), settings)
    contributors.submit_application(db, under_review, settings)
    active = make_active_contributor(db)
    suspended = make_active_contributor(db)
    admin = make_user(db, role=Role.ADMIN)
    contributors.change_state(db, admin, suspended.id, ContributorState.SUSPENDED, "Fraud.")
    db.commit()
    return {
        "Not applied yet": not_applied,
        "Applied": applied,
        "Under review": under_review,
        "Active": active,
        "Suspended": suspended,
    }


def test_each_contributor_shows_their_account_state_and_links_to_the_review(
    client: TestClient, db: Session
) -> None:
    boss = make_user(db, role=Role.ADMIN, email="boss@example.org")
    by_state = _contributors_in_every_state(db)
    requester = make_user(db, role=Role.REQUESTER)
    log_in(client, boss.email)
    html = client.get("/admin/users").text
    for label, user in by_state.items():
        row = _row(html, user)
        assert _badges(row) == [label], (user.email, _badges(row))
        assert f'href="/admin/reviews/{user.id}"' in row
    requester_row = _row(html, requester)
    assert _badges(requester_row) == ["Active"]
    assert "/admin/reviews/" not in requester_row
    # The link leads to that contributor's review page.
    target = by_state["Under review"]
    review = client.get(f"/admin/reviews/{target.id}")
    assert review.status_code == 200 and target.email in review.text


def test_a_disabled_log_in_is_shown_beside_the_account_state(
    client: TestClient, db: Session
) -> None:
    boss = make_user(db, role=Role.ADMIN, email="boss@example.org")
    contributor = make_active_contributor(db)
    contributor.is_active = False
    db.commit()
    log_in(client, boss.email)
    row = _row(client.get("/admin/users").text, contributor)
    assert _badges(row) == ["Active", "Log-in disabled"]


@contextmanager
def _counting(client: TestClient) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    assert isinstance(client.app, FastAPI)
    engine = client.app.state.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_users_page_takes_the_same_queries_for_few_or_many_users(
    client: TestClient, db: Session
) -> None:
    boss = make_user(db, role=Role.ADMIN, email="boss@example.org")
    organization = make_organization(db, "Acme")
    make_user(db, role=Role.REQUESTER, organization=organization)
    log_in(client, boss.email)
    client.get("/admin/users")  # warm up: the session's last-seen time is written once
    with _counting(client) as few:
        assert client.get("/admin/users").status_code == 200
    _contributors_in_every_state(db)
    for _ in range(3):
        member = make_user(db, role=Role.REVIEWER)
        accounts.add_membership(db, member, organization, Role.REVIEWER)
    db.commit()
    with _counting(client) as many:
        assert client.get("/admin/users").status_code == 200
    assert len(many) == len(few), "\n".join(many)
