"""The requester's reported items (issue 21, point 5): the list (counts by reason, comments,
never who reported), fix and release (checked like an import row, back into the pool),
remove (for good, responses kept), who may, and other tenants' ids."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.audit.models import AuditEvent
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labelpool.projects.models import Item
from labelpool.work import claims, reported, reports, submissions
from labelpool.work.claims import NoWork
from labelpool.work.models import Assignment, AssignmentStatus, ReportReason, Response
from tests.factories import api_token, make_organization, make_user
from tests.work.helpers import Setup, contributors, work_project

GOOD = {"sentiment": "positive"}


def _reported(db: Session, setup: Setup, people: list[User], *reasons: ReportReason) -> int:
    """Each person claims an item and reports it (with a comment); returns the item's id."""
    item_id = 0
    for person, reason in zip(people, reasons, strict=True):
        claimed = claims.claim(db, person, setup.project.id)
        item_id = claimed.item.id
        reports.report(db, person, claimed.assignment.id, reason, f"{reason.value} by a person")
    db.commit()
    return item_id


def _withdrawn_item(db: Session, *, threshold: int = 2, overlap: int = 3) -> tuple[Setup, int]:
    """A one-item project whose item two contributors' reports withdrew."""
    setup = work_project(db, items=1, overlap=overlap)
    setup.project.report_threshold = threshold
    db.commit()
    people = contributors(db, threshold)
    reasons = [ReportReason.BROKEN_MEDIA, ReportReason.UNCLEAR, ReportReason.OTHER][:threshold]
    return setup, _reported(db, setup, people, *reasons)


def _item(db: Session, item_id: int) -> Item:
    db.expire_all()
    found = db.get(Item, item_id)
    assert found is not None
    return found


def test_the_list_counts_reasons_and_shows_comments_not_reporters(db: Session) -> None:
    setup, item_id = _withdrawn_item(db)
    found = reported.reported_items(db, setup.project)
    assert [entry.item.id for entry in found] == [item_id]
    entry = found[0]
    assert entry.withdrawn and entry.reports == 2
    assert entry.by_reason == {"broken_media": 1, "offensive": 0, "unclear": 1, "other": 0}
    assert [n.comment for n in entry.notes] == ["broken_media by a person", "unclear by a person"]
    assert all(n.created_at.tzinfo is not None for n in entry.notes)
    assert not hasattr(entry.notes[0], "user_id")
    assert reported.withdrawn_count(db, setup.project) == 1


def test_items_below_the_threshold_are_listed_still_in_the_pool(db: Session) -> None:
    setup = work_project(db, items=3, overlap=2)
    (alice,) = contributors(db, 1)
    item_id = _reported(db, setup, [alice], ReportReason.OFFENSIVE)
    (entry,) = reported.reported_items(db, setup.project)
    assert entry.item.id == item_id and not entry.withdrawn and entry.reports == 1
    assert reported.reported_items(db, setup.project, withdrawn_only=True) == []
    assert reported.withdrawn_count(db, setup.project) == 0


def test_the_list_pages_by_item_id(db: Session) -> None:
    setup = work_project(db, items=3, overlap=1)
    setup.project.report_threshold = 1  # each report withdraws: the next person gets the next
    db.commit()
    people = contributors(db, 3)
    ids = sorted(_reported(db, setup, [p], ReportReason.UNCLEAR) for p in people)
    first = reported.reported_items(db, setup.project, limit=2)
    assert [e.item.id for e in first] == ids[:2]
    rest = reported.reported_items(db, setup.project, after_id=first[-1].item.id, limit=2)
    assert [e.item.id for e in rest] == ids[2:]


