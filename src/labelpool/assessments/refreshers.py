"""Who works on a project, and the refreshers a material guidelines change requires.

A project's *contributors* are the users holding a qualification from a test that covers the
project: a test for that project, or a test for its project type (its template key or task
family) of the same organization or platform-wide.

When guidelines change materially, every project following them is looked at: for each test
covering it that is built on these guidelines and has questions on the changed sections
(a question on "2" counts for a change to "2.1"), each qualified contributor gets a
*required refresher*: those questions only. Until they pass it, `can_claim_work` says no for
that project. Another material change before they pass merges into the open refresher.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labelpool.assessments.models import (
    AssessmentTest,
    Qualification,
    RequiredRefresher,
    TestQuestion,
    TestStatus,
)
from labelpool.db.types import utcnow
from labelpool.guidelines.models import Guidelines, GuidelinesVersion, ProjectGuidelines
from labelpool.guidelines.sections import affected
from labelpool.notifications.service import notify
from labelpool.projects.models import Project


def tests_covering(db: Session, project: Project) -> list[AssessmentTest]:
    """Published or archived tests whose qualification admits to `project`."""
    types = [t for t in (project.template_key, project.task_family) if t]
    return list(
        db.scalars(
            select(AssessmentTest)
            .where(
                AssessmentTest.status != TestStatus.DRAFT,
                or_(
                    AssessmentTest.project_id == project.id,
                    (AssessmentTest.project_id.is_(None))
                    & AssessmentTest.project_type.in_(types)
                    & (
                        AssessmentTest.organization_id.is_(None)
                        | (AssessmentTest.organization_id == project.organization_id)
                    ),
                ),
            )
            .order_by(AssessmentTest.id)
        )
    )


def qualified_user_ids(db: Session, test_ids: Sequence[int]) -> list[int]:
    if not test_ids:
        return []
    return list(
        dict.fromkeys(
            db.scalars(
                select(Qualification.user_id)
                .where(Qualification.test_id.in_(list(test_ids)))
                .order_by(Qualification.user_id)
            )
        )
    )


def project_contributor_ids(db: Session, project: Project) -> list[int]:
    """Users holding a qualification for the project (its contributors)."""
    return qualified_user_ids(db, [t.id for t in tests_covering(db, project)])


def _questions_on(db: Session, test_id: int, sections: Sequence[str]) -> list[int]:
    rows = db.execute(
        select(TestQuestion.id, TestQuestion.guideline_section)
        .where(TestQuestion.test_id == test_id)
        .order_by(TestQuestion.position, TestQuestion.id)
    )
    return [qid for qid, section in rows if affected(section, list(sections))]


def on_new_version(
    db: Session,
    guidelines: Guidelines,
    version: GuidelinesVersion,
    changed_sections: Sequence[str],
    *,
    material: bool,
) -> tuple[int, int]:
    """Notify the contributors of every project following `guidelines`; with `material`,
    require refreshers. Returns (users notified, refreshers created or extended)."""
    projects = list(
        db.scalars(
            select(Project)
            .join(ProjectGuidelines, ProjectGuidelines.project_id == Project.id)
            .where(ProjectGuidelines.guidelines_id == guidelines.id)
        )
    )
    recipients: dict[int, bool] = {}  # user id -> must take a refresher
    touched = 0
    for project in projects:
        tests = tests_covering(db, project)
        for user_id in qualified_user_ids(db, [t.id for t in tests]):
            recipients.setdefault(user_id, False)
        if not material or not changed_sections:
            continue
        for test in tests:
            if test.guidelines_id != guidelines.id:
                continue
            question_ids = _questions_on(db, test.id, changed_sections)
            if not question_ids:
                continue
            for user_id in qualified_user_ids(db, [test.id]):
                _require(
                    db,
                    user_id,
                    project,
                    test,
                    guidelines,
                    version,
                    changed_sections,
                    question_ids,
                )
                recipients[user_id] = True
                touched += 1
    changes = version.changes
    parts = [
        f"{label}: {', '.join(changes.get(key, []))}"
        for key, label in (("changed", "changed"), ("added", "new"), ("removed", "removed"))
        if changes.get(key)
    ]
    summary = "; ".join(parts) or "wording only"
    link = f"/guidelines/{guidelines.id}/changes?to={version.number}"
    title = f"'{guidelines.title}' updated to version {version.number}"
    must = [u for u, required in recipients.items() if required]
    told = [u for u, required in recipients.items() if not required]
    body = f"Sections {summary}." + (f" {version.note}" if version.note else "")
    notified = notify(db, told, "guidelines.updated", title, body, link)
    notified += notify(
        db,
        must,
        "guidelines.refresher_required",
        title + ": refresher required",
        body + " This change is material: pass the short refresher on the changed sections "
        "before you claim more work (Tests page).",
        "/tests",
    )
    return notified, touched


def _require(
    db: Session,
    user_id: int,
    project: Project,
    test: AssessmentTest,
    guidelines: Guidelines,
    version: GuidelinesVersion,
    sections: Sequence[str],
    question_ids: list[int],
) -> RequiredRefresher:
    existing = db.scalar(
        select(RequiredRefresher).where(
            RequiredRefresher.user_id == user_id,
            RequiredRefresher.project_id == project.id,
            RequiredRefresher.test_id == test.id,
            RequiredRefresher.cleared_at.is_(None),
        )
    )
    if existing is not None:
        existing.sections = list(dict.fromkeys([*existing.sections, *sections]))
        existing.question_ids = list(dict.fromkeys([*existing.question_ids, *question_ids]))
        existing.version_number = version.number
        db.flush()
        return existing
    refresher = RequiredRefresher(
        user_id=user_id,
        project_id=project.id,
        test_id=test.id,
        guidelines_id=guidelines.id,
        version_number=version.number,
        sections=list(sections),
        question_ids=question_ids,
    )
    db.add(refresher)
    db.flush()
    return refresher


def open_refreshers(
    db: Session, user_id: int, *, project_id: int | None = None
) -> list[RequiredRefresher]:
    query = (
        select(RequiredRefresher)
        .where(RequiredRefresher.user_id == user_id, RequiredRefresher.cleared_at.is_(None))
        .order_by(RequiredRefresher.id)
    )
    if project_id is not None:
        query = query.where(RequiredRefresher.project_id == project_id)
    return list(db.scalars(query))


def can_claim_work(db: Session, user_id: int, project_id: int) -> tuple[bool, str]:
    """The guidelines gate for claiming work on a project: (False, why) while the contributor
    owes a refresher for it, else (True, ""). Eligibility (qualifications, profile rules) is
    the matching feature's job; the distribution feature asks both."""
    pending = open_refreshers(db, user_id, project_id=project_id)
    if not pending:
        return True, ""
    first = pending[0]
    guidelines = db.get(Guidelines, first.guidelines_id)
    test = db.get(AssessmentTest, first.test_id)
    title = guidelines.title if guidelines else "the guidelines"
    test_title = test.title if test else "the test"
    sections = ", ".join(first.sections)
    return False, (
        f"'{title}' changed in version {first.version_number} (sections {sections}). Pass the "
        f"refresher of '{test_title}' on those sections before claiming more work here."
    )


def clear_passed(
    db: Session, user_id: int, test_id: int, question_ids: Sequence[int], attempt_id: int
) -> int:
    """Clear the user's open refreshers of `test_id` fully covered by a passed attempt."""
    covered = set(question_ids)
    cleared = 0
    now = utcnow()
    for refresher in db.scalars(
        select(RequiredRefresher).where(
            RequiredRefresher.user_id == user_id,
            RequiredRefresher.test_id == test_id,
            RequiredRefresher.cleared_at.is_(None),
        )
    ):
        if set(refresher.question_ids) <= covered:
            refresher.cleared_at = now
            refresher.cleared_by_attempt_id = attempt_id
            cleared += 1
    db.flush()
    return cleared
