"""Building guidelines, tests and questions for the guidelines and assessments tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.assessments import models, service
from labelpool.assessments.models import AssessmentTest
from labelpool.guidelines import service as guidelines_service
from labelpool.guidelines.models import Guidelines
from labelpool.projects import service as projects_service
from labelpool.projects.models import Project
from tests.factories import make_organization, make_user

GUIDELINES_V1 = """# Sentiment guidelines

Read the whole text first.

## 1. Task
Choose the sentiment the author expresses.

## 2. Labels
### 2.1 Positive and negative
Likes or dislikes.

### 2.2 Neutral
Facts and questions without an attitude.

## 3. Edge cases
Sarcasm: label the meaning, not the words.
"""

SECRET_EXPLANATION = "EXPLAINED-zq81: the author is sarcastic"
SECRET_TEXT_ANSWER = "pangolin umbrella seventeen"

SENTIMENT_CONTROL: dict[str, Any] = {
    "name": "sentiment",
    "kind": "choice",
    "title": "What sentiment does the author express?",
    "target": "text",
    "options": [
        {"value": "positive", "label": "Positive"},
        {"value": "negative", "label": "Negative"},
        {"value": "neutral", "label": "Neutral"},
    ],
}
RATING_CONTROL: dict[str, Any] = {
    "name": "quality",
    "kind": "rating",
    "title": "How good is the text?",
    "target": "text",
    "scale": [{"value": v, "label": str(v)} for v in range(1, 6)],
}
TAGS_CONTROL: dict[str, Any] = {
    "name": "tags",
    "kind": "choice",
    "title": "Which topics?",
    "target": "text",
    "multiple": True,
    "options": [
        {"value": "price", "label": "Price"},
        {"value": "delivery", "label": "Delivery"},
        {"value": "quality", "label": "Quality"},
    ],
}
TEXT_CONTROL: dict[str, Any] = {
    "name": "rewrite",
    "kind": "text",
    "title": "Type the three words you read",
    "target": "text",
}


def org_with_requester(db: Session, name: str = "Acme") -> tuple[Organization, User]:
    organization = make_organization(db, name)
    return organization, make_user(db, role=Role.REQUESTER, organization=organization)


def make_project(db: Session, requester: User, organization: Organization) -> Project:
    project = projects_service.create_project(
        db, requester, organization.id, name="Reviews", template_key="text-sentiment"
    )
    db.commit()
    return project


def make_guidelines(
    db: Session,
    requester: User,
    organization: Organization,
    projects: list[Project] | None = None,
) -> Guidelines:
    guidelines = guidelines_service.create_guidelines(
        db,
        requester,
        organization.id,
        title="Sentiment",
        body=GUIDELINES_V1,
        project_ids=[p.id for p in projects or []],
    )
    db.commit()
    return guidelines


def make_test(
    db: Session,
    requester: User,
    organization: Organization,
    *,
    questions: int = 3,
    publish: bool = True,
    **settings: Any,
) -> AssessmentTest:
    """A test of `questions` sentiment questions (correct: negative), on sections 2.1, 2.2, 3
    in turn. Settings go to `create_test` (kind defaults to a "grammar" skill test)."""
    settings.setdefault("kind", models.TestKind.SKILL)
    if settings["kind"] == models.TestKind.SKILL:
        settings.setdefault("skill_key", "grammar")
    settings.setdefault("mode", models.TestMode.EXAM)
    settings.setdefault("pass_mark", 60)
    test = service.create_test(
        db, requester, organization.id, title=settings.pop("title", "Sentiment test"), **settings
    )
    sections = ["2.1", "2.2", "3"]
    for n in range(questions):
        service.add_question(
            db,
            requester,
            test,
            data={"text": f"Oh great, it broke on day {n + 1}."},
            control=SENTIMENT_CONTROL,
            correct_answer="negative",
            explanation=SECRET_EXPLANATION,
            guideline_section=sections[n % 3],
        )
    if publish:
        service.set_status(db, requester, test, models.TestStatus.PUBLISHED)
    db.commit()
    return test
