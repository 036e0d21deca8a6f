"""Building tests: settings, targets, publishing (their questions are in `questions.py`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.service import slugify
from labelpool.assessments.models import AssessmentTest, TestKind, TestMode, TestStatus
from labelpool.assessments.questions import question_ids_of
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound
from labelpool.events import Action, emit
from labelpool.guidelines.models import Guidelines
from labelpool.policy import (
    OrganizationPolicy,
    ProjectPolicy,
    TestPolicy,
    actor_of,
    authorize,
    permits,
)
from labelpool.policy.rules import get_authorized
from labelpool.projects.models import Project
from labelpool.projects.templates import TEMPLATES
from labelpool.projects.templates.model import TaskFamily

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")


SKILL_KEYS_SUGGESTED = ("reading", "attention_to_detail", "grammar", "categorisation")


MAX_TIME_LIMIT = 24 * 3600


MAX_COOLDOWN = 365 * 24 * 3600


SETTINGS = (
    "title",
    "description",
    "mode",
    "pass_mark",
    "time_limit_seconds",
    "shuffle",
    "subset_size",
    "cooldown_seconds",
    "max_attempts",
    "guidelines_id",
)


DRAFT_ONLY = ("kind", "skill_key", "project_id", "project_type", "qualification_key")


def _key(value: str | None, field_name: str) -> str | None:
    if value is None:
        return None
    value = value.strip().lower()
    if not value:
        return None
    if not KEY_PATTERN.match(value):
        raise InvalidInput(
            f"'{value}' is not a valid key: use lower-case letters, digits, '_', '-' or '.', "
            "starting with a letter (at most 64 characters).",
            details={"field": field_name},
        )
    return value


def _check_settings(values: Mapping[str, Any]) -> None:
    pass_mark = values.get("pass_mark")
    if pass_mark is not None and not 1 <= pass_mark <= 100:
        raise InvalidInput(
            "The pass mark is a percentage from 1 to 100.", details={"field": "pass_mark"}
        )
    limit = values.get("time_limit_seconds")
    if limit is not None and not 30 <= limit <= MAX_TIME_LIMIT:
        raise InvalidInput(
            "The time limit must be from 30 seconds to 24 hours (or none).",
            details={"field": "time_limit_seconds"},
        )
    subset = values.get("subset_size")
    if subset is not None and subset < 1:
        raise InvalidInput(
            "The number of questions per attempt must be at least 1 (or none: all).",
            details={"field": "subset_size"},
        )
    cooldown = values.get("cooldown_seconds")
    if cooldown is not None and not 0 <= cooldown <= MAX_COOLDOWN:
        raise InvalidInput(
            "The cooldown must be from 0 (retake right away) to 365 days.",
            details={"field": "cooldown_seconds"},
        )
    max_attempts = values.get("max_attempts")
    if max_attempts is not None and not 1 <= max_attempts <= 1000:
        raise InvalidInput(
            "The maximum number of attempts must be from 1 to 1000 (or none: unlimited).",
            details={"field": "max_attempts"},
        )
    title = values.get("title")
    if title is not None and (not str(title).strip() or len(str(title)) > 200):
        raise InvalidInput("The title must be 1 to 200 characters.", details={"field": "title"})


def _check_guidelines(db: Session, organization_id: int | None, guidelines_id: int | None) -> None:
    if guidelines_id is None:
        return
    guidelines = db.get(Guidelines, guidelines_id)
    if guidelines is None or (
        organization_id is not None and guidelines.organization_id != organization_id
    ):
        raise InvalidInput(
            f"No guidelines with id {guidelines_id} in this organization.",
            details={"field": "guidelines_id"},
        )


def _check_target(
    db: Session,
    actor: User,
    organization_id: int | None,
    kind: TestKind,
    skill_key: str | None,
    project_id: int | None,
    project_type: str | None,
) -> None:
    if kind == TestKind.SKILL:
        if skill_key is None:
            raise InvalidInput(
                "A skill test needs the skill it measures, e.g. "
                f"{', '.join(SKILL_KEYS_SUGGESTED)}.",
                details={"field": "skill_key"},
            )
        if project_id is not None or project_type is not None:
            raise InvalidInput(
                "A skill test is general; make a qualification test for a project or type.",
                details={"field": "project_id"},
            )
        return
    if (project_id is None) == (project_type is None):
        raise InvalidInput(
            "A qualification test is for one project or for one project type; give exactly one.",
            details={"field": "project_id"},
        )
    if project_id is not None:
        project = get_authorized(db, actor, Project, project_id, ProjectPolicy.manage, "project")
        if project.organization_id != organization_id:
            raise InvalidInput(
                "The project belongs to another organization.", details={"field": "project_id"}
            )
    elif project_type not in TEMPLATES and project_type not in {f.value for f in TaskFamily}:
        raise InvalidInput(
            f"'{project_type}' is not a project type: use a template key (e.g. text-sentiment) "
            f"or a task family ({', '.join(f.value for f in TaskFamily)}).",
            details={"field": "project_type"},
        )


def create_test(
    db: Session,
    actor: User,
    organization_id: int | None,
    *,
    title: str,
    kind: TestKind,
    description: str = "",
    skill_key: str | None = None,
    qualification_key: str | None = None,
    project_id: int | None = None,
    project_type: str | None = None,
    guidelines_id: int | None = None,
    mode: TestMode = TestMode.EXAM,
    pass_mark: int = 80,
    time_limit_seconds: int | None = None,
    shuffle: bool = False,
    subset_size: int | None = None,
    cooldown_seconds: int = 0,
    max_attempts: int | None = None,
) -> AssessmentTest:
    """A draft test. `organization_id` None makes a platform-wide test (admins only)."""
    if organization_id is None:
        if not permits(actor_of(db, actor), TestPolicy.create_platform_wide()):
            raise InvalidInput(
                "Choose the organization the test belongs to.",
                details={"field": "organization_id"},
            )
    else:
        rule = OrganizationPolicy.create_in(organization_id, "tests")
        if db.get(Organization, organization_id) is None:
            raise NotFound(rule.hidden)
        authorize(actor_of(db, actor), rule)
    skill = _key(skill_key, "skill_key")
    project_type = (project_type or "").strip() or None
    _check_settings(locals())
    _check_target(db, actor, organization_id, kind, skill, project_id, project_type)
    _check_guidelines(db, organization_id, guidelines_id)
    test = AssessmentTest(
        organization_id=organization_id,
        title=title.strip(),
        description=description.strip(),
        kind=kind,
        skill_key=skill,
        qualification_key=_key(qualification_key, "qualification_key") or "pending",
        project_id=project_id,
        project_type=project_type,
        guidelines_id=guidelines_id,
        mode=mode,
        status=TestStatus.DRAFT,
        pass_mark=pass_mark,
        time_limit_seconds=time_limit_seconds,
        shuffle=shuffle,
        subset_size=subset_size,
        cooldown_seconds=cooldown_seconds,
        max_attempts=max_attempts,
        created_by=actor.id,
    )
    db.add(test)
    db.flush()
    if test.qualification_key == "pending":
        test.qualification_key = f"{slugify(test.title)[:80]}-{test.id}"
    emit(
        db,
        Action.TEST_CREATED,
        "test",
        test.id,
        actor_id=actor.id,
        organization_id=organization_id,
        details={"kind": kind.value},
    )
    db.flush()
    return test


def update_test(
    db: Session, actor: User, test: AssessmentTest, changes: Mapping[str, Any]
) -> AssessmentTest:
    """Change settings; what a test qualifies for changes only while it is a draft."""
    unknown = set(changes) - set(SETTINGS) - set(DRAFT_ONLY)
    if unknown:
        raise InvalidInput(f"'{sorted(unknown)[0]}' cannot be changed here.")
    if set(changes) & set(DRAFT_ONLY) and test.status != TestStatus.DRAFT:
        raise Conflict(
            "What a test qualifies for is fixed once it is published; create a new test instead."
        )
    _check_settings(changes)
    values = {
        key: changes.get(key, getattr(test, key))
        for key in ("kind", "skill_key", "project_id", "project_type")
    }
    if "skill_key" in changes:
        values["skill_key"] = _key(changes["skill_key"], "skill_key")
    if set(changes) & set(DRAFT_ONLY):
        _check_target(
            db,
            actor,
            test.organization_id,
            TestKind(values["kind"]),
            values["skill_key"],
            values["project_id"],
            values["project_type"],
        )
    if "guidelines_id" in changes:
        _check_guidelines(db, test.organization_id, changes["guidelines_id"])
    if "subset_size" in changes and changes["subset_size"] is not None:
        _check_subset(db, test, changes["subset_size"], strict=test.status != TestStatus.DRAFT)
    for key, value in changes.items():
        if key == "qualification_key":
            value = _key(value, key) or test.qualification_key
        elif key == "skill_key":
            value = values["skill_key"]
        elif key in ("title", "description") and isinstance(value, str):
            value = value.strip()
        setattr(test, key, value)
    test.updated_at = utcnow()
    emit(
        db,
        Action.TEST_UPDATED,
        "test",
        test.id,
        actor_id=actor.id,
        organization_id=test.organization_id,
        details={"fields": sorted(changes)},
    )
    db.flush()
    return test


def _check_subset(db: Session, test: AssessmentTest, subset: int | None, *, strict: bool) -> None:
    if subset is None or not strict:
        return
    count = len(question_ids_of(db, test))
    if subset > count:
        raise InvalidInput(
            f"The test has {count} question(s); it cannot draw {subset} per attempt.",
            details={"field": "subset_size"},
        )


def set_status(
    db: Session, actor: User, test: AssessmentTest, status: TestStatus
) -> AssessmentTest:
    """draft → published ⇄ archived. Publishing needs questions (and enough for the subset)."""
    if status == test.status:
        raise Conflict(f"The test is already {status.value}.")
    if status == TestStatus.DRAFT:
        raise Conflict("A published test cannot go back to draft; archive it instead.")
    if status == TestStatus.PUBLISHED:
        if not question_ids_of(db, test):
            raise Conflict("Add at least one question before publishing the test.")
        _check_subset(db, test, test.subset_size, strict=True)
    previous = test.status
    test.status = status
    emit(
        db,
        Action.TEST_STATUS_CHANGED,
        "test",
        test.id,
        actor_id=actor.id,
        organization_id=test.organization_id,
        details={"from": previous.value, "to": status.value},
    )
    db.flush()
    return test
