"""JSON API for guidelines: documents, versions and diffs, project links, examples, Q&A."""

from __future__ import annotations

from fastapi import APIRouter, Query, status

from labelpool.accounts.models import User
from labelpool.guidelines import service
from labelpool.guidelines.models import Guidelines
from labelpool.guidelines.schemas import (
    DiffOut,
    ExampleCreate,
    ExampleOut,
    GuidelinesCreate,
    GuidelinesDetail,
    GuidelinesOut,
    ProjectLink,
    PublishedOut,
    QuestionAnswer,
    QuestionCreate,
    QuestionOut,
    SectionOut,
    VersionCreate,
    VersionDetail,
    VersionOut,
)
from labelpool.guidelines.sections import parse_sections
from labelpool.policy import actor_of
from labelpool.policy.organizations import default_organization_id
from labelpool.web.deps import CurrentUser, DbSession
from labelpool.web.schemas import MAX_ID, ResourceId

router = APIRouter(tags=["guidelines"])


def detail(db: DbSession, user: User, guidelines: Guidelines) -> GuidelinesDetail:
    version = service.get_version(db, guidelines)
    outline = parse_sections(version.body)
    examples = service.examples_by_section(db, guidelines)
    faq = service.faq(db, guidelines)
    return GuidelinesDetail(
        **GuidelinesOut.model_validate(guidelines).model_dump(),
        project_ids=[p.id for p in service.linked_projects(db, guidelines)],
        version=VersionDetail.model_validate(version),
        preamble=outline.preamble,
        sections=[
            SectionOut(
                number=s.number,
                title=s.title,
                level=s.level,
                body=s.body,
                examples=[ExampleOut.model_validate(e) for e in examples.get(s.number, [])],
                faq=[QuestionOut.model_validate(q) for q in faq.get(s.number, [])],
            )
            for s in outline.sections
        ],
    )


@router.get("/guidelines", response_model=list[GuidelinesOut])
def list_guidelines(user: CurrentUser, db: DbSession) -> list[GuidelinesOut]:
    """Guidelines you can read: your organizations' (contributors: those in use)."""
    return [GuidelinesOut.model_validate(g) for g in service.list_guidelines(db, user)]


@router.post("/guidelines", response_model=GuidelinesDetail, status_code=status.HTTP_201_CREATED)
def create_guidelines(body: GuidelinesCreate, user: CurrentUser, db: DbSession) -> GuidelinesDetail:
    guidelines = service.create_guidelines(
        db,
        user,
        default_organization_id(actor_of(db, user), body.organization_id),
        title=body.title,
        body=body.body,
        project_ids=body.project_ids,
    )
    return detail(db, user, guidelines)


@router.get("/guidelines/{guidelines_id}", response_model=GuidelinesDetail)
def get_guidelines(guidelines_id: ResourceId, user: CurrentUser, db: DbSession) -> GuidelinesDetail:
    """The current version split into sections, each with its examples and FAQ."""
    return detail(db, user, service.guidelines_for_reader(db, user, guidelines_id))


@router.get("/guidelines/{guidelines_id}/versions", response_model=list[VersionOut])
def list_versions(guidelines_id: ResourceId, user: CurrentUser, db: DbSession) -> list[VersionOut]:
    guidelines = service.guidelines_for_reader(db, user, guidelines_id)
    return [VersionOut.model_validate(v) for v in service.list_versions(db, guidelines)]


@router.get("/guidelines/{guidelines_id}/versions/{number}", response_model=VersionDetail)
def get_version(
    guidelines_id: ResourceId, number: ResourceId, user: CurrentUser, db: DbSession
) -> VersionDetail:
    guidelines = service.guidelines_for_reader(db, user, guidelines_id)
    return VersionDetail.model_validate(service.get_version(db, guidelines, number))


@router.post(
    "/guidelines/{guidelines_id}/versions",
    response_model=PublishedOut,
    status_code=status.HTTP_201_CREATED,
)
def publish_version(
    guidelines_id: ResourceId, body: VersionCreate, user: CurrentUser, db: DbSession
) -> PublishedOut:
    """Publish a new version; contributors are notified, and with `material` must pass the
    questions on the changed sections again before claiming more work."""
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    published = service.publish_version(
        db, user, guidelines, body.body, material=body.material, note=body.note
    )
    number = published.version.number
    return PublishedOut(
        version=VersionOut.model_validate(published.version),
        diff=DiffOut(
            from_version=number - 1,
            to_version=number,
            text_diff=published.diff.text_diff,
            **published.diff.summary(),
        ),
        notified=published.notified,
        refreshers_required=published.refreshers,
    )


