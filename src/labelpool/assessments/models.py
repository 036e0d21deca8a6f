"""ORM models for tests (assessments), attempts, qualifications, skills and refreshers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from labelpool.db.base import Base, CreatedAtMixin
from labelpool.db.types import JsonColumn, UTCDateTime, string_enum, utcnow


class TestKind(StrEnum):
    SKILL = "skill"  # general: reading, attention to detail, grammar, categorisation ...
    QUALIFICATION = "qualification"  # for one project or a project type


class TestMode(StrEnum):
    TRAINING = "training"  # feedback after every question
    EXAM = "exam"  # a result page at the end only


class TestStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class AttemptPurpose(StrEnum):
    QUALIFY = "qualify"
    REFRESHER = "refresher"  # only the questions on changed guideline sections
    PREVIEW = "preview"  # the test's own staff trying it: grants nothing, never counts


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    EXPIRED = "expired"  # left open past the time limit, graded as submitted


class AssessmentTest(CreatedAtMixin, Base):
    """A skill or qualification test with its settings and retake policy.

    `organization_id` None: a platform-wide test (admins only). A qualification test targets
    one project (`project_id`) or a project type (`project_type`: a template key or a task
    family). `cooldown_seconds` 0 = retake immediately; `max_attempts` None = unlimited.
    """

    __test__ = False  # not a pytest test class
    __tablename__ = "assessment_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True, default=None
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[TestKind] = mapped_column(string_enum(TestKind, "test_kind"))
    skill_key: Mapped[str | None] = mapped_column(String(64), default=None)
    qualification_key: Mapped[str] = mapped_column(String(100), index=True)
    project_id: Mapped[int | None] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True, default=None
    )
    project_type: Mapped[str | None] = mapped_column(String(64), default=None)
    guidelines_id: Mapped[int | None] = mapped_column(
        ForeignKey("guidelines.id", ondelete="SET NULL"), index=True, default=None
    )
    mode: Mapped[TestMode] = mapped_column(
        string_enum(TestMode, "test_mode"), default=TestMode.EXAM
    )
    status: Mapped[TestStatus] = mapped_column(
        string_enum(TestStatus, "test_status"), default=TestStatus.DRAFT
    )
    pass_mark: Mapped[int] = mapped_column(Integer, default=80)
    time_limit_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    shuffle: Mapped[bool] = mapped_column(Boolean, default=False)
    subset_size: Mapped[int | None] = mapped_column(Integer, default=None)
    cooldown_seconds: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class TestQuestion(CreatedAtMixin, Base):
    """One question: item data, a control config (any kind), the correct answer, why, and the
    guidelines section it tests. `gold` is `{control name: correct answer}`."""

    __test__ = False
    __tablename__ = "assessment_questions"
    __table_args__ = (Index("ix_assessment_questions_test_id_position", "test_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("assessment_tests.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    control: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    gold: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    explanation: Mapped[str] = mapped_column(Text, default="")
    guideline_section: Mapped[str | None] = mapped_column(String(20), default=None)


class Attempt(Base):
    """One sitting of a test. Its questions (and their order) are fixed when it starts, from
    a stored seed. At most one attempt per user and test is in progress (a partial unique
    index, so concurrent starts are refused by the database on SQLite and PostgreSQL)."""

    __tablename__ = "assessment_attempts"
    __table_args__ = (
        Index("ix_assessment_attempts_user_id_test_id", "user_id", "test_id"),
        Index("ix_assessment_attempts_status_deadline_at", "status", "deadline_at"),
        Index(
            "uq_assessment_attempts_one_open",
            "user_id",
            "test_id",
            unique=True,
            sqlite_where=text("status = 'in_progress'"),
            postgresql_where=text("status = 'in_progress'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    test_id: Mapped[int] = mapped_column(ForeignKey("assessment_tests.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[AttemptPurpose] = mapped_column(
        string_enum(AttemptPurpose, "attempt_purpose"), default=AttemptPurpose.QUALIFY
    )
    status: Mapped[AttemptStatus] = mapped_column(
        string_enum(AttemptStatus, "attempt_status"), default=AttemptStatus.IN_PROGRESS
    )
    seed: Mapped[int] = mapped_column(Integer)
    question_ids: Mapped[list[int]] = mapped_column(JsonColumn)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    result: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, default=None)


class AttemptAnswer(Base):
    __tablename__ = "assessment_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_attempts.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_questions.id", ondelete="CASCADE"), index=True
    )
    answer: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    score: Mapped[float] = mapped_column(Float)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Qualification(Base):
    """What passing a test grants: the contributor holds the test's qualification key."""

    __tablename__ = "qualifications"
    __table_args__ = (UniqueConstraint("user_id", "test_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    test_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_tests.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(100), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    score: Mapped[float] = mapped_column(Float)
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_attempts.id", ondelete="SET NULL"), default=None
    )


class ContributorSkill(Base):
    """A named 0-100 skill level, set by tests (source "test"), by hand ("manual") or later by
    quality rules. One row per user and skill."""

    __tablename__ = "contributor_skills"
    __table_args__ = (UniqueConstraint("user_id", "skill_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    skill_key: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))
    source_attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_attempts.id", ondelete="SET NULL"), default=None
    )
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class RequiredRefresher(Base):
    """A material guidelines change the contributor must be re-tested on before claiming more
    work on `project_id`: the `question_ids` of `test_id` linked to the changed `sections`.
    Open while `cleared_at` is None (at most one open per user, project and test)."""

    __tablename__ = "required_refreshers"
    __table_args__ = (
        Index(
            "uq_required_refreshers_open",
            "user_id",
            "project_id",
            "test_id",
            unique=True,
            sqlite_where=text("cleared_at IS NULL"),
            postgresql_where=text("cleared_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    test_id: Mapped[int] = mapped_column(ForeignKey("assessment_tests.id", ondelete="CASCADE"))
    guidelines_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    version_number: Mapped[int] = mapped_column(Integer)
    sections: Mapped[list[str]] = mapped_column(JsonColumn)
    question_ids: Mapped[list[int]] = mapped_column(JsonColumn)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    cleared_by_attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("assessment_attempts.id", ondelete="SET NULL"), default=None
    )
