"""Project settings after creation: the Settings tab (issue 19.7c)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.audit.models import AuditEvent
from labelpool.db.engine import make_session_factory
from labelpool.errors import Conflict
from labelpool.projects import service
from labelpool.projects.models import Project, ProjectStatus
from tests.factories import Response, csrf_token, log_in, make_organization, make_user

GOOD = {
    "name": "  Review sentiment v2 ",
    "description": "Reviews from the shop.",
    "instructions": "Read it all first.",
    "overlap": "5",
    "lease_minutes": "15",
}


def _save(client: TestClient, project_id: int, **values: str) -> Response:
    return client.post(
        f"/projects/{project_id}/settings",
        data={"csrf_token": csrf_token(client), **GOOD, **values},
        follow_redirects=False,
    )


def _updates(db: Session, project: Project) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "project.updated", AuditEvent.target_id == project.id
            )
        )
    )


def test_requester_changes_settings_on_the_settings_tab(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    log_in(client, requester.email)
    page = client.get(f"/projects/{project.id}")
    assert f'href="/projects/{project.id}?tab=settings"' in page.text
    tab = client.get(f"/projects/{project.id}?tab=settings").text
    assert f'action="/projects/{project.id}/settings"' in tab
    assert 'name="csrf_token"' in tab and 'value="Review sentiment"' in tab
    assert 'name="overlap" value="3"' in tab and 'name="lease_minutes" value="10"' in tab

    saved = _save(client, project.id)
    assert saved.status_code == 303
    assert saved.headers["location"] == f"/projects/{project.id}?tab=settings"
    db.refresh(project)
    assert (project.name, project.overlap, project.lease_seconds) == ("Review sentiment v2", 5, 900)
    assert project.instructions == "Read it all first."
    [event] = _updates(db, project)
    assert event.actor_id == requester.id
    assert event.details["fields"] == sorted(
        ["name", "description", "instructions", "overlap", "lease_seconds"]
    )
    shown = client.get(saved.headers["location"]).text
    assert "Settings saved." in shown and "Review sentiment v2" in shown
    history = client.get(f"/projects/{project.id}?tab=history").text
    assert "Settings changed" in history and "lease time" in history

    # Saving the same values again changes and logs nothing.
    assert _save(client, project.id).status_code == 303
    assert len(_updates(db, project)) == 1


@pytest.mark.parametrize(
    ("values", "field_text"),
    [
        ({"overlap": "0"}, "Overlap (answers per item) must be from 1 to 100."),
        ({"overlap": "2.5"}, "Overlap must be a whole number."),
        ({"lease_minutes": "soon"}, "Lease time must be a number."),
        ({"lease_minutes": "nan"}, "Lease time must be a number."),
        ({"lease_minutes": "2000"}, "Lease time must be from 30 seconds to 24 hours."),
        ({"name": "   "}, "Project name must be 1 to 200 characters."),
        ({"description": "x" * 20_001}, "The description must be text of at most 20,000"),
    ],
)
def test_errors_show_inline_and_keep_what_was_typed(
    client: TestClient,
    db: Session,
    requester: User,
    project: Project,
    values: dict[str, str],
    field_text: str,
) -> None:
    log_in(client, requester.email)
    refused = _save(client, project.id, **values)
    assert refused.status_code == 422
    assert 'class="field-error"' in refused.text and field_text in refused.text
    assert 'aria-invalid="true"' in refused.text
    assert "Read it all first." in refused.text, "typed values stay in the form"
    db.refresh(project)
    assert (project.name, project.overlap) == ("Review sentiment", 3)
    assert _updates(db, project) == []


def test_closed_projects_are_read_only(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    service.change_status(db, requester, project, ProjectStatus.CANCELLED)
    db.commit()
    log_in(client, requester.email)
    tab = client.get(f"/projects/{project.id}?tab=settings").text
    assert "settings cannot change any more" in tab
    assert "<fieldset" in tab and " disabled" in tab and "Save settings" not in tab
    refused = _save(client, project.id)
    assert refused.status_code == 409 and "cannot change any more" in refused.text
    db.refresh(project)
    assert project.name == "Review sentiment"
    with pytest.raises(Conflict):
        service.update_project(db, requester, project, {"overlap": 4})


def test_only_the_organizations_managers_change_settings(
    client: TestClient, db: Session, organization: Organization, project: Project
) -> None:
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    log_in(client, reviewer.email)
    assert "?tab=settings" not in client.get(f"/projects/{project.id}").text
    assert "Save settings" not in client.get(f"/projects/{project.id}?tab=settings").text
    assert _save(client, project.id).status_code == 403

    outsider = make_user(db, role=Role.REQUESTER, organization=make_organization(db, "Globex"))
    client.cookies.clear()
    log_in(client, outsider.email)
    assert _save(client, project.id).status_code == 404
    db.refresh(project)
    assert project.name == "Review sentiment" and _updates(db, project) == []


def test_settings_need_the_csrf_token(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    log_in(client, requester.email)
    refused = client.post(f"/projects/{project.id}/settings", data=GOOD)
    assert refused.status_code == 403
    db.refresh(project)
    assert project.name == "Review sentiment"


def test_new_project_note_points_to_the_settings_tab(client: TestClient, requester: User) -> None:
    log_in(client, requester.email)
    page = client.get("/projects/new").text
    assert "overlap and pay later" not in page
    assert "Settings tab" in page


def test_a_stale_page_cannot_change_a_project_cancelled_meanwhile(
    engine: Engine, db: Session, requester: User, project: Project
) -> None:
    """The status is read again under a row lock, so a change that loses the race to a
    cancellation is refused instead of landing on the closed project."""
    factory = make_session_factory(engine)
    editor, canceller = factory(), factory()
    try:
        stale = editor.get(Project, project.id)
        editor_user = editor.get(User, requester.id)
        assert stale is not None and editor_user is not None
        editor.commit()  # the page was read; its objects keep the old status
        fresh = canceller.get(Project, project.id)
        canceller_user = canceller.get(User, requester.id)
        assert fresh is not None and canceller_user is not None
        service.change_status(canceller, canceller_user, fresh, ProjectStatus.CANCELLED)
        canceller.commit()
        assert stale.status == ProjectStatus.DRAFT
        with pytest.raises(Conflict, match="cancelled"):
            service.update_project(editor, editor_user, stale, {"overlap": 7})
        editor.rollback()
    finally:
        editor.close()
        canceller.close()
    db.refresh(project)
    assert project.overlap == 3
