"""Guidelines logic: documents, versions and what changed, examples, questions and the FAQ.

Who may do what: members of the owning organization with a managing role (requester, admin)
write; its members and admins read everything; contributors read guidelines that are in use
(attached to a published test, or followed by an active or paused project) and ask questions
on them. Other tenants get 404. Services never commit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Membership, Organization, User
from labelpool.accounts.roles import Role
from labelpool.assessments import refreshers
from labelpool.assessments.models import AssessmentTest, TestStatus
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labelpool.events import Action, emit
from labelpool.guidelines.models import (
    GuidelineExample,
    GuidelineQuestion,
    Guidelines,
    GuidelinesVersion,
    ProjectGuidelines,
)
from labelpool.guidelines.sections import (
    GuidelinesDiff,
    Outline,
    SectionError,
    check_outline,
    diff_sections,
    normalise_number,
    parse_sections,
)
from labelpool.notifications.service import notify
from labelpool.projects import access
from labelpool.projects.models import Project, ProjectStatus

MAX_BODY = 200_000
MAX_TEXT = 5_000
IN_USE_PROJECT_STATUSES = (ProjectStatus.ACTIVE, ProjectStatus.PAUSED)


# --- access -------------------------------------------------------------------------------


def _role_in(db: Session, user: User, organization_id: int) -> Role | None:
    return access.organization_role(db, user, organization_id)


def can_manage(db: Session, user: User, guidelines: Guidelines) -> bool:
    if user.role == Role.ADMIN:
        return True
    return _role_in(db, user, guidelines.organization_id) in access.MANAGE_ROLES


def _in_use(db: Session, guidelines_id: int) -> bool:
    by_test = db.scalar(
        select(AssessmentTest.id)
        .where(
            AssessmentTest.guidelines_id == guidelines_id,
            AssessmentTest.status == TestStatus.PUBLISHED,
        )
        .limit(1)
    )
    if by_test is not None:
        return True
    by_project = db.scalar(
        select(ProjectGuidelines.project_id)
        .join(Project, Project.id == ProjectGuidelines.project_id)
        .where(
            ProjectGuidelines.guidelines_id == guidelines_id,
            Project.status.in_(IN_USE_PROJECT_STATUSES),
        )
        .limit(1)
    )
    return by_project is not None


def guidelines_for_reader(db: Session, user: User, guidelines_id: int) -> Guidelines:
    """The document if `user` may read it; otherwise NotFound (ids of others stay hidden)."""
    guidelines = db.get(Guidelines, guidelines_id)
    if guidelines is None:
        raise NotFound(f"No guidelines with id {guidelines_id}.")
    if user.role == Role.ADMIN or _role_in(db, user, guidelines.organization_id) is not None:
        return guidelines
    if user.role == Role.CONTRIBUTOR and _in_use(db, guidelines.id):
        return guidelines
    raise NotFound(f"No guidelines with id {guidelines_id}.")


def guidelines_for_manager(db: Session, user: User, guidelines_id: int) -> Guidelines:
    guidelines = guidelines_for_reader(db, user, guidelines_id)
    if not can_manage(db, user, guidelines):
        raise PermissionDenied(
            "Only the organization's requesters and admins can change these guidelines."
        )
    return guidelines


def list_guidelines(db: Session, user: User) -> list[Guidelines]:
    """Documents of the user's organizations (admins: all; contributors: those in use)."""
    query = select(Guidelines).order_by(Guidelines.title, Guidelines.id)
    if user.role == Role.ADMIN:
        return list(db.scalars(query))
    mine = select(Membership.organization_id).where(Membership.user_id == user.id)
    if user.role != Role.CONTRIBUTOR:
        return list(db.scalars(query.where(Guidelines.organization_id.in_(mine))))
    used_by_tests = select(AssessmentTest.guidelines_id).where(
        AssessmentTest.status == TestStatus.PUBLISHED, AssessmentTest.guidelines_id.is_not(None)
    )
    used_by_projects = (
        select(ProjectGuidelines.guidelines_id)
        .join(Project, Project.id == ProjectGuidelines.project_id)
        .where(Project.status.in_(IN_USE_PROJECT_STATUSES))
    )
    return list(
        db.scalars(
            query.where(
                or_(
                    Guidelines.organization_id.in_(mine),
                    Guidelines.id.in_(used_by_tests),
                    Guidelines.id.in_(used_by_projects),
                )
            )
        )
    )


# --- documents and versions ---------------------------------------------------------------


