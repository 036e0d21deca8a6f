"""JSON API for tests: building (requesters), taking (contributors), qualifications, skills.

Taker routes never send correct answers or explanations, except the feedback of a question
already answered in a training-mode test.
"""

from __future__ import annotations

from fastapi import APIRouter, status
from sqlalchemy.orm import Session

from labelpool.assessments import refreshers, service
from labelpool.assessments.models import AssessmentTest, Attempt, RequiredRefresher, TestQuestion
from labelpool.assessments.retake import RetakeStatus
from labelpool.assessments.schemas import (
    AnswerIn,
    AnswerOut,
    AttemptOut,
    AttemptQuestionOut,
    ClaimCheckOut,
    FeedbackOut,
    QualificationOut,
    QuestionCreate,
    QuestionOut,
    RefresherOut,
    ResultOut,
    RetakeOut,
    SectionScore,
    SkillOut,
    SkillSet,
    StatusChange,
    TakerTestOut,
    TestCreate,
    TestOut,
    TestSettings,
)
from labelpool.policy import actor_of
from labelpool.policy.organizations import default_organization_id
from labelpool.web.deps import AdminUser, ContributorUser, CurrentUser, DbSession
from labelpool.web.schemas import ResourceId

router = APIRouter(tags=["tests"])


# --- shaping (shared with the pages) -------------------------------------------------------


def test_out(db: Session, test: AssessmentTest) -> TestOut:
    return TestOut(
        id=test.id,
        organization_id=test.organization_id,
        title=test.title,
        description=test.description,
        kind=test.kind,
        skill_key=test.skill_key,
        qualification_key=test.qualification_key,
        project_id=test.project_id,
        project_type=test.project_type,
        guidelines_id=test.guidelines_id,
        mode=test.mode,
        status=test.status,
        pass_mark=test.pass_mark,
        time_limit_seconds=test.time_limit_seconds,
        shuffle=test.shuffle,
        subset_size=test.subset_size,
        cooldown_seconds=test.cooldown_seconds,
        max_attempts=test.max_attempts,
        retake_policy=service.policy_of(test).describe(),
        question_count=len(service.question_ids_of(db, test)),
        created_at=test.created_at,
    )


def retake_out(status_: RetakeStatus) -> RetakeOut:
    return RetakeOut(
        can_start=status_.can_start,
        state=status_.state.value,
        attempts_left=status_.attempts_left,
        next_attempt_at=status_.next_attempt_at,
        reason=status_.reason,
    )


def taker_test_out(card: service.TestCard) -> TakerTestOut:
    test = card.test
    return TakerTestOut(
        id=test.id,
        title=test.title,
        description=test.description,
        kind=test.kind,
        skill_key=test.skill_key,
        project_id=test.project_id,
        project_type=test.project_type,
        guidelines_id=test.guidelines_id,
        mode=test.mode,
        pass_mark=test.pass_mark,
        time_limit_seconds=test.time_limit_seconds,
        question_count=card.question_count,
        retake_policy=service.policy_of(test).describe(),
        status=retake_out(card.status),
        attempts_used=card.attempts,
        best_percent=card.best_percent,
        qualified=card.qualified,
        open_attempt_id=card.open_attempt_id,
    )


def feedback_out(feedback: service.Feedback | None) -> FeedbackOut | None:
    if feedback is None:
        return None
    return FeedbackOut(
        score=feedback.score,
        correct=feedback.correct,
        correct_answer=feedback.correct_answer,
        explanation=feedback.explanation,
        guideline_section=feedback.guideline_section,
        section_title=feedback.section_title,
    )


def result_out(view: service.AttemptView) -> ResultOut | None:
    attempt, test = view.attempt, view.test
    if attempt.result is None or attempt.passed is None:
        return None
    titles = {r["section"]: r["title"] for r in view.restudy}
    titles.update(
        {q.guideline_section: q.section_title or "" for q in view.questions if q.guideline_section}
    )
    sections = [
        SectionScore(
            section=s["section"],
            title=titles.get(s["section"], ""),
            questions=s["questions"],
            percent=s["percent"],
        )
        for s in attempt.result.get("sections", [])
    ]
    by_number = {s.section: s for s in sections}
    return ResultOut(
        percent=attempt.result["percent"],
        passed=attempt.passed,
        pass_mark=test.pass_mark,
        answered=attempt.result.get("answered", 0),
        total=attempt.result.get("total", len(attempt.question_ids)),
        sections=sections,
        restudy=[by_number[n] for n in attempt.result.get("restudy", []) if n in by_number],
    )


