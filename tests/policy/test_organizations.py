"""Which organization a new thing goes to, and which projects a user manages."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.roles import Role
from labelpool.errors import InvalidInput
from labelpool.policy import actor_of
from labelpool.policy.organizations import default_organization_id
from labelpool.projects import service as projects
from tests.assessments.builders import make_project, org_with_requester
from tests.factories import make_organization, make_user


def test_the_default_organization_is_the_only_one_managed(db: Session) -> None:
    organization, requester = org_with_requester(db)
    assert default_organization_id(actor_of(db, requester), None) == organization.id
    # One given is checked when creating in it.
    assert default_organization_id(actor_of(db, requester), 12345) == 12345
    second = make_organization(db, "Second")
    accounts.add_membership(db, requester, second, Role.REQUESTER)
    db.commit()
    with pytest.raises(InvalidInput, match="you can create in 2 organizations"):
        default_organization_id(actor_of(db, requester), None)
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    with pytest.raises(InvalidInput, match="in 0 organizations"):
        default_organization_id(actor_of(db, reviewer), None)


def test_manageable_projects_are_those_of_the_users_organizations(db: Session) -> None:
    organization, requester = org_with_requester(db)
    other, stranger = org_with_requester(db, "Other")
    mine = make_project(db, requester, organization)
    make_project(db, stranger, other)
    assert [p.id for p in projects.managed_projects(db, requester)] == [mine.id]
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    assert projects.managed_projects(db, reviewer) == []
