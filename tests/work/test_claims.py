"""Claiming, resuming, refusals (one per reason), submitting, idempotency, late answers,
skips, reports, tenant isolation (issue 21, points 4, 5, 7)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role, Scope
from labelpool.eligibility import service as eligibility
from labelpool.eligibility.rules import Requirements
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labelpool.jobs.models import OutboxJob
from labelpool.projects import service as projects
from labelpool.projects.models import Item, ProjectStatus
from labelpool.work import claims, reports, submissions
from labelpool.work.claims import NoWork
from labelpool.work.jobs import release_cancelled
from labelpool.work.models import Assignment, AssignmentStatus, ReportReason, Response
from tests.factories import make_organization, make_user
from tests.work.helpers import contributors, lapse, work_project

GOOD = {"sentiment": "positive"}


def _headers(db: Session, user: User) -> dict[str, str]:
    secret, _ = accounts.create_api_token(db, user, "work", Scope.WRITE)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_claim_then_resume_then_submit_over_the_api(db: Session, client: TestClient) -> None:
    setup = work_project(db, items=2)
    (alice,) = contributors(db, 1)
    headers = _headers(db, alice)
    url = f"/api/v1/projects/{setup.project.id}/assignments"
    first = client.post(url, headers=headers)
    assert first.status_code == 201, first.text
    body = first.json()
    assert set(body) == {"id", "project_id", "item", "expires_at"}
    assert set(body["item"]) == {"id", "data", "media"}  # no gold, no is_gold
    again = client.post(url, headers=headers)
    assert again.status_code == 200 and again.json()["id"] == body["id"]

    answer = f"/api/v1/assignments/{body['id']}/response"
    bad = client.post(
        answer, json={"answers": {"sentiment": "meh"}}, headers=headers | {"Idempotency-Key": "k0"}
    )
    assert bad.status_code == 422, bad.text
    assert "sentiment" in bad.json()["error"]["message"]
    sent = {"answers": GOOD, "active_seconds": 12}
    keyed = headers | {"Idempotency-Key": "k1"}
    stored = client.post(answer, json=sent, headers=keyed)
    assert stored.status_code == 201, stored.text
    retry = client.post(answer, json=sent, headers=keyed)
    assert retry.status_code == 200 and retry.json() == stored.json()
    other = client.post(answer, json={"answers": {"sentiment": "negative"}}, headers=keyed)
    assert other.status_code == 409, other.text
    assert db.scalar(select(func.count()).select_from(Response)) == 1

    mine = client.get("/api/v1/me/assignments", headers=headers)
    assert mine.status_code == 200
    assert [a["status"] for a in mine.json()["assignments"]] == ["submitted"]


def test_bad_answer_stores_nothing_and_keeps_the_lease(db: Session) -> None:
    setup = work_project(db)
    (alice,) = contributors(db, 1)
    claimed = claims.claim(db, alice, setup.project.id)
    db.commit()
    with pytest.raises(InvalidInput) as error:
        submissions.submit(db, alice, claimed.assignment.id, {"nope": 1}, 3, "k")
    assert "nope" in error.value.message
    db.rollback()
    assignment = db.get(Assignment, claimed.assignment.id)
    assert assignment is not None and assignment.status == AssignmentStatus.LIVE
    assert db.scalar(select(func.count()).select_from(Response)) == 0


def test_refused_when_not_active(db: Session) -> None:
    setup = work_project(db)
    applicant = make_user(db, role=Role.CONTRIBUTOR)
    db.commit()
    with pytest.raises(PermissionDenied) as error:
        claims.claim(db, applicant, setup.project.id)
    assert error.value.code == "not_eligible"
    assert "not active yet" in error.value.message
    (rule,) = error.value.details
    assert rule["key"] == "account_active" and rule["met"] is False
    assert rule["next_step"] and rule["next_href"] == "/review"


def test_an_active_contributor_missing_a_requirement_is_refused_with_it(
    db: Session, client: TestClient
) -> None:
    setup = work_project(db)
    eligibility.save_requirements(
        db, setup.requester, setup.project, Requirements(min_weekly_hours=60)
    )
    (alice,) = contributors(db, 1)
    refused = client.post(
        f"/api/v1/projects/{setup.project.id}/assignments", headers=_headers(db, alice)
    )
    assert refused.status_code == 403, refused.text
    error = refused.json()["error"]
    assert error["code"] == "not_eligible"
    assert "requirements" in error["message"]
    assert [(r["key"], r["met"]) for r in error["details"]] == [("min_weekly_hours", False)]
    assert error["details"][0]["required"] and error["details"][0]["value"]
    assert db.scalar(select(func.count()).select_from(Assignment)) == 0


@pytest.mark.parametrize("status", [ProjectStatus.PAUSED, ProjectStatus.CANCELLED])
def test_no_work_when_paused_or_cancelled(db: Session, status: ProjectStatus) -> None:
    setup = work_project(db)
    (alice,) = contributors(db, 1)
    projects.change_status(db, setup.requester, setup.project, status)
    db.commit()
    with pytest.raises(NoWork) as error:
        claims.claim(db, alice, setup.project.id)
    assert error.value.reason == status.value


def test_no_work_when_others_hold_the_last_leases(db: Session) -> None:
    setup = work_project(db, items=1)
    alice, bob = contributors(db, 2)
    held = claims.claim(db, alice, setup.project.id)
    db.commit()
    with pytest.raises(NoWork) as error:
        claims.claim(db, bob, setup.project.id)
    assert error.value.reason == "leases_held"
    assert error.value.retry_after == held.assignment.expires_at
    db.rollback()
    lapse(db, held.assignment.id)  # the lease ran out: bob gets the item, no job needed
    got = claims.claim(db, bob, setup.project.id)
    assert got.item.id == held.item.id
    db.commit()
    db.expire_all()
    assert db.get(Assignment, held.assignment.id).status == AssignmentStatus.EXPIRED  # type: ignore[union-attr]


def test_no_work_when_all_done(db: Session) -> None:
    setup = work_project(db, items=1, overlap=2)
    (alice,) = contributors(db, 1)
    claimed = claims.claim(db, alice, setup.project.id)
    submissions.submit(db, alice, claimed.assignment.id, GOOD, 5, "k")
    db.commit()
    with pytest.raises(NoWork) as error:
        claims.claim(db, alice, setup.project.id)
    assert error.value.reason == "all_done"


def test_skipped_item_goes_to_others_never_back(db: Session) -> None:
    setup = work_project(db, items=1)
    alice, bob = contributors(db, 2)
    claimed = claims.claim(db, alice, setup.project.id)
    submissions.skip(db, alice, claimed.assignment.id, "too hard")
    db.commit()
    with pytest.raises(NoWork):
        claims.claim(db, alice, setup.project.id)
    db.rollback()
    assert claims.claim(db, bob, setup.project.id).item.id == claimed.item.id


def test_late_answer_counts_when_the_item_still_needs_it(db: Session) -> None:
    setup = work_project(db, items=1)
    (alice,) = contributors(db, 1)
    claimed = claims.claim(db, alice, setup.project.id)
    db.commit()
    lapse(db, claimed.assignment.id)
    done = submissions.submit(db, alice, claimed.assignment.id, GOOD, 5, "k")
    db.commit()
    db.expire_all()
    assert done.response.late and done.response.counted and not done.refused_late
    item = db.get(Item, claimed.item.id)
    assert item is not None and item.taken == 1 and item.filled


def test_late_answer_the_item_no_longer_needs_is_kept_not_counted(
    db: Session, client: TestClient
) -> None:
    setup = work_project(db, items=1)
    alice, bob = contributors(db, 2)
    claimed = claims.claim(db, alice, setup.project.id)
    db.commit()
    lapse(db, claimed.assignment.id)
    taken = claims.claim(db, bob, setup.project.id)
    submissions.submit(db, bob, taken.assignment.id, GOOD, 5, "b")
    db.commit()
    answer = client.post(
        f"/api/v1/assignments/{claimed.assignment.id}/response",
        json={"answers": GOOD},
        headers=_headers(db, alice) | {"Idempotency-Key": "a"},
    )
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["code"] == "lease_expired"
    db.expire_all()
    kept = db.scalars(select(Response).where(Response.user_id == alice.id)).one()
    assert kept.late and not kept.counted
    assert db.get(Item, claimed.item.id).taken == 1  # type: ignore[union-attr]


def test_reports_withdraw_the_item_at_the_threshold(db: Session) -> None:
    setup = work_project(db, items=1, overlap=3)
    setup.project.report_threshold = 2
    db.commit()
    alice, bob = contributors(db, 2)
    first = claims.claim(db, alice, setup.project.id)
    _, withdrawn = reports.report(db, alice, first.assignment.id, ReportReason.UNCLEAR, "?")
    assert not withdrawn
    second = claims.claim(db, bob, setup.project.id)
    _, withdrawn = reports.report(db, bob, second.assignment.id, ReportReason.OFFENSIVE)
    db.commit()
    db.expire_all()
    assert withdrawn and db.get(Item, first.item.id).withdrawn  # type: ignore[union-attr]


def test_extend_stops_at_the_projects_maximum(db: Session) -> None:
    setup = work_project(db)
    setup.project.max_lease_seconds = 900
    db.commit()
    (alice,) = contributors(db, 1)
    claimed = claims.claim(db, alice, setup.project.id)
    extended = claims.extend(db, alice, claimed.assignment.id, 3600)
    assert (extended.expires_at - extended.created_at).total_seconds() <= 900.001


def test_cancelling_releases_live_leases(db: Session) -> None:
    setup = work_project(db)
    (alice,) = contributors(db, 1)
    claimed = claims.claim(db, alice, setup.project.id)
    projects.change_status(db, setup.requester, setup.project, ProjectStatus.CANCELLED)
    db.commit()
    job = db.scalars(
        select(OutboxJob)
        .where(OutboxJob.handler == "work.release_cancelled")
        .order_by(OutboxJob.id.desc())
    ).first()
    assert job is not None
    release_cancelled(db, job.payload, None)  # type: ignore[arg-type]
    db.commit()
    db.expire_all()
    assignment = db.get(Assignment, claimed.assignment.id)
    assert assignment is not None and assignment.status == AssignmentStatus.RELEASED
    with pytest.raises(Conflict):
        submissions.submit(db, alice, claimed.assignment.id, GOOD, 1, "k")


def test_paused_holders_may_still_submit(db: Session) -> None:
    setup = work_project(db)
    (alice,) = contributors(db, 1)
    claimed = claims.claim(db, alice, setup.project.id)
    projects.change_status(db, setup.requester, setup.project, ProjectStatus.PAUSED)
    done = submissions.submit(db, alice, claimed.assignment.id, GOOD, 1, "k")
    assert done.response.counted


def test_other_contributors_and_tenants_get_404(db: Session, client: TestClient) -> None:
    setup = work_project(db)
    alice, bob = contributors(db, 2)
    claimed = claims.claim(db, alice, setup.project.id)
    db.commit()
    with pytest.raises(NotFound):
        submissions.submit(db, bob, claimed.assignment.id, GOOD, 1, "k")
    db.rollback()
    outsider = make_user(db, role=Role.REQUESTER, organization=make_organization(db, "Beta"))
    db.commit()
    headers = _headers(db, outsider)
    aid = claimed.assignment.id
    calls: list[tuple[str, dict[str, Any]]] = [
        (f"/api/v1/projects/{setup.project.id}/assignments", {}),
        (f"/api/v1/assignments/{aid}/extend", {}),
        (f"/api/v1/assignments/{aid}/skip", {"json": {"reason": "x"}}),
        (f"/api/v1/assignments/{aid}/report", {"json": {"reason": "other"}}),
        (f"/api/v1/assignments/{aid}/response", {"json": {"answers": GOOD}}),
    ]
    for url, extra in calls:
        assert client.post(url, headers=headers, **extra).status_code == 404, url
    own = client.post(
        f"/api/v1/projects/{setup.project.id}/assignments", headers=_headers(db, setup.requester)
    )
    assert own.status_code == 403
