"""A project's guidelines are its versioned guidelines only (issue 20.6): created from the
template's, shown on the Guidelines tab by section, linked from Settings, gone from the API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.audit.models import AuditEvent
from labelpool.guidelines import service as guidelines_service
from labelpool.guidelines.models import Guidelines
from labelpool.projects import service
from labelpool.projects.models import Project
from labelpool.projects.templates import get_template
from tests.factories import api_token, csrf_token, log_in, make_user

BODY = "Read the whole text.\n\n## 1. Task\nPick **one**.\n\n### 1.1 Ties\nPick neutral.\n"


def test_a_template_project_follows_its_own_copy_of_the_templates_guidelines(
    db: Session, requester: User, organization: Organization
) -> None:
    project = service.create_project(
        db, requester, organization.id, name="Shop reviews", template_key="text-sentiment"
    )
    document = guidelines_service.guidelines_of_project(db, project.id)
    assert document is not None
    assert (document.title, document.organization_id, document.current_version) == (
        "Shop reviews guidelines",
        organization.id,
        1,
    )
    version = guidelines_service.get_version(db, document)
    assert version.body == get_template("text-sentiment").guidelines
    assert version.created_by == requester.id and version.sections
    assert db.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "guidelines.created", AuditEvent.target_id == document.id
        )
    )
    # Each project has its own copy: changing one changes no other project's guidelines.
    other = service.create_project(
        db, requester, organization.id, name="More reviews", template_key="text-sentiment"
    )
    copy = guidelines_service.guidelines_of_project(db, other.id)
    assert copy is not None and copy.id != document.id
    assert not hasattr(project, "guidelines")


def test_a_long_project_name_still_makes_a_title(
    db: Session, requester: User, organization: Organization
) -> None:
    project = service.create_project(
        db, requester, organization.id, name="n" * 200, template_key="text-sentiment"
    )
    document = guidelines_service.guidelines_of_project(db, project.id)
    assert document is not None and len(document.title) == 200
    assert document.title.endswith(" guidelines")


def test_a_project_from_scratch_has_no_guidelines_until_they_are_written(
    db: Session, project: Project
) -> None:
    assert project.template_key is None
    assert guidelines_service.guidelines_of_project(db, project.id) is None
    assert db.scalar(select(Guidelines.id)) is None


def test_the_tab_shows_the_current_version_by_section(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    document = guidelines_service.create_for_project(db, requester, project, BODY)
    db.commit()
    log_in(client, requester.email)
    tab = client.get(f"/projects/{project.id}?tab=guidelines").text
    assert "Review sentiment guidelines" in tab and "Version 1 · published" in tab
    assert '<h3 id="h-1"><span class="section-number">1</span> Task</h3>' in tab
    assert 'id="section-1.1"' in tab and 'class="card stack guideline-section level-2"' in tab
    assert "<strong>one</strong>" in tab and "Read the whole text." in tab
    assert f'href="/guidelines/{document.id}"' in tab
    assert f'href="/guidelines/{document.id}/edit"' in tab  # the requester publishes
    assert "What changed" not in tab  # nothing changed yet at version 1
    assert 'href="#section-1.1"' in tab  # the outline

    guidelines_service.publish_version(
        db,
        requester,
        document,
        BODY.replace("Pick neutral.", "Pick neutral, always."),
        note="Ties.",
    )
    db.commit()
    tab = client.get(f"/projects/{project.id}?tab=guidelines").text
    assert "Version 2 · published" in tab and "Pick neutral, always." in tab
    assert f'href="/guidelines/{document.id}/changes"' in tab and "Ties." in tab


def test_a_reviewer_reads_the_guidelines_but_is_not_offered_to_change_them(
    client: TestClient, db: Session, requester: User, organization: Organization, project: Project
) -> None:
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    db.commit()
    log_in(client, reviewer.email)
    empty = client.get(f"/projects/{project.id}?tab=guidelines").text
    assert "No guidelines yet" in empty and "have not written its guidelines yet" in empty
    assert "/guidelines/new" not in empty
    assert client.get(f"/projects/{project.id}/guidelines/new").status_code == 403

    document = guidelines_service.create_for_project(db, requester, project, BODY)
    db.commit()
    tab = client.get(f"/projects/{project.id}?tab=guidelines").text
    assert "Task" in tab and f'href="/guidelines/{document.id}"' in tab
    assert f"/guidelines/{document.id}/edit" not in tab


def test_without_guidelines_the_requester_is_offered_to_write_them(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    log_in(client, requester.email)
    tab = client.get(f"/projects/{project.id}?tab=guidelines").text
    assert "No guidelines yet" in tab
    assert f'href="/projects/{project.id}/guidelines/new"' in tab
    form = client.get(f"/projects/{project.id}/guidelines/new")
    assert form.status_code == 200
    assert 'value="Review sentiment guidelines"' in form.text
    assert f'name="project_ids" value="{project.id}" checked' in form.text
    created = client.post(
        "/guidelines/new",
        data={
            "csrf_token": csrf_token(client),
            "title": "Review sentiment guidelines",
            "body": BODY,
            "project_ids": str(project.id),
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    tab = client.get(f"/projects/{project.id}?tab=guidelines").text
    assert "No guidelines yet" not in tab and "Pick neutral." in tab


def test_the_guidelines_form_starts_from_the_templates_guidelines(
    client: TestClient, db: Session, requester: User, organization: Organization
) -> None:
    project = service.create_project(
        db, requester, organization.id, name="Spam", template_key="spam-detection"
    )
    db.commit()
    log_in(client, requester.email)
    form = client.get(f"/projects/{project.id}/guidelines/new").text
    first_heading = get_template("spam-detection").guidelines.splitlines()[0]
    assert first_heading in form


def test_creating_from_a_template_on_the_page_links_the_guidelines(
    client: TestClient, db: Session, requester: User
) -> None:
    log_in(client, requester.email)
    created = client.post(
        "/projects/new",
        data={"csrf_token": csrf_token(client), "name": "Reviews", "template": "text-sentiment"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    project_url = created.headers["location"]
    tab = client.get(f"{project_url}?tab=guidelines").text
    assert "Reviews guidelines" in tab and "Version 1" in tab and "No guidelines yet" not in tab


def test_settings_link_to_the_versioned_guidelines_instead_of_a_text_box(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    log_in(client, requester.email)
    tab = client.get(f"/projects/{project.id}?tab=settings").text
    assert 'name="guidelines"' not in tab
    assert f'href="/projects/{project.id}/guidelines/new"' in tab
    document = guidelines_service.create_for_project(db, requester, project, BODY)
    db.commit()
    tab = client.get(f"/projects/{project.id}?tab=settings").text
    assert f'href="/guidelines/{document.id}">Review sentiment guidelines</a>, version 1' in tab
    assert f'href="/guidelines/{document.id}/edit"' in tab


def test_the_api_refuses_guidelines_text_and_says_where_it_went(
    client: TestClient, db: Session, requester: User, project: Project
) -> None:
    headers = api_token(db, requester)
    for method, url, body in (
        ("POST", "/api/v1/projects", {"name": "R", "template": "text-sentiment"}),
        ("PATCH", f"/api/v1/projects/{project.id}", {"name": "R"}),
    ):
        refused = client.request(
            method, url, json={**body, "guidelines": "## 1. Task"}, headers=headers
        )
        assert refused.status_code == 422, refused.text
        error = refused.json()["error"]
        assert error["details"][0]["field"] == "guidelines"
        assert "'guidelines'" in error["message"] and "/api/v1/guidelines" in error["message"]
    out = client.get(f"/api/v1/projects/{project.id}", headers=headers).json()
    assert "guidelines" not in out and out["name"] == "Review sentiment"
    created = client.post(
        "/api/v1/projects", json={"name": "R", "template": "text-sentiment"}, headers=headers
    )
    assert created.status_code == 201 and "guidelines" not in created.json()
    [listed] = [
        g
        for g in client.get("/api/v1/guidelines", headers=headers).json()
        if g["title"] == "R guidelines"
    ]
    assert listed["current_version"] == 1
