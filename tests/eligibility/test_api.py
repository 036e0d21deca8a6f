"""Requirements through the API (staff read, managers write, logged with the diff), the
explainer (own, for active and paused projects only), /me/work's groups and the pages."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.assessments import models as assessment_models
from labelpool.assessments.models import Attempt, AttemptPurpose, AttemptStatus
from labelpool.audit.models import AuditEvent
from labelpool.db.types import utcnow
from labelpool.eligibility import service
from labelpool.eligibility.rules import Requirements
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.work.models import Assignment, AssignmentStatus
from tests.assessments.builders import make_project, make_test, org_with_requester
from tests.factories import api_token, log_in, make_active_contributor


def _project(db: Session, requester, organization, status=ProjectStatus.ACTIVE, items=0):
    project = make_project(db, requester, organization)
    project.status = status
    for n in range(items):
        db.add(Item(project_id=project.id, data={"text": f"item {n}"}))
    project.item_count = items
    db.commit()
    return project


def test_requirements_read_by_staff_written_by_managers_with_the_diff(
    client: TestClient, db: Session
) -> None:
    organization, requester = org_with_requester(db)
    project = _project(db, requester, organization)
    headers = api_token(db, requester)
    url = f"/api/v1/projects/{project.id}/requirements"
    assert client.get(url, headers=headers).json()["rules"]["countries_allowed"] == []
    body = {"countries_allowed": ["ke"], "min_weekly_hours": 10}
    saved = client.put(url, json=body, headers=headers)
    assert saved.status_code == 200, saved.text
    assert saved.json()["rules"]["countries_allowed"] == ["KE"]
    assert saved.json()["changes"] == {
        "countries_allowed": {"from": [], "to": ["KE"]},
        "min_weekly_hours": {"from": None, "to": 10},
    }
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.action == "project.requirements_changed")
    ).one()
    assert event.target_id == project.id
    assert event.details["changes"]["min_weekly_hours"] == {"from": None, "to": 10}
    again = client.put(url, json=body, headers=headers)
    assert again.json()["changes"] == {}  # nothing changed, nothing logged
    assert (
        len(
            db.scalars(
                select(AuditEvent).where(AuditEvent.action == "project.requirements_changed")
            ).all()
        )
        == 1
    )
    bad = client.put(url, json={"countries_allowed": ["XX"]}, headers=headers)
    assert bad.status_code == 422


def test_requirements_are_tenant_isolated(client: TestClient, db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = _project(db, requester, organization)
    _, outsider = org_with_requester(db, "Other")
    headers = api_token(db, outsider)
    url = f"/api/v1/projects/{project.id}/requirements"
    assert client.get(url, headers=headers).status_code == 404
    assert client.put(url, json={}, headers=headers).status_code == 404
    contributor = api_token(db, make_active_contributor(db))
    assert client.get(url, headers=contributor).status_code == 404
    # A test of another organization cannot be required.
    other_org, other_requester = org_with_requester(db, "Third")
    foreign = make_test(
        db,
        other_requester,
        other_org,
        kind=assessment_models.TestKind.QUALIFICATION,
        project_type="text-sentiment",
    )
    refused = client.put(url, json={"tests": [foreign.id]}, headers=api_token(db, requester))
    assert refused.status_code == 422
    assert "No test with id" in refused.json()["error"]["message"]


def test_explainer_for_the_contributor_with_the_retake_step(
    client: TestClient, db: Session
) -> None:
    organization, requester = org_with_requester(db)
    project = _project(db, requester, organization, items=2)
    test = make_test(
        db,
        requester,
        organization,
        kind=assessment_models.TestKind.QUALIFICATION,
        project_id=project.id,
        title="Sentiment qualification",
        cooldown_seconds=3600,
        max_attempts=3,
    )
    contributor = make_active_contributor(db)
    finished = utcnow() - timedelta(minutes=10)
    db.add(
        Attempt(
            test_id=test.id,
            user_id=contributor.id,
            purpose=AttemptPurpose.QUALIFY,
            status=AttemptStatus.SUBMITTED,
            seed=1,
            question_ids=[],
            started_at=finished - timedelta(minutes=5),
            finished_at=finished,
            score=10.0,
            passed=False,
        )
    )
    db.commit()
    service.save_requirements(
        db, requester, project, Requirements(tests=[test.id], countries_allowed=["KE"])
    )
    db.commit()
    headers = api_token(db, contributor)
    answer = client.get(f"/api/v1/projects/{project.id}/eligibility", headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["eligible"] is False
    rules = {r["key"]: r for r in body["rules"]}
    assert rules["account_active"]["met"] and rules["countries_allowed"]["met"]
    step = rules[f"test:{test.id}"]
    assert not step["met"]
    assert "Sentiment qualification" in step["next_step"]
    assert "attempt 2 of 3 opens" in step["next_step"]
    assert step["next_at"] is not None
    assert [r.key for r in service.unmet_rules(db, contributor, project)] == [f"test:{test.id}"]


def test_explainer_hides_drafts_and_refuses_staff(client: TestClient, db: Session) -> None:
    organization, requester = org_with_requester(db)
    draft = _project(db, requester, organization, status=ProjectStatus.DRAFT)
    paused = _project(db, requester, organization, status=ProjectStatus.PAUSED)
    contributor = api_token(db, make_active_contributor(db))
    assert (
        client.get(f"/api/v1/projects/{draft.id}/eligibility", headers=contributor).status_code
        == 404
    )
    assert (
        client.get(f"/api/v1/projects/{paused.id}/eligibility", headers=contributor).status_code
        == 200
    )
    assert client.get("/api/v1/projects/999999/eligibility", headers=contributor).status_code == 404
    _, outsider = org_with_requester(db, "Other")
    assert (
        client.get(
            f"/api/v1/projects/{draft.id}/eligibility", headers=api_token(db, outsider)
        ).status_code
        == 404
    )
    staff = client.get(
        f"/api/v1/projects/{paused.id}/eligibility", headers=api_token(db, requester)
    )
    assert staff.status_code == 403


def test_me_work_groups(client: TestClient, db: Session) -> None:
    organization, requester = org_with_requester(db)
    other_org, other_requester = org_with_requester(db, "Other")
    open_project = _project(db, requester, organization, items=3)
    done = _project(db, other_requester, other_org, items=1)  # any organization: the crowd
    held = _project(db, requester, organization, items=1)
    paused = _project(db, requester, organization, status=ProjectStatus.PAUSED, items=2)
    strict = _project(db, requester, organization, items=2)
    hidden = _project(db, requester, organization, status=ProjectStatus.DRAFT, items=2)
    contributor = make_active_contributor(db)
    someone = make_active_contributor(db)
    now = utcnow()
    done_item = db.scalars(select(Item).where(Item.project_id == done.id)).one()
    db.add(
        Assignment(
            project_id=done.id,
            item_id=done_item.id,
            user_id=contributor.id,
            status=AssignmentStatus.SUBMITTED,
            expires_at=now,
            closed_at=now,
        )
    )
    held_item = db.scalars(select(Item).where(Item.project_id == held.id)).one()
    held_item.filled = True  # the other contributor's live lease fills its overlap
    db.add(
        Assignment(
            project_id=held.id,
            item_id=held_item.id,
            user_id=someone.id,
            status=AssignmentStatus.LIVE,
            expires_at=now + timedelta(minutes=5),
        )
    )
    db.commit()
    service.save_requirements(db, requester, strict, Requirements(min_weekly_hours=40))
    db.commit()
    work = client.get("/api/v1/me/work", headers=api_token(db, contributor))
    assert work.status_code == 200, work.text
    body = work.json()
    opened = {p["project_id"]: p for p in body["open"]}
    assert opened[open_project.id]["open_items"] == 3
    reasons = {p["project_id"]: p["reason"] for p in body["no_work"]}
    assert reasons == {done.id: "all_done", held.id: "leases_held", paused.id: "paused"}
    held_entry = next(p for p in body["no_work"] if p["project_id"] == held.id)
    assert held_entry["come_back_at"] is not None
    not_yet = {p["project_id"]: p for p in body["not_yet"]}
    assert list(not_yet) == [strict.id]
    assert [r["key"] for r in not_yet[strict.id]["unmet"]] == ["min_weekly_hours"]
    every = set(opened) | set(reasons) | set(not_yet)
    assert hidden.id not in every
    assert client.get("/api/v1/me/work", headers=api_token(db, requester)).status_code == 403


def test_work_page_and_log_in_landing(client: TestClient, db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = _project(db, requester, organization, items=2)
    project_name = db.get(Project, project.id).name  # type: ignore[union-attr]
    contributor = make_active_contributor(db, email="amara@example.com")
    db.commit()
    log_in(client, contributor.email)
    page = client.get("/work")
    assert page.status_code == 200
    assert "Work open to you" in page.text
    assert project_name in page.text
    assert "2 tasks open to you" in page.text
    client.cookies.clear()
    from tests.factories import PASSWORD, csrf_token

    token = csrf_token(client)
    landed = client.post(
        "/login",
        data={"email": contributor.email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert landed.status_code == 303
    assert landed.headers["location"] == "/work"


def test_requirements_editor_in_the_settings_tab(client: TestClient, db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = _project(db, requester, organization)
    db.commit()
    log_in(client, requester.email)
    tab = client.get(f"/projects/{project.id}?tab=settings")
    assert tab.status_code == 200
    assert "Who may work on this project" in tab.text
    from tests.factories import csrf_token

    token = csrf_token(client)
    saved = client.post(
        f"/projects/{project.id}/requirements",
        data={
            "csrf_token": token,
            "countries_allowed": "KE, TZ",
            "languages": "en fluent",
            "skills": "grammar 60",
            "devices": ["laptop", "desktop"],
            "min_weekly_hours": "10",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    rules = service.requirements_of(db, project.id)
    assert rules.countries_allowed == ["KE", "TZ"]
    assert rules.languages[0].language == "en"
    assert rules.skills[0].minimum == 60
    assert rules.min_weekly_hours == 10
    bad = client.post(
        f"/projects/{project.id}/requirements",
        data={"csrf_token": token, "countries_allowed": "XX"},
    )
    assert bad.status_code == 422
    assert "unknown country codes: XX" in bad.text
