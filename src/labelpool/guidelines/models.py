"""ORM models for guidelines: documents, immutable numbered versions, examples, Q&A, links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from labelpool.db.base import Base, CreatedAtMixin
from labelpool.db.types import JsonColumn, UTCDateTime, utcnow


class Guidelines(CreatedAtMixin, Base):
    """A guidelines document of one organization. Its text lives in numbered versions."""

    __tablename__ = "guidelines"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    current_version: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class GuidelinesVersion(CreatedAtMixin, Base):
    """One published text. Never changed after it is written; a change is a new version.

    `sections` is the outline [{number, title, level}]; `changes` is the section-level diff
    against the previous version {added, removed, changed}; `material` marks a change that
    contributors must be re-tested on.
    """

    __tablename__ = "guideline_versions"
    __table_args__ = (UniqueConstraint("guidelines_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    guidelines_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)
    sections: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    changes: Mapped[dict[str, list[str]]] = mapped_column(JsonColumn)
    material: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class GuidelineExample(CreatedAtMixin, Base):
    """A worked example under a section: item data, the correct answer, why."""

    __tablename__ = "guideline_examples"
    __table_args__ = (
        Index("ix_guideline_examples_guidelines_id_section", "guidelines_id", "section"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guidelines_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    answer: Mapped[Any] = mapped_column(JsonColumn, nullable=True)
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class GuidelineQuestion(CreatedAtMixin, Base):
    """A contributor's question on a section; once answered it shows in the section's FAQ."""

    __tablename__ = "guideline_questions"
    __table_args__ = (
        Index("ix_guideline_questions_guidelines_id_section", "guidelines_id", "section"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guidelines_id: Mapped[int] = mapped_column(ForeignKey("guidelines.id", ondelete="CASCADE"))
    section: Mapped[str] = mapped_column(String(20))
    version_number: Mapped[int] = mapped_column(Integer)
    asked_by: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str | None] = mapped_column(Text, default=None)
    answered_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class ProjectGuidelines(CreatedAtMixin, Base):
    """Which guidelines a project follows (at most one document per project)."""

    __tablename__ = "project_guidelines"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    guidelines_id: Mapped[int] = mapped_column(
        ForeignKey("guidelines.id", ondelete="CASCADE"), index=True
    )
