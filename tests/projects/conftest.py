"""Fixtures for project tests: an organization, its requester and a text project."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.projects import service
from labelpool.projects.models import Project
from tests.factories import make_organization, make_user

SENTIMENT_FIELDS: list[dict[str, Any]] = [
    {"name": "text", "kind": "text"},
    {"name": "source", "kind": "url", "required": False},
    {"name": "stars", "kind": "number", "required": False},
]
SENTIMENT_SCHEMA: dict[str, Any] = {
    "controls": [
        {
            "name": "sentiment",
            "kind": "choice",
            "title": "What is the sentiment?",
            "target": "text",
            "options": [
                {"value": "positive", "label": "Positive"},
                {"value": "negative", "label": "Negative"},
                {"value": "neutral", "label": "Neutral"},
            ],
        }
    ]
}


@pytest.fixture
def organization(db: Session) -> Organization:
    return make_organization(db, "Acme")


@pytest.fixture
def requester(db: Session, organization: Organization) -> User:
    return make_user(db, role=Role.REQUESTER, organization=organization)


@pytest.fixture
def project(db: Session, requester: User, organization: Organization) -> Project:
    created = service.create_project(
        db,
        requester,
        organization.id,
        name="Review sentiment",
        data_fields=SENTIMENT_FIELDS,
        label_schema=SENTIMENT_SCHEMA,
    )
    db.commit()
    return created
