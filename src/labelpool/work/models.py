"""ORM models for work: who must a contributor be (requirements), what they hold (assignments)
and what they answered (responses: what quality scores, pay pays and exports write)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from labelpool.db.base import Base, CreatedAtMixin
from labelpool.db.types import JsonColumn, UTCDateTime, string_enum, utcnow

# 64-bit ids (responses can number in the millions); SQLite needs INTEGER for its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class AssignmentStatus(StrEnum):
    LIVE = "live"  # leased to the contributor until expires_at
    SUBMITTED = "submitted"  # answered: counts towards the item's overlap for good
    SKIPPED = "skipped"  # given back by the contributor, with a reason
    EXPIRED = "expired"  # the lease ran out before an answer
    RELEASED = "released"  # ended by the project (cancelled) or the requester


class ReportReason(StrEnum):
    BROKEN_MEDIA = "broken_media"
    OFFENSIVE = "offensive"
    UNCLEAR = "unclear"
    OTHER = "other"


class ProjectRequirements(Base):
    """What a contributor must be to work on a project (every rule must hold). `rules` is a
    `labelpool.work.requirements.Requirements` as JSON."""

    __tablename__ = "project_requirements"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    rules: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )


class Assignment(CreatedAtMixin, Base):
    """One item leased to one contributor. A contributor gets an item at most once, ever."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("item_id", "user_id"),
        # Live leases of a project by expiry: a claim frees the expired ones first.
        Index("ix_assignments_project_id_status_expires_at", "project_id", "status", "expires_at"),
        # A contributor's live and past assignments on a project.
        Index("ix_assignments_user_id_project_id_status", "user_id", "project_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("items.id", ondelete="CASCADE"),
        index=True,
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[AssignmentStatus] = mapped_column(
        string_enum(AssignmentStatus, "assignment_status"), default=AssignmentStatus.LIVE
    )
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    skip_reason: Mapped[str | None] = mapped_column(String(500), default=None)


class Response(CreatedAtMixin, Base):
    """A contributor's answers to one item: what quality scores, pay pays and exports write.

    `counted` is False for a late answer kept for audit (the item no longer needed it)."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint("user_id", "idempotency_key"),
        Index("ix_responses_project_id_id", "project_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("assignments.id", ondelete="CASCADE"),
        unique=True,
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("items.id", ondelete="CASCADE"),
        index=True,
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    active_seconds: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    counted: Mapped[bool] = mapped_column(Boolean, default=True)
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), default=None)
    body_hash: Mapped[str | None] = mapped_column(String(64), default=None)


class ItemReport(CreatedAtMixin, Base):
    """A contributor's report of an item that cannot be labelled as it is."""

    __tablename__ = "item_reports"
    __table_args__ = (UniqueConstraint("item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), ForeignKey("items.id", ondelete="CASCADE")
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[ReportReason] = mapped_column(string_enum(ReportReason, "report_reason"))
    comment: Mapped[str] = mapped_column(Text, default="")


class WorkCursor(Base):
    """How far a contributor has walked a project's items (ids only grow): a claim looks for an
    open item after it, so it never rescans what the contributor already took or passed."""

    __tablename__ = "work_cursors"

    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    after_item_id: Mapped[int] = mapped_column(BigInteger, default=0)
