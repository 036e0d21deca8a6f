"""Projects: one-step creation from every template, the lifecycle, tenancy, predictions."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labelpool.guidelines import service as guidelines_service
from labelpool.projects import service
from labelpool.projects.models import Item, Project, ProjectStatus
from labelpool.projects.templates import TEMPLATES
from tests.factories import make_organization, make_user


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_creates_a_working_project(
    db: Session, requester: User, organization: Organization, key: str
) -> None:
    project = service.create_project(db, requester, organization.id, name=key, template_key=key)
    template = TEMPLATES[key]
    assert project.status == ProjectStatus.DRAFT
    assert project.task_family == template.family.value
    assert [f["name"] for f in project.data_fields] == template.field_names
    assert project.label_schema == template.schema
    guidelines = guidelines_service.guidelines_of_project(db, project.id)
    assert guidelines is not None
    assert guidelines_service.get_version(db, guidelines).body == template.guidelines
    item = Item(project_id=project.id, data=dict(template.sample_items[0]))
    db.add(item)
    db.flush()
    first_control = template.controls[0]["name"]
    answer = template.sample_answer[first_control]
    prediction = service.add_prediction(db, project, item, {first_control: answer})
    stored = prediction.answers[first_control]
    assert set(prediction.answers) == {first_control}
    if template.controls[0]["kind"] in ("spans", "regions"):  # kept in time (or text) order
        assert stored == sorted(answer, key=lambda s: (s["start"], s["end"], s["label"]))
    else:
        assert stored == answer


def test_unknown_templates_suggest_close_keys(
    db: Session, requester: User, organization: Organization
) -> None:
    with pytest.raises(InvalidInput, match="image-tagging"):
        service.create_project(
            db, requester, organization.id, name="x", template_key="image-taging"
        )


def test_custom_schemas_are_checked(
    db: Session, requester: User, organization: Organization
) -> None:
    fields = [{"name": "text", "kind": "text"}]
    with pytest.raises(InvalidInput, match="label schema has problems") as caught:
        service.create_project(
            db,
            requester,
            organization.id,
            name="x",
            data_fields=fields,
            label_schema={"controls": [{"name": "q", "kind": "slider", "title": "Q"}]},
        )
    assert "slider" in str(caught.value.details)
    with pytest.raises(InvalidInput, match="reserved"):
        service.create_project(
            db,
            requester,
            organization.id,
            name="x",
            data_fields=[{"name": "gold", "kind": "text"}],
            label_schema={"controls": []},
        )


def test_lifecycle_transitions_are_enforced_and_logged(
    db: Session, requester: User, project: Project
) -> None:
    with pytest.raises(Conflict, match="Import items before activating"):
        service.change_status(db, requester, project, ProjectStatus.ACTIVE)
    project.item_count = 1
    service.change_status(db, requester, project, ProjectStatus.ACTIVE, "launch")
    service.change_status(db, requester, project, ProjectStatus.PAUSED, "too many errors")
    with pytest.raises(Conflict, match="cannot become draft"):
        service.change_status(db, requester, project, ProjectStatus.DRAFT)
    service.change_status(db, requester, project, ProjectStatus.ACTIVE)
    service.change_status(db, requester, project, ProjectStatus.COMPLETED)
    with pytest.raises(Conflict, match="cannot change any more"):
        service.change_status(db, requester, project, ProjectStatus.ACTIVE)
    history = service.status_history(db, project)
    assert [(e.details.get("from"), e.details.get("to")) for e in history] == [
        (None, None),
        ("draft", "active"),
        ("active", "paused"),
        ("paused", "active"),
        ("active", "completed"),
    ]
    assert [e.reason for e in history][1:3] == ["launch", "too many errors"]
    assert all(e.actor_id == requester.id for e in history)


def test_schema_is_fixed_once_items_exist(db: Session, requester: User, project: Project) -> None:
    service.update_project(db, requester, project, {"name": "Renamed", "overlap": 5})
    assert (project.name, project.overlap) == ("Renamed", 5)
    project.item_count = 10
    with pytest.raises(Conflict, match="fixed once items are imported"):
        service.update_project(db, requester, project, {"label_schema": project.label_schema})
    with pytest.raises(InvalidInput, match="Overlap"):
        service.update_project(db, requester, project, {"overlap": 0})


def test_other_organizations_cannot_see_or_change_projects(db: Session, project: Project) -> None:
    outsider = make_user(db, role=Role.REQUESTER, organization=make_organization(db, "Globex"))
    with pytest.raises(NotFound):
        service.require_viewer(db, outsider, project.id)
    contributor = make_user(db)
    with pytest.raises(NotFound):
        service.require_viewer(db, contributor, project.id)
    assert service.list_projects(db, outsider) == []


def test_reviewers_see_but_do_not_change(
    db: Session, project: Project, organization: Organization
) -> None:
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    assert service.require_viewer(db, reviewer, project.id) == project
    with pytest.raises(PermissionDenied):
        service.require_manager(db, reviewer, project.id)


def test_predictions_are_checked_per_control(db: Session, project: Project) -> None:
    item = Item(project_id=project.id, data={"text": "fine"})
    db.add(item)
    db.flush()
    with pytest.raises(InvalidInput, match="sentiment"):
        service.add_prediction(db, project, item, {"sentiment": "ecstatic"})
    with pytest.raises(InvalidInput, match="not a control"):
        service.add_prediction(db, project, item, {"mood": "x"})
    stored = service.add_prediction(
        db, project, item, {"sentiment": "positive"}, model_version="m1"
    )
    assert service.predictions_for(db, item) == [stored]