def attempt_out(db: Session, attempt: Attempt) -> AttemptOut:
    view = service.attempt_view(db, attempt)
    return AttemptOut(
        id=attempt.id,
        test_id=attempt.test_id,
        test_title=view.test.title,
        mode=view.test.mode,
        purpose=attempt.purpose,
        status=attempt.status,
        started_at=attempt.started_at,
        deadline_at=attempt.deadline_at,
        finished_at=attempt.finished_at,
        seconds_left=view.seconds_left,
        questions=[
            AttemptQuestionOut(
                id=q.id,
                index=q.index,
                data=q.data,
                control=q.control,
                guideline_section=q.guideline_section,
                section_title=q.section_title,
                answered=q.answered,
                answer=q.answer,
                feedback=feedback_out(q.feedback),
            )
            for q in view.questions
        ],
        result=result_out(view),
    )


def refresher_out(refresher: RequiredRefresher) -> RefresherOut:
    return RefresherOut(
        id=refresher.id,
        project_id=refresher.project_id,
        test_id=refresher.test_id,
        guidelines_id=refresher.guidelines_id,
        version_number=refresher.version_number,
        sections=refresher.sections,
        question_count=len(refresher.question_ids),
        created_at=refresher.created_at,
    )


# --- building tests ------------------------------------------------------------------------


@router.get("/tests/manage", response_model=list[TestOut])
def managed_tests(user: CurrentUser, db: DbSession) -> list[TestOut]:
    """Tests of your organizations, drafts included (admins: all tests)."""
    return [test_out(db, t) for t in service.managed_tests(db, user)]


@router.post("/tests", response_model=TestOut, status_code=status.HTTP_201_CREATED)
def create_test(body: TestCreate, user: CurrentUser, db: DbSession) -> TestOut:
    """A draft test. Admins may leave out the organization for a platform-wide skill test."""
    values = body.model_dump(exclude={"organization_id"})
    organization_id = body.organization_id
    actor = actor_of(db, user)
    if organization_id is None and (not actor.is_admin or actor.managed_organization_ids):
        organization_id = default_organization_id(actor, None)
    return test_out(db, service.create_test(db, user, organization_id, **values))


@router.patch("/tests/{test_id}", response_model=TestOut)
def update_test(
    test_id: ResourceId, body: TestSettings, user: CurrentUser, db: DbSession
) -> TestOut:
    test = service.test_for_manager(db, user, test_id)
    return test_out(db, service.update_test(db, user, test, body.model_dump(exclude_unset=True)))


@router.post("/tests/{test_id}/status", response_model=TestOut)
def change_status(
    test_id: ResourceId, body: StatusChange, user: CurrentUser, db: DbSession
) -> TestOut:
    """Publish (needs questions), archive, or publish again."""
    test = service.test_for_manager(db, user, test_id)
    return test_out(db, service.set_status(db, user, test, body.status))


@router.get("/tests/{test_id}/questions", response_model=list[QuestionOut])
def list_questions(test_id: ResourceId, user: CurrentUser, db: DbSession) -> list[QuestionOut]:
    """Every question with its correct answer and explanation (managers only)."""
    test = service.test_for_manager(db, user, test_id)
    return [question_out(q) for q in service.list_questions(db, test)]


def question_out(question: TestQuestion) -> QuestionOut:
    return QuestionOut(
        id=question.id,
        position=question.position,
        data=question.data,
        control=question.control,
        correct_answer=service.correct_answer(question),
        explanation=question.explanation,
        guideline_section=question.guideline_section,
    )


@router.post(
    "/tests/{test_id}/questions", response_model=QuestionOut, status_code=status.HTTP_201_CREATED
)
def add_question(
    test_id: ResourceId, body: QuestionCreate, user: CurrentUser, db: DbSession
) -> QuestionOut:
    test = service.test_for_manager(db, user, test_id)
    question = service.add_question(db, user, test, **body.model_dump())
    return question_out(question)


@router.get("/tests/{test_id}/questions/{question_id}", response_model=QuestionOut)
def get_question(
    test_id: ResourceId, question_id: ResourceId, user: CurrentUser, db: DbSession
) -> QuestionOut:
    """One question with its correct answer and explanation (managers only)."""
    test = service.test_for_manager(db, user, test_id)
    return question_out(service.get_question(db, test, question_id))


@router.put("/tests/{test_id}/questions/{question_id}", response_model=QuestionOut)
def replace_question(
    test_id: ResourceId,
    question_id: ResourceId,
    body: QuestionCreate,
    user: CurrentUser,
    db: DbSession,
) -> QuestionOut:
    """Replace a question (checked like a new one; it keeps its place). 409 once a
    contributor has started an attempt of the published test (previews do not count)."""
    test = service.test_for_manager(db, user, test_id)
    question = service.update_question(db, user, test, question_id, **body.model_dump())
    return question_out(question)


@router.delete("/tests/{test_id}/questions/{question_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_question(
    test_id: ResourceId, question_id: ResourceId, user: CurrentUser, db: DbSession
) -> None:
    """Delete a question of a draft test (409 once published: attempts refer to it)."""
    test = service.test_for_manager(db, user, test_id)
    service.delete_question(db, user, test, question_id)


# --- taking tests --------------------------------------------------------------------------


