"""A notification shown to one user until read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from labelpool.db.base import Base, CreatedAtMixin
from labelpool.db.types import UTCDateTime


class Notification(CreatedAtMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
        Index("ix_notifications_user_id_id", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500), default=None)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # The e-mail: when it was sent, or why it never will be (refused for good, opted out).
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    email_error: Mapped[str | None] = mapped_column(String(500), default=None)
