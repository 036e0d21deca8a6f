"""Fixtures for project tests: an organization, its requester and a text project."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.config import Settings
from labelpool.db.engine import make_session_factory
from labelpool.db.types import utcnow
from labelpool.jobs.context import JobContext
from labelpool.jobs.runner import RunReport, run_due
from labelpool.projects import jobs as projects_jobs
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


NO_PERIODIC: dict[str, Any] = {}
_ = projects_jobs  # registers and subscribes the import job

RunJobs = Callable[..., RunReport]


@pytest.fixture
def run_jobs(engine: Engine, settings: Settings) -> RunJobs:
    """Run the due jobs once, as a runner would (`later`: seconds from now, past back-offs)."""
    factory = make_session_factory(engine)
    context = JobContext(settings)

    def run(later: float = 0) -> RunReport:
        now = utcnow() + timedelta(seconds=later)
        return run_due(factory, context, now=now, periodic=NO_PERIODIC)

    return run