def _checked_outline(body: str) -> Outline:
    if len(body) > MAX_BODY:
        raise InvalidInput(
            f"Guidelines can be at most {MAX_BODY:,} characters.", details={"field": "body"}
        )
    outline = parse_sections(body)
    try:
        check_outline(outline)
    except SectionError as exc:
        message = "; ".join(exc.problems)
        raise InvalidInput(
            message[:1].upper() + message[1:] + ".", details={"field": "body"}
        ) from None
    return outline


def _outline_json(outline: Outline) -> list[dict[str, Any]]:
    return [{"number": s.number, "title": s.title, "level": s.level} for s in outline.sections]


def _check_title(title: str) -> str:
    title = title.strip()
    if not title or len(title) > 200:
        raise InvalidInput("The title must be 1 to 200 characters.", details={"field": "title"})
    return title


def create_guidelines(
    db: Session,
    actor: User,
    organization_id: int,
    *,
    title: str,
    body: str,
    project_ids: Iterable[int] = (),
) -> Guidelines:
    """A new document with version 1, optionally followed by some of the organization's projects."""
    organization = db.get(Organization, organization_id)
    if organization is None or (
        actor.role != Role.ADMIN
        and organization_id not in access.manageable_organization_ids(db, actor)
    ):
        raise NotFound(
            f"You cannot write guidelines for an organization with id {organization_id}."
        )
    outline = _checked_outline(body)
    guidelines = Guidelines(
        organization_id=organization_id,
        title=_check_title(title),
        current_version=1,
        created_by=actor.id,
    )
    db.add(guidelines)
    db.flush()
    db.add(
        GuidelinesVersion(
            guidelines_id=guidelines.id,
            number=1,
            body=body,
            sections=_outline_json(outline),
            changes={"added": outline.numbers, "removed": [], "changed": []},
            material=False,
            note="First version.",
            created_by=actor.id,
        )
    )
    emit(
        db,
        Action.GUIDELINES_CREATED,
        "guidelines",
        guidelines.id,
        actor_id=actor.id,
        organization_id=organization_id,
    )
    for project_id in project_ids:
        link_project(db, actor, guidelines, project_id)
    db.flush()
    return guidelines


PROJECT_TITLE_SUFFIX = " guidelines"


def project_guidelines_title(project_name: str) -> str:
    """ "<project name> guidelines", shortened to fit a title."""
    return project_name[: 200 - len(PROJECT_TITLE_SUFFIX)].rstrip() + PROJECT_TITLE_SUFFIX


def create_for_project(db: Session, actor: User, project: Project, body: str) -> Guidelines:
    """Guidelines of the project's organization that the project follows, version 1 = `body`
    (a template's default guidelines, copied so each project can change its own)."""
    return create_guidelines(
        db,
        actor,
        project.organization_id,
        title=project_guidelines_title(project.name),
        body=body,
        project_ids=[project.id],
    )


def get_version(
    db: Session, guidelines: Guidelines, number: int | None = None
) -> GuidelinesVersion:
    """A version by number (the current one by default)."""
    wanted = guidelines.current_version if number is None else number
    version = db.scalar(
        select(GuidelinesVersion).where(
            GuidelinesVersion.guidelines_id == guidelines.id, GuidelinesVersion.number == wanted
        )
    )
    if version is None:
        raise NotFound(
            f"These guidelines have no version {wanted}; the latest is "
            f"{guidelines.current_version}."
        )
    return version


def list_versions(db: Session, guidelines: Guidelines) -> list[GuidelinesVersion]:
    return list(
        db.scalars(
            select(GuidelinesVersion)
            .where(GuidelinesVersion.guidelines_id == guidelines.id)
            .order_by(GuidelinesVersion.number.desc())
        )
    )


@dataclass(frozen=True)
class Published:
    version: GuidelinesVersion
    diff: GuidelinesDiff
    notified: int
    refreshers: int