@router.get("/guidelines/{guidelines_id}/diff", response_model=DiffOut)
def diff(
    guidelines_id: ResourceId,
    user: CurrentUser,
    db: DbSession,
    from_version: int | None = Query(default=None, alias="from", ge=1, le=MAX_ID),
    to_version: int | None = Query(default=None, alias="to", ge=1, le=MAX_ID),
) -> DiffOut:
    """What changed between two versions (default: the previous and the current one)."""
    guidelines = service.guidelines_for_reader(db, user, guidelines_id)
    to_number = to_version or guidelines.current_version
    from_number = from_version or max(1, to_number - 1)
    changes = service.compare_versions(db, guidelines, from_number, to_number)
    return DiffOut(
        from_version=from_number,
        to_version=to_number,
        text_diff=changes.text_diff,
        **changes.summary(),
    )


@router.post("/guidelines/{guidelines_id}/projects", response_model=GuidelinesDetail)
def link_project(
    guidelines_id: ResourceId, body: ProjectLink, user: CurrentUser, db: DbSession
) -> GuidelinesDetail:
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    service.link_project(db, user, guidelines, body.project_id)
    return detail(db, user, guidelines)


@router.delete("/guidelines/{guidelines_id}/projects/{project_id}", response_model=GuidelinesDetail)
def unlink_project(
    guidelines_id: ResourceId, project_id: ResourceId, user: CurrentUser, db: DbSession
) -> GuidelinesDetail:
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    service.unlink_project(db, user, guidelines, project_id)
    return detail(db, user, guidelines)


@router.post(
    "/guidelines/{guidelines_id}/examples",
    response_model=ExampleOut,
    status_code=status.HTTP_201_CREATED,
)
def add_example(
    guidelines_id: ResourceId, body: ExampleCreate, user: CurrentUser, db: DbSession
) -> ExampleOut:
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    example = service.add_example(
        db,
        user,
        guidelines,
        section=body.section,
        data=body.data,
        answer=body.answer,
        explanation=body.explanation,
    )
    return ExampleOut.model_validate(example)


@router.delete(
    "/guidelines/{guidelines_id}/examples/{example_id}", status_code=status.HTTP_204_NO_CONTENT
)
def delete_example(
    guidelines_id: ResourceId, example_id: ResourceId, user: CurrentUser, db: DbSession
) -> None:
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    service.delete_example(db, user, guidelines, example_id)


@router.get("/guidelines/{guidelines_id}/questions", response_model=list[QuestionOut])
def list_questions(
    guidelines_id: ResourceId, user: CurrentUser, db: DbSession, unanswered: bool = False
) -> list[QuestionOut]:
    """Managers: every question (`unanswered=true` for the inbox); others: the FAQ and their own."""
    guidelines = service.guidelines_for_reader(db, user, guidelines_id)
    found = service.list_questions(db, user, guidelines, unanswered_only=unanswered)
    return [QuestionOut.model_validate(q) for q in found]


@router.post(
    "/guidelines/{guidelines_id}/questions",
    response_model=QuestionOut,
    status_code=status.HTTP_201_CREATED,
)
def ask_question(
    guidelines_id: ResourceId, body: QuestionCreate, user: CurrentUser, db: DbSession
) -> QuestionOut:
    guidelines = service.guidelines_for_reader(db, user, guidelines_id)
    asked = service.ask_question(db, user, guidelines, section=body.section, question=body.question)
    return QuestionOut.model_validate(asked)


@router.post(
    "/guidelines/{guidelines_id}/questions/{question_id}/answer", response_model=QuestionOut
)
def answer_question(
    guidelines_id: ResourceId,
    question_id: ResourceId,
    body: QuestionAnswer,
    user: CurrentUser,
    db: DbSession,
) -> QuestionOut:
    guidelines = service.guidelines_for_manager(db, user, guidelines_id)
    return QuestionOut.model_validate(
        service.answer_question(db, user, guidelines, question_id, body.answer)
    )