def test_release_brings_the_item_back_so_a_claim_gets_it(db: Session) -> None:
    setup, item_id = _withdrawn_item(db)
    (carol,) = contributors(db, 1)
    with pytest.raises(NoWork):
        claims.claim(db, carol, setup.project.id)
    db.rollback()
    done = reported.release(db, setup.requester, setup.project, item_id, note="looked fine")
    db.commit()
    assert done.resolved_reports == 2 and not done.data_changed
    assert not _item(db, item_id).withdrawn
    assert reported.reported_items(db, setup.project) == []  # its reports are resolved
    assert reported.withdrawn_count(db, setup.project) == 0
    claimed = claims.claim(db, carol, setup.project.id)
    assert claimed.item.id == item_id
    event = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "item.released", AuditEvent.target_id == item_id
        )
    ).one()
    assert event.actor_id == setup.requester.id and event.reason == "looked fine"
    assert event.details["reports"] == 2


def test_after_a_release_only_new_reports_withdraw_it_again(db: Session) -> None:
    setup, item_id = _withdrawn_item(db, threshold=2, overlap=5)
    reported.release(db, setup.requester, setup.project, item_id)
    db.commit()
    carol, dave = contributors(db, 2)
    _reported(db, setup, [carol], ReportReason.UNCLEAR)
    assert not _item(db, item_id).withdrawn  # 3 reports in all, 1 since the release
    (entry,) = reported.reported_items(db, setup.project)
    assert entry.reports == 1 and not entry.withdrawn
    _reported(db, setup, [dave], ReportReason.OFFENSIVE)
    assert _item(db, item_id).withdrawn
    (entry,) = reported.reported_items(db, setup.project)
    assert entry.reports == 2 and entry.by_reason["offensive"] == 1
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "item.withdrawn", AuditEvent.target_id == item_id)
        )
        == 2
    )


def test_fix_and_release_replaces_the_data(db: Session) -> None:
    setup, item_id = _withdrawn_item(db)
    done = reported.release(db, setup.requester, setup.project, item_id, {"text": "fixed text"})
    db.commit()
    assert done.data_changed
    assert _item(db, item_id).data == {"text": "fixed text"}
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "item.released")).one()
    assert event.details["previous_data"] == {"text": "review 0"}


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "text"), ({"text": ""}, "text"), ({"text": 12}, "text"), ({"text": "   "}, "text")],
)
def test_new_data_is_checked_like_an_import_row(
    db: Session, data: dict[str, Any], field: str
) -> None:
    setup, item_id = _withdrawn_item(db)
    with pytest.raises(InvalidInput) as refused:
        reported.release(db, setup.requester, setup.project, item_id, data)
    assert refused.value.details[0]["field"] == field
    assert field in refused.value.message
    db.rollback()
    item = _item(db, item_id)
    assert item.withdrawn and item.data == {"text": "review 0"}


def test_release_refuses_an_item_with_nothing_to_release(db: Session) -> None:
    setup = work_project(db, items=1)
    with pytest.raises(Conflict) as refused:
        reported.release(db, setup.requester, setup.project, setup.item_ids[0])
    assert refused.value.code == "not_reported"


def test_remove_keeps_the_responses_and_ends_live_leases(db: Session) -> None:
    setup = work_project(db, items=1, overlap=4)
    setup.project.report_threshold = 2
    db.commit()
    answerer, holder, *reporters = contributors(db, 4)
    answered = claims.claim(db, answerer, setup.project.id)
    submissions.submit(db, answerer, answered.assignment.id, GOOD, 5, "k1")
    held = claims.claim(db, holder, setup.project.id)
    db.commit()
    item_id = _reported(db, setup, reporters, ReportReason.OFFENSIVE, ReportReason.OFFENSIVE)

    done = reported.remove(db, setup.requester, setup.project, item_id, note="offensive")
    db.commit()
    assert (done.responses_kept, done.leases_released, done.resolved_reports) == (1, 1, 2)
    assert db.scalar(select(func.count()).select_from(Response)) == 1
    db.expire_all()
    lease = db.get(Assignment, held.assignment.id)
    assert lease is not None and lease.status == AssignmentStatus.RELEASED
    item = _item(db, item_id)
    assert item.withdrawn and item.taken == 1  # the answer still holds its place
    assert reported.reported_items(db, setup.project) == []
    assert reported.withdrawn_count(db, setup.project) == 0
    with pytest.raises(Conflict) as refused:
        reported.release(db, setup.requester, setup.project, item_id)
    assert refused.value.code == "item_removed"
    db.rollback()
    with pytest.raises(Conflict):
        reported.remove(db, setup.requester, setup.project, item_id)