def publish_version(
    db: Session,
    actor: User,
    guidelines: Guidelines,
    body: str,
    *,
    material: bool = False,
    note: str = "",
) -> Published:
    """Write the next version (versions never change once written).

    The contributors of the projects following these guidelines are notified with what
    changed. With `material`, each of them who holds a qualification from a test on these
    guidelines must pass a refresher of the questions on the changed sections before claiming
    more work on that project (see `labelpool.assessments.refreshers`).
    """
    if not can_manage(db, actor, guidelines):
        raise PermissionDenied("Only the organization's requesters and admins can publish.")
    outline = _checked_outline(body)
    previous = get_version(db, guidelines)
    number = previous.number + 1
    diff = diff_sections(
        previous.body, body, old_label=f"version {previous.number}", new_label=f"version {number}"
    )
    if diff.is_empty:
        raise Conflict("Nothing changed: the text is the same as the current version.")
    if len(note) > MAX_TEXT:
        raise InvalidInput("The change note is too long.", details={"field": "note"})
    version = GuidelinesVersion(
        guidelines_id=guidelines.id,
        number=number,
        body=body,
        sections=_outline_json(outline),
        changes=diff.summary(),
        material=material,
        note=note.strip(),
        created_by=actor.id,
    )
    db.add(version)
    guidelines.current_version = number
    guidelines.updated_at = utcnow()
    db.flush()
    emit(
        db,
        Action.GUIDELINES_VERSION_PUBLISHED,
        "guidelines",
        guidelines.id,
        actor_id=actor.id,
        organization_id=guidelines.organization_id,
        details={"version": number, "material": material, **diff.summary()},
    )
    notified, created = refreshers.on_new_version(
        db, guidelines, version, diff.sections, material=material
    )
    return Published(version, diff, notified, created)


def compare_versions(
    db: Session, guidelines: Guidelines, from_number: int, to_number: int
) -> GuidelinesDiff:
    old = get_version(db, guidelines, from_number)
    new = get_version(db, guidelines, to_number)
    return diff_sections(
        old.body, new.body, old_label=f"version {old.number}", new_label=f"version {new.number}"
    )


def section_titles(version: GuidelinesVersion) -> dict[str, str]:
    return {str(s["number"]): str(s["title"]) for s in version.sections}


def _checked_section(db: Session, guidelines: Guidelines, section: str) -> str:
    try:
        number = normalise_number(section)
    except ValueError as exc:
        raise InvalidInput(str(exc), details={"field": "section"}) from None
    titles = section_titles(get_version(db, guidelines))
    if number not in titles:
        raise InvalidInput(
            f"Section {number} is not in the current version; sections: {', '.join(titles)}.",
            details={"field": "section"},
        )
    return number


# --- projects -----------------------------------------------------------------------------


def link_project(db: Session, actor: User, guidelines: Guidelines, project_id: int) -> Project:
    """Make a project of the same organization follow these guidelines (replacing others)."""
    project = access.project_for_manager(db, actor, project_id)
    if project.organization_id != guidelines.organization_id:
        raise InvalidInput(
            "A project can only follow guidelines of its own organization.",
            details={"field": "project_id"},
        )
    link = db.get(ProjectGuidelines, project.id)
    if link is None:
        db.add(ProjectGuidelines(project_id=project.id, guidelines_id=guidelines.id))
    else:
        link.guidelines_id = guidelines.id
    db.flush()
    return project


def unlink_project(db: Session, actor: User, guidelines: Guidelines, project_id: int) -> None:
    project = access.project_for_manager(db, actor, project_id)
    link = db.get(ProjectGuidelines, project.id)
    if link is None or link.guidelines_id != guidelines.id:
        raise NotFound(f"Project {project_id} does not follow these guidelines.")
    db.delete(link)
    db.flush()


def linked_projects(db: Session, guidelines: Guidelines) -> list[Project]:
    return list(
        db.scalars(
            select(Project)
            .join(ProjectGuidelines, ProjectGuidelines.project_id == Project.id)
            .where(ProjectGuidelines.guidelines_id == guidelines.id)
            .order_by(Project.name)
        )
    )


def guidelines_of_project(db: Session, project_id: int) -> Guidelines | None:
    return db.scalar(
        select(Guidelines)
        .join(ProjectGuidelines, ProjectGuidelines.guidelines_id == Guidelines.id)
        .where(ProjectGuidelines.project_id == project_id)
    )


# --- examples -----------------------------------------------------------------------------


def add_example(
    db: Session,
    actor: User,
    guidelines: Guidelines,
    *,
    section: str,
    data: Mapping[str, Any],
    answer: Any,
    explanation: str,
) -> GuidelineExample:
    if not can_manage(db, actor, guidelines):
        raise PermissionDenied("Only the organization's requesters and admins add examples.")
    number = _checked_section(db, guidelines, section)
    if not isinstance(data, Mapping) or not data:
        raise InvalidInput(
            "The example's item data should be an object with at least one field.",
            details={"field": "data"},
        )
    explanation = explanation.strip()
    if not explanation or len(explanation) > MAX_TEXT:
        raise InvalidInput(
            "Explain the example's answer (1 to 5,000 characters).",
            details={"field": "explanation"},
        )
    example = GuidelineExample(
        guidelines_id=guidelines.id,
        section=number,
        data=dict(data),
        answer=answer,
        explanation=explanation,
        created_by=actor.id,
    )
    db.add(example)
    db.flush()
    return example