@router.get("/tests", response_model=list[TakerTestOut])
def available_tests(user: CurrentUser, db: DbSession) -> list[TakerTestOut]:
    """Published tests with your status: attempts left, when the next opens, passed or not."""
    return [taker_test_out(card) for card in service.tests_for_taker(db, user)]


@router.get("/tests/{test_id}", response_model=TakerTestOut)
def get_test(test_id: ResourceId, user: CurrentUser, db: DbSession) -> TakerTestOut:
    test = service.test_for_taker(db, user, test_id)
    return taker_test_out(service.test_card(db, user, test))


@router.get("/tests/{test_id}/attempts", response_model=list[AttemptOut])
def my_attempts(test_id: ResourceId, user: CurrentUser, db: DbSession) -> list[AttemptOut]:
    test = service.test_for_taker(db, user, test_id)
    return [attempt_out(db, a) for a in service.attempts_for_taker(db, user, test)]


@router.post(
    "/tests/{test_id}/attempts", response_model=AttemptOut, status_code=status.HTTP_201_CREATED
)
def start_attempt(test_id: ResourceId, user: CurrentUser, db: DbSession) -> AttemptOut:
    """Start an attempt (409 while one is open, in a cooldown, locked, or passed).

    Active contributors take the test; its organization's staff and admins get a preview
    (purpose "preview": grants nothing, not counted); anyone else gets 403."""
    test = service.test_for_taker(db, user, test_id)
    return attempt_out(db, service.start_attempt(db, user, test))


@router.get("/attempts/{attempt_id}", response_model=AttemptOut)
def get_attempt(attempt_id: ResourceId, user: CurrentUser, db: DbSession) -> AttemptOut:
    return attempt_out(db, service.attempt_for_taker(db, user, attempt_id))


@router.put("/attempts/{attempt_id}/answers/{question_id}", response_model=AnswerOut)
def answer(
    attempt_id: ResourceId,
    question_id: ResourceId,
    body: AnswerIn,
    user: CurrentUser,
    db: DbSession,
) -> AnswerOut:
    """Save an answer. Training mode: final, with feedback; exam mode: changeable, no feedback."""
    attempt = service.attempt_for_taker(db, user, attempt_id)
    _, feedback = service.answer_question(db, user, attempt, question_id, body.answer)
    return AnswerOut(question_id=question_id, saved=True, feedback=feedback_out(feedback))


@router.post("/attempts/{attempt_id}/submit", response_model=AttemptOut)
def submit(attempt_id: ResourceId, user: CurrentUser, db: DbSession) -> AttemptOut:
    attempt = service.attempt_for_taker(db, user, attempt_id)
    return attempt_out(db, service.submit_attempt(db, user, attempt))


# --- refreshers, qualifications, skills ------------------------------------------------------


@router.get("/me/refreshers", response_model=list[RefresherOut])
def my_refreshers(user: CurrentUser, db: DbSession) -> list[RefresherOut]:
    """Material guidelines changes you must be re-tested on before claiming more work."""
    return [refresher_out(r) for r in service.refreshers_for(db, user)]


@router.post(
    "/tests/{test_id}/refresher", response_model=AttemptOut, status_code=status.HTTP_201_CREATED
)
def start_refresher(test_id: ResourceId, user: CurrentUser, db: DbSession) -> AttemptOut:
    """Start the refresher: only the questions on the changed sections."""
    return attempt_out(db, service.start_refresher(db, user, test_id))


@router.get("/me/projects/{project_id}/claim-check", response_model=ClaimCheckOut)
def claim_check(project_id: ResourceId, user: ContributorUser, db: DbSession) -> ClaimCheckOut:
    """Whether a guidelines refresher blocks you (a contributor) from claiming work on the
    project."""
    allowed, reason = refreshers.can_claim_work(db, user.id, project_id)
    return ClaimCheckOut(allowed=allowed, reason=reason)


@router.get("/me/qualifications", response_model=list[QualificationOut])
def my_qualifications(user: CurrentUser, db: DbSession) -> list[QualificationOut]:
    return [QualificationOut.model_validate(q) for q in service.qualifications_of(db, user.id)]


@router.get("/me/skills", response_model=list[SkillOut])
def my_skills(user: CurrentUser, db: DbSession) -> list[SkillOut]:
    return [SkillOut.model_validate(s) for s in service.skills_of(db, user.id)]


@router.get("/users/{user_id}/skills", response_model=list[SkillOut])
def user_skills(user_id: ResourceId, _admin: AdminUser, db: DbSession) -> list[SkillOut]:
    return [SkillOut.model_validate(s) for s in service.skills_of(db, user_id)]


@router.put("/users/{user_id}/skills/{skill_key}", response_model=SkillOut)
def set_skill(
    user_id: ResourceId, skill_key: str, body: SkillSet, admin: AdminUser, db: DbSession
) -> SkillOut:
    """Set a skill level by hand (admins); logged with the reason."""
    return SkillOut.model_validate(
        service.set_skill_level(db, admin, user_id, skill_key, body.level, body.reason)
    )