def test_who_may_see_and_resolve_reports(db: Session) -> None:
    setup, _ = _withdrawn_item(db)
    organization = db.get(Organization, setup.project.organization_id)
    assert organization is not None
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    outsider = make_user(db, role=Role.REQUESTER, organization=make_organization(db, "Beta"))
    (contributor,) = contributors(db, 1)
    pid = setup.project.id
    assert reported.require_project(db, reviewer, pid, manage=False) is setup.project
    with pytest.raises(PermissionDenied):
        reported.require_project(db, reviewer, pid, manage=True)
    for stranger in (outsider, contributor):
        for manage in (False, True):
            with pytest.raises(NotFound):
                reported.require_project(db, stranger, pid, manage=manage)


# --- over the API -------------------------------------------------------------------------


def test_api_lists_releases_and_removes(db: Session, client: TestClient) -> None:
    setup, item_id = _withdrawn_item(db)
    headers = api_token(db, setup.requester)
    base = f"/api/v1/projects/{setup.project.id}"
    listed = client.get(f"{base}/reports", headers=headers)
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["withdrawn_total"] == 1 and body["next_after_id"] is None
    (entry,) = body["items"]
    assert entry["id"] == item_id and entry["withdrawn"] and entry["reports"] == 2
    assert entry["data"] == {"text": "review 0"}
    assert [c["comment"] for c in entry["comments"]] == [
        "broken_media by a person",
        "unclear by a person",
    ]
    assert "user_id" not in str(entry)

    bad = client.post(
        f"{base}/items/{item_id}/release", json={"data": {"text": 5}}, headers=headers
    )
    assert bad.status_code == 422, bad.text
    assert bad.json()["error"]["details"][0]["field"] == "text"
    assert client.get(f"{base}/reports?withdrawn=true", headers=headers).json()["items"]

    fixed = client.post(
        f"{base}/items/{item_id}/release", json={"data": {"text": "better"}}, headers=headers
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["data"] == {"text": "better"} and not fixed.json()["withdrawn"]
    again = client.post(f"{base}/items/{item_id}/release", headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_reported"

    removed = client.post(f"{base}/items/{item_id}/remove", json={"note": "dup"}, headers=headers)
    assert removed.status_code == 200, removed.text
    assert removed.json()["removed"] and removed.json()["withdrawn"]
    assert client.get(f"{base}/reports", headers=headers).json()["items"] == []


def test_api_refuses_other_tenants_and_items_of_other_projects(
    db: Session, client: TestClient
) -> None:
    setup, item_id = _withdrawn_item(db)
    other = work_project(db, items=1)  # another organization's project and item
    outsider_headers = api_token(db, other.requester)
    base = f"/api/v1/projects/{setup.project.id}"
    assert client.get(f"{base}/reports", headers=outsider_headers).status_code == 404
    for action in ("release", "remove"):
        url = f"{base}/items/{item_id}/{action}"
        assert client.post(url, headers=outsider_headers).status_code == 404
        # The requester's own project, another tenant's item id: no such item here.
        own = f"{base}/items/{other.item_ids[0]}/{action}"
        missing = client.post(own, headers=api_token(db, setup.requester))
        assert missing.status_code == 404, missing.text
        # The outsider's project, our item's id.
        crossed = f"/api/v1/projects/{other.project.id}/items/{item_id}/{action}"
        assert client.post(crossed, headers=outsider_headers).status_code == 404
    assert _item(db, item_id).withdrawn  # nothing changed
    (contributor,) = contributors(db, 1)
    assert client.get(f"{base}/reports", headers=api_token(db, contributor)).status_code == 404
