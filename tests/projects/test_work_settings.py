"""The project's work settings (issue 21, points 4-6): the longest lease, the gold rate, what
one contributor may hold and answer, the report threshold and the fair-share factor, edited
through the API and the Settings tab, checked, and logged."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.audit.models import AuditEvent
from labelpool.projects import service
from labelpool.projects.models import Project
from tests.factories import api_token, csrf_token, log_in

WORK = {
    "max_lease_seconds": 7200,
    "gold_rate": 25,
    "max_live_per_contributor": 3,
    "max_responses_per_day": 200,
    "report_threshold": 5,
    "fair_share_factor": 0,
}


def _fields_logged(db: Session, project: Project) -> list[list[str]]:
    return [
        event.details["fields"]
        for event in db.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "project.updated", AuditEvent.target_id == project.id)
            .order_by(AuditEvent.id)
        )
    ]


def test_defaults_are_shown_by_the_api(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    shown = client.get(f"/api/v1/projects/{project.id}", headers=api_token(db, requester))
    assert shown.status_code == 200
    body = shown.json()
    assert {key: body[key] for key in WORK} == {
        "max_lease_seconds": 3600,
        "gold_rate": 10,
        "max_live_per_contributor": 1,
        "max_responses_per_day": None,
        "report_threshold": 3,
        "fair_share_factor": 5,
    }


def test_the_api_changes_every_work_setting_and_logs_it(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    headers = api_token(db, requester)
    changed = client.patch(f"/api/v1/projects/{project.id}", json=WORK, headers=headers)
    assert changed.status_code == 200, changed.text
    assert {key: changed.json()[key] for key in WORK} == WORK
    db.refresh(project)
    assert {key: getattr(project, key) for key in WORK} == WORK
    assert _fields_logged(db, project) == [sorted(WORK)]

    cleared = client.patch(
        f"/api/v1/projects/{project.id}", json={"max_responses_per_day": None}, headers=headers
    )
    assert cleared.status_code == 200 and cleared.json()["max_responses_per_day"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"gold_rate": 101}, "gold_rate"),
        ({"gold_rate": -1}, "gold_rate"),
        ({"gold_rate": None}, "gold_rate"),
        ({"max_live_per_contributor": 0}, "max_live_per_contributor"),
        ({"max_responses_per_day": 0}, "max_responses_per_day"),
        ({"report_threshold": 0}, "report_threshold"),
        ({"fair_share_factor": -2}, "fair_share_factor"),
        ({"max_lease_seconds": 10}, "max_lease_seconds"),
        ({"max_lease_seconds": 300}, "max_lease_seconds"),  # shorter than the 600 s lease
    ],
)
def test_out_of_bounds_settings_are_refused_naming_the_field(
    client: TestClient,
    db: Session,
    requester: User,
    project: Project,
    body: dict[str, Any],
    field: str,
) -> None:
    refused = client.patch(
        f"/api/v1/projects/{project.id}", json=body, headers=api_token(db, requester)
    )
    assert refused.status_code == 422, refused.text
    assert field in refused.text
    db.refresh(project)
    assert (project.gold_rate, project.max_lease_seconds) == (10, 3600)
    assert _fields_logged(db, project) == []


def test_a_longer_lease_raises_the_longest_lease_with_it(
    db: Session, requester: User, project: Project
) -> None:
    service.update_project(db, requester, project, {"lease_seconds": 4 * 3600})
    assert (project.lease_seconds, project.max_lease_seconds) == (4 * 3600, 4 * 3600)
    with pytest.raises(Exception, match="at least the lease time"):
        service.update_project(db, requester, project, {"max_lease_seconds": 3600})
    created = service.create_project(
        db,
        requester,
        project.organization_id,
        name="Long reads",
        data_fields=project.data_fields,
        label_schema=project.label_schema,
        lease_seconds=2 * 3600,
    )
    assert created.max_lease_seconds == 2 * 3600


def _settings_form(project: Project, **values: str) -> dict[str, str]:
    return {
        "name": project.name,
        "description": "",
        "instructions": "",
        "overlap": "3",
        "lease_minutes": "10",
        **values,
    }


def test_the_settings_tab_edits_the_work_settings(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    log_in(client, requester.email)
    tab = client.get(f"/projects/{project.id}?tab=settings").text
    for name, value in (
        ("max_lease_minutes", "60"),
        ("gold_rate", "10"),
        ("max_live_per_contributor", "1"),
        ("max_responses_per_day", ""),
        ("report_threshold", "3"),
        ("fair_share_factor", "5"),
    ):
        assert f'name="{name}" value="{value}"' in tab
    form = _settings_form(
        project,
        max_lease_minutes="90",
        gold_rate="20",
        max_live_per_contributor="2",
        max_responses_per_day="50",
        report_threshold="4",
        fair_share_factor="8",
    )
    saved = client.post(
        f"/projects/{project.id}/settings",
        data={"csrf_token": csrf_token(client), **form},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    db.refresh(project)
    assert (
        project.max_lease_seconds,
        project.gold_rate,
        project.max_live_per_contributor,
        project.max_responses_per_day,
        project.report_threshold,
        project.fair_share_factor,
    ) == (5400, 20, 2, 50, 4, 8)
    history = client.get(f"/projects/{project.id}?tab=history").text
    assert "gold rate" in history and "fair-share factor" in history

    # A blank daily limit means none; a blank required setting keeps its value.
    blank = _settings_form(project, max_responses_per_day="", gold_rate="")
    saved = client.post(
        f"/projects/{project.id}/settings",
        data={"csrf_token": csrf_token(client), **blank},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    db.rollback()  # end this session's read snapshot: see the request's commit
    db.refresh(project)
    assert (project.max_responses_per_day, project.gold_rate) == (None, 20)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"gold_rate": "half"}, "The gold rate must be a number."),
        ({"gold_rate": "150"}, "The gold rate must be from 0 to 100 percent."),
        ({"max_live_per_contributor": "1.5"}, "Tasks held at once must be a whole number."),
        ({"max_lease_minutes": "5"}, "at least the lease time"),
    ],
)
def test_bad_work_settings_show_inline_and_store_nothing(
    client: TestClient,
    db: Session,
    requester: User,
    project: Project,
    values: dict[str, str],
    message: str,
) -> None:
    log_in(client, requester.email)
    refused = client.post(
        f"/projects/{project.id}/settings",
        data={"csrf_token": csrf_token(client), **_settings_form(project, **values)},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert message in refused.text and 'aria-invalid="true"' in refused.text
    db.refresh(project)
    assert (project.gold_rate, project.max_lease_seconds) == (10, 3600)
