"""Guidelines documents and their versions: created, published (with what changed), read."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.assessments import refreshers
from labelpool.db.types import utcnow
from labelpool.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from labelpool.events import Action, emit
from labelpool.guidelines.access import can_manage
from labelpool.guidelines.models import Guidelines, GuidelinesVersion
from labelpool.guidelines.project_links import link_project
from labelpool.guidelines.sections import (
    GuidelinesDiff,
    Outline,
    SectionError,
    check_outline,
    diff_sections,
    normalise_number,
    parse_sections,
)
from labelpool.policy import OrganizationPolicy, actor_of, authorize
from labelpool.projects.models import Project

MAX_BODY = 200_000
MAX_TEXT = 5_000


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
    rule = OrganizationPolicy.create_in(
        organization_id,
        "guidelines",
        f"You cannot write guidelines for an organization with id {organization_id}.",
    )
    if db.get(Organization, organization_id) is None:
        raise NotFound(rule.hidden)
    authorize(actor_of(db, actor), rule)
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
