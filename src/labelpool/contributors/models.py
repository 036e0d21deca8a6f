"""ORM models for contributors: profile, languages, devices, review checks, states, documents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    OperatingSystem,
    Proficiency,
)
from labelpool.db.base import Base, CreatedAtMixin
from labelpool.db.types import JsonColumn, UTCDateTime, string_enum, utcnow


class ContributorProfile(CreatedAtMixin, Base):
    """A contributor's application: one per user, created on first visit."""

    __tablename__ = "contributor_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    state: Mapped[ContributorState] = mapped_column(
        string_enum(ContributorState, "contributor_state"),
        default=ContributorState.APPLIED,
        index=True,
    )
    country: Mapped[str | None] = mapped_column(String(2), default=None, index=True)
    primary_domain: Mapped[str | None] = mapped_column(String(50), default=None)
    secondary_skills: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    experience: Mapped[str] = mapped_column(Text, default="")
    headphones: Mapped[bool] = mapped_column(Boolean, default=False)
    microphone: Mapped[bool] = mapped_column(Boolean, default=False)
    weekly_hours: Mapped[int | None] = mapped_column(Integer, default=None)
    time_zone: Mapped[str | None] = mapped_column(String(64), default=None)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    languages: Mapped[list[ContributorLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="ContributorLanguage.id", lazy="selectin"
    )
    devices: Mapped[list[ContributorDevice]] = relationship(
        cascade="all, delete-orphan", order_by="ContributorDevice.id", lazy="selectin"
    )


class ContributorLanguage(Base):
    __tablename__ = "contributor_languages"
    __table_args__ = (UniqueConstraint("profile_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("contributor_profiles.id", ondelete="CASCADE")
    )
    language: Mapped[str] = mapped_column(String(2), index=True)
    proficiency: Mapped[Proficiency] = mapped_column(string_enum(Proficiency, "proficiency"))


class ContributorDevice(Base):
    __tablename__ = "contributor_devices"
    __table_args__ = (UniqueConstraint("profile_id", "kind", "os"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("contributor_profiles.id", ondelete="CASCADE")
    )
    kind: Mapped[DeviceKind] = mapped_column(string_enum(DeviceKind, "device_kind"))
    os: Mapped[OperatingSystem] = mapped_column(string_enum(OperatingSystem, "operating_system"))


class VerificationCheck(Base):
    """One account-review check of one contributor. `decided_by_id` None = decided by rules."""

    __tablename__ = "verification_checks"
    __table_args__ = (
        UniqueConstraint("user_id", "name"),
        Index("ix_verification_checks_status_user_id", "status", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[CheckName] = mapped_column(string_enum(CheckName, "check_name"))
    status: Mapped[CheckStatus] = mapped_column(
        string_enum(CheckStatus, "check_status"), default=CheckStatus.PENDING
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class AccountStateChange(CreatedAtMixin, Base):
    """One move of a contributor's account state. `actor_id` None = done by the system."""

    __tablename__ = "account_state_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[ContributorState | None] = mapped_column(
        string_enum(ContributorState, "from_state"), default=None
    )
    to_state: Mapped[ContributorState] = mapped_column(string_enum(ContributorState, "to_state"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)


class IdentityDocument(CreatedAtMixin, Base):
    """An uploaded identity document. The bytes live in media storage under `storage_key`,
    which is never shown to anyone but admins' file route; `deleted_at` set = bytes are gone."""

    __tablename__ = "identity_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    storage_key: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    delete_after: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    deleted_reason: Mapped[str] = mapped_column(String(200), default="")
