"""ORM model of a draft: the answers a contributor has so far on a live assignment, saved
by the labeling page every few seconds so a reload, a crash or another device gets them back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from labelpool.db.base import Base
from labelpool.db.types import JsonColumn, UTCDateTime, utcnow


class AssignmentDraft(Base):
    """One draft per assignment (its holder's); it goes with the assignment."""

    __tablename__ = "assignment_drafts"

    assignment_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("assignments.id", ondelete="CASCADE"),
        primary_key=True,
    )
    answers: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
