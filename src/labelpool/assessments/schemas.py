"""API bodies for tests, attempts, qualifications, skills and refreshers.

Nothing a taker receives (`TakerTestOut`, `AttemptOut`) has a field for correct answers or
explanations except `FeedbackOut`, which is filled only after a training-mode answer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import Field

from labelpool.assessments.models import (
    AttemptPurpose,
    AttemptStatus,
    TestKind,
    TestMode,
    TestStatus,
)
from labelpool.web.schemas import InputModel, OutputModel


class TestSettings(InputModel):
    """A PATCH: fields left out keep their value; `null` clears only the optional ones."""

    __test__ = False
    clearable: ClassVar[frozenset[str]] = frozenset(
        {
            "time_limit_seconds",
            "subset_size",
            "max_attempts",
            "guidelines_id",
            "skill_key",
            "project_id",
            "project_type",
        }
    )

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    mode: TestMode | None = None
    pass_mark: int | None = Field(default=None, ge=1, le=100, description="Percent to pass.")
    time_limit_seconds: int | None = Field(default=None, description="None: no limit.")
    shuffle: bool | None = None
    subset_size: int | None = Field(
        default=None, description="Draw this many questions per attempt (None: all)."
    )
    cooldown_seconds: int | None = Field(
        default=None, description="Wait after a failed attempt (0: retake right away)."
    )
    max_attempts: int | None = Field(
        default=None, description="After this many failed attempts the test locks (None: no limit)."
    )
    guidelines_id: int | None = None
    kind: TestKind | None = None
    skill_key: str | None = None
    qualification_key: str | None = None
    project_id: int | None = None
    project_type: str | None = None


class TestCreate(InputModel):
    __test__ = False

    organization_id: int | None = None
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    kind: TestKind
    skill_key: str | None = Field(
        default=None, description="Skill measured: reading, attention_to_detail, grammar, ..."
    )
    qualification_key: str | None = Field(default=None, description="Granted on passing.")
    project_id: int | None = None
    project_type: str | None = Field(default=None, description="A template key or task family.")
    guidelines_id: int | None = None
    mode: TestMode = TestMode.EXAM
    pass_mark: int = Field(default=80, ge=1, le=100)
    time_limit_seconds: int | None = None
    shuffle: bool = False
    subset_size: int | None = None
    cooldown_seconds: int = 0
    max_attempts: int | None = None


class StatusChange(InputModel):
    status: TestStatus


class RetakeOut(OutputModel):
    can_start: bool
    state: str
    attempts_left: int | None
    next_attempt_at: datetime | None
    reason: str


class TestOut(OutputModel):
    __test__ = False

    id: int
    organization_id: int | None
    title: str
    description: str
    kind: TestKind
    skill_key: str | None
    qualification_key: str
    project_id: int | None
    project_type: str | None
    guidelines_id: int | None
    mode: TestMode
    status: TestStatus
    pass_mark: int
    time_limit_seconds: int | None
    shuffle: bool
    subset_size: int | None
    cooldown_seconds: int
    max_attempts: int | None
    retake_policy: str
    question_count: int
    created_at: datetime


class QuestionCreate(InputModel):
    data: dict[str, Any] = Field(description="The item the question shows.")
    control: dict[str, Any] = Field(description="One control config of any kind.")
    correct_answer: Any = Field(description="A valid answer for the control.")
    explanation: str = Field(default="", max_length=5000)
    guideline_section: str | None = None


class QuestionOut(OutputModel):
    """A question with its answer: for the test's managers only."""

    id: int
    position: int
    data: dict[str, Any]
    control: dict[str, Any]
    correct_answer: Any
    explanation: str
    guideline_section: str | None


class TakerTestOut(OutputModel):
    """A published test as a taker sees it, with their status on it."""

    id: int
    title: str
    description: str
    kind: TestKind
    skill_key: str | None
    project_id: int | None
    project_type: str | None
    guidelines_id: int | None
    mode: TestMode
    pass_mark: int
    time_limit_seconds: int | None
    question_count: int
    retake_policy: str
    status: RetakeOut
    attempts_used: int
    best_percent: float | None
    qualified: bool
    open_attempt_id: int | None


class FeedbackOut(OutputModel):
    score: float
    correct: bool
    correct_answer: Any
    explanation: str
    guideline_section: str | None
    section_title: str | None


class AttemptQuestionOut(OutputModel):
    id: int
    index: int
    data: dict[str, Any]
    control: dict[str, Any]
    guideline_section: str | None
    section_title: str | None
    answered: bool
    answer: Any
    feedback: FeedbackOut | None = Field(
        default=None, description="Training mode only, once the question is answered."
    )


class SectionScore(OutputModel):
    section: str
    title: str
    questions: int
    percent: float


class ResultOut(OutputModel):
    percent: float
    passed: bool
    pass_mark: int
    answered: int
    total: int
    sections: list[SectionScore]
    restudy: list[SectionScore]


class AttemptOut(OutputModel):
    id: int
    test_id: int
    test_title: str
    mode: TestMode
    purpose: AttemptPurpose
    status: AttemptStatus
    started_at: datetime
    deadline_at: datetime | None
    finished_at: datetime | None
    seconds_left: int | None
    questions: list[AttemptQuestionOut]
    result: ResultOut | None


class AnswerIn(InputModel):
    answer: Any = Field(description="The answer, in the control kind's shape.")


class AnswerOut(OutputModel):
    question_id: int
    saved: bool
    feedback: FeedbackOut | None


class QualificationOut(OutputModel):
    test_id: int
    key: str
    granted_at: datetime
    score: float


class SkillOut(OutputModel):
    skill_key: str
    level: int
    source: str
    updated_at: datetime


class SkillSet(InputModel):
    level: int = Field(ge=0, le=100)
    reason: str = Field(default="", max_length=1000)


class RefresherOut(OutputModel):
    id: int
    project_id: int
    test_id: int
    guidelines_id: int
    version_number: int
    sections: list[str]
    question_count: int
    created_at: datetime


class ClaimCheckOut(OutputModel):
    allowed: bool
    reason: str
