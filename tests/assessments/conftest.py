"""Fixtures for assessment tests: an organization, its requester, a contributor."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from tests.assessments.builders import org_with_requester
from tests.factories import make_active_contributor


@pytest.fixture
def org_and_requester(db: Session) -> tuple[Organization, User]:
    return org_with_requester(db)


@pytest.fixture
def organization(org_and_requester: tuple[Organization, User]) -> Organization:
    return org_and_requester[0]


@pytest.fixture
def requester(org_and_requester: tuple[Organization, User]) -> User:
    return org_and_requester[1]


@pytest.fixture
def contributor(db: Session) -> User:
    return make_active_contributor(db)
