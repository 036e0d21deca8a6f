"""The policy layer: who is asking, the verdicts rules give, and what lists narrow to."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.actor import load_actor
from labelpool.accounts.models import Organization
from labelpool.accounts.roles import Role, Scope
from labelpool.errors import NotFound, PermissionDenied
from labelpool.guidelines.models import Guidelines
from labelpool.policy import (
    GuidelinesPolicy,
    PlatformPolicy,
    ProjectPolicy,
    actor_of,
    authorize,
    permits,
    visible,
)
from labelpool.projects import service as projects
from labelpool.projects.models import Project, ProjectStatus
from tests.assessments.builders import make_guidelines, make_project, org_with_requester
from tests.factories import make_organization, make_user


def test_a_project_is_hidden_from_other_tenants_and_read_only_for_reviewers(db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    _, outsider = org_with_requester(db, "Other")
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    contributor = make_user(db)

    authorize(actor_of(db, requester), ProjectPolicy.manage(project))
    authorize(actor_of(db, reviewer), ProjectPolicy.view(project))
    with pytest.raises(PermissionDenied, match="requesters and admins can change"):
        authorize(actor_of(db, reviewer), ProjectPolicy.manage(project))
    for stranger in (outsider, contributor):
        with pytest.raises(NotFound, match=f"No project with id {project.id}"):
            authorize(actor_of(db, stranger), ProjectPolicy.manage(project))
    assert permits(actor_of(db, make_user(db, role=Role.ADMIN)), ProjectPolicy.manage(project))


def test_a_token_scope_limits_what_the_user_may_do(db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    reader = load_actor(db, requester, Scope.READ.includes)
    authorize(reader, ProjectPolicy.view(project))
    with pytest.raises(PermissionDenied, match="scope does not include 'write'") as denied:
        authorize(reader, ProjectPolicy.manage(project))
    assert denied.value.code == "insufficient_scope"
    # A hidden object stays hidden whatever the scope: the scope is not a way to probe ids.
    _, outsider = org_with_requester(db, "Other")
    with pytest.raises(NotFound):
        authorize(load_actor(db, outsider, Scope.READ.includes), ProjectPolicy.manage(project))
    admin = make_user(db, role=Role.ADMIN)
    with pytest.raises(PermissionDenied, match="'admin'"):
        authorize(load_actor(db, admin, Scope.WRITE.includes), PlatformPolicy.administer())
    authorize(load_actor(db, admin, Scope.ADMIN.includes), PlatformPolicy.administer())


def test_asking_about_another_user_keeps_the_callers_scope(db: Session) -> None:
    _, requester = org_with_requester(db)
    reader = load_actor(db, requester, Scope.READ.includes)
    other = make_user(db)
    assert actor_of(db, other).user.id == other.id
    assert actor_of(db, requester) is reader


def test_a_new_membership_is_seen_in_the_same_unit_of_work(db: Session) -> None:
    _, requester = org_with_requester(db)
    reader = load_actor(db, requester, Scope.READ.includes)
    second = make_organization(db, "Second")
    accounts.add_membership(db, requester, second, Role.REQUESTER)
    actor = actor_of(db, requester)
    assert actor.manages(second.id)
    assert actor.scopes == reader.scopes  # re-read roles, same credential


def test_project_lists_narrow_to_the_readers_organizations(db: Session) -> None:
    organization, requester = org_with_requester(db)
    other, stranger = org_with_requester(db, "Other")
    mine = make_project(db, requester, organization)
    theirs = make_project(db, stranger, other)
    statement = select(Project.id).order_by(Project.id)
    with pytest.raises(TypeError, match="no visibility rule"):
        visible(select(Organization), actor_of(db, requester))
    assert list(db.scalars(visible(select(Project), actor_of(db, requester)))) == [mine]
    assert [p.id for p in projects.list_projects(db, stranger)] == [theirs.id]
    admin = make_user(db, role=Role.ADMIN)
    assert set(db.scalars(visible(statement, actor_of(db, admin)))) == {mine.id, theirs.id}
    assert list(db.scalars(visible(statement, actor_of(db, make_user(db))))) == []


def test_contributors_read_guidelines_only_while_in_use(db: Session) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    guidelines = make_guidelines(db, requester, organization, [project])
    contributor = make_user(db)
    listed = visible(select(Guidelines), actor_of(db, contributor))
    assert list(db.scalars(listed)) == []
    with pytest.raises(NotFound):
        authorize(actor_of(db, contributor), GuidelinesPolicy.read(guidelines))
    project.status = ProjectStatus.ACTIVE
    db.flush()
    authorize(actor_of(db, contributor), GuidelinesPolicy.read(guidelines))
    assert list(db.scalars(visible(select(Guidelines), actor_of(db, contributor)))) == [guidelines]
    with pytest.raises(PermissionDenied, match="requesters and admins can change"):
        authorize(actor_of(db, contributor), GuidelinesPolicy.manage(guidelines))