def delete_example(db: Session, actor: User, guidelines: Guidelines, example_id: int) -> None:
    if not can_manage(db, actor, guidelines):
        raise PermissionDenied("Only the organization's requesters and admins remove examples.")
    example = db.get(GuidelineExample, example_id)
    if example is None or example.guidelines_id != guidelines.id:
        raise NotFound(f"No example with id {example_id} in these guidelines.")
    db.delete(example)
    db.flush()


def examples_by_section(db: Session, guidelines: Guidelines) -> dict[str, list[GuidelineExample]]:
    grouped: dict[str, list[GuidelineExample]] = {}
    for example in db.scalars(
        select(GuidelineExample)
        .where(GuidelineExample.guidelines_id == guidelines.id)
        .order_by(GuidelineExample.id)
    ):
        grouped.setdefault(example.section, []).append(example)
    return grouped


# --- questions and the FAQ ----------------------------------------------------------------


def ask_question(
    db: Session, user: User, guidelines: Guidelines, *, section: str, question: str
) -> GuidelineQuestion:
    """A reader asks about a section; the organization's requesters are notified."""
    number = _checked_section(db, guidelines, section)
    text = question.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput(
            "Write your question (1 to 5,000 characters).", details={"field": "question"}
        )
    asked = GuidelineQuestion(
        guidelines_id=guidelines.id,
        section=number,
        version_number=guidelines.current_version,
        asked_by=user.id,
        question=text,
    )
    db.add(asked)
    db.flush()
    managers = db.scalars(
        select(Membership.user_id).where(
            Membership.organization_id == guidelines.organization_id,
            Membership.role.in_(access.MANAGE_ROLES),
        )
    )
    notify(
        db,
        [m for m in managers if m != user.id],
        "guidelines.question",
        f"New question on section {number} of '{guidelines.title}'",
        text[:500],
        f"/guidelines/{guidelines.id}#section-{number}",
    )
    return asked


def answer_question(
    db: Session, actor: User, guidelines: Guidelines, question_id: int, answer: str
) -> GuidelineQuestion:
    """A requester answers; the answer appears in the section's FAQ and the asker is told."""
    if not can_manage(db, actor, guidelines):
        raise PermissionDenied("Only the organization's requesters and admins answer questions.")
    asked = db.get(GuidelineQuestion, question_id)
    if asked is None or asked.guidelines_id != guidelines.id:
        raise NotFound(f"No question with id {question_id} on these guidelines.")
    text = answer.strip()
    if not text or len(text) > MAX_TEXT:
        raise InvalidInput("Write the answer (1 to 5,000 characters).", details={"field": "answer"})
    asked.answer = text
    asked.answered_by = actor.id
    asked.answered_at = utcnow()
    db.flush()
    notify(
        db,
        [asked.asked_by],
        "guidelines.answer",
        f"Your question on section {asked.section} of '{guidelines.title}' was answered",
        text[:500],
        f"/guidelines/{guidelines.id}#section-{asked.section}",
    )
    return asked


def list_questions(
    db: Session, user: User, guidelines: Guidelines, *, unanswered_only: bool = False
) -> list[GuidelineQuestion]:
    """Managers see every question; others see answered ones (the FAQ) and their own."""
    query = (
        select(GuidelineQuestion)
        .where(GuidelineQuestion.guidelines_id == guidelines.id)
        .order_by(GuidelineQuestion.id)
    )
    if not can_manage(db, user, guidelines):
        query = query.where(
            or_(GuidelineQuestion.answer.is_not(None), GuidelineQuestion.asked_by == user.id)
        )
    if unanswered_only:
        query = query.where(GuidelineQuestion.answer.is_(None))
    return list(db.scalars(query))


def faq(db: Session, guidelines: Guidelines) -> dict[str, list[GuidelineQuestion]]:
    """Answered questions by section, oldest first."""
    grouped: dict[str, list[GuidelineQuestion]] = {}
    for asked in db.scalars(
        select(GuidelineQuestion)
        .where(
            GuidelineQuestion.guidelines_id == guidelines.id,
            GuidelineQuestion.answer.is_not(None),
        )
        .order_by(GuidelineQuestion.answered_at, GuidelineQuestion.id)
    ):
        grouped.setdefault(asked.section, []).append(asked)
    return grouped
