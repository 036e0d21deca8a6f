"""Many managers saving a project's requirements at once: every save is answered (200, or a
409 / 503 to retry: never a 5xx), and what is stored is one of the saves, logged once per
change."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.audit.models import AuditEvent
from labelpool.projects.models import ProjectStatus
from labelpool.work.models import ProjectRequirements
from tests.assessments.builders import make_project, org_with_requester
from tests.factories import api_token

WRITERS = 12


def test_concurrent_saves_of_one_projects_requirements(client: TestClient, db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    project.status = ProjectStatus.ACTIVE
    db.commit()
    headers = api_token(db, requester)
    url = f"/api/v1/projects/{project.id}/requirements"

    def save(hours: int) -> int:
        with TestClient(client.app, base_url="http://testserver") as own:
            for _attempt in range(20):
                response = own.put(url, json={"min_weekly_hours": hours}, headers=headers)
                if response.status_code not in (409, 503):
                    return response.status_code
            return response.status_code

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = list(pool.map(save, range(1, WRITERS + 1)))

    assert statuses == [200] * WRITERS, statuses
    db.rollback()
    row = db.get(ProjectRequirements, project.id)
    assert row is not None and row.rules["min_weekly_hours"] in range(1, WRITERS + 1)
    logged = db.scalar(
        select(func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action == "project.requirements_changed",
            AuditEvent.target_id == project.id,
        )
    )
    assert 1 <= (logged or 0) <= WRITERS


def test_another_organizations_project_id_is_not_found(client: TestClient, db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    _, outsider = org_with_requester(db, "Other")
    response = client.put(
        f"/api/v1/projects/{project.id}/requirements",
        json={"min_weekly_hours": 5},
        headers=api_token(db, outsider),
    )
    assert response.status_code == 404, response.text
    db.rollback()
    assert db.get(ProjectRequirements, project.id) is None
