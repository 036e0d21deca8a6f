"""ORM models for projects, items, pre-annotations and import runs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from labelpool.db.base import Base, CreatedAtMixin
from labelpool.db.types import JsonColumn, UTCDateTime, string_enum, utcnow

# JSONB on PostgreSQL (indexable, compact); JSON text on SQLite.
# Items can number in the millions: 64-bit ids, but SQLite needs INTEGER for its rowid alias.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class ProjectStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    PAUSED = "paused"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ImportStatus(StrEnum):
    QUEUED = "queued"  # uploaded; a job will run it
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class Project(CreatedAtMixin, Base):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    template_key: Mapped[str | None] = mapped_column(String(64), default=None)
    task_family: Mapped[str] = mapped_column(String(32))
    instructions: Mapped[str] = mapped_column(Text, default="")
    data_fields: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    label_schema: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    status: Mapped[ProjectStatus] = mapped_column(
        string_enum(ProjectStatus, "project_status"), default=ProjectStatus.DRAFT
    )
    overlap: Mapped[int] = mapped_column(Integer, default=3)
    lease_seconds: Mapped[int] = mapped_column(Integer, default=600)
    # Work settings (see `labelpool.work`): how long a lease may be extended to, the share of
    # claims that are gold items (percent), how much one contributor may hold and answer, how
    # many distinct reports take an item out of the pool, and the fair-share threshold (hold
    # back the busiest when open items fall below this many per active contributor).
    max_lease_seconds: Mapped[int] = mapped_column(Integer, default=3600, server_default="3600")
    gold_rate: Mapped[int] = mapped_column(Integer, default=10, server_default="10")
    max_live_per_contributor: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    max_responses_per_day: Mapped[int | None] = mapped_column(Integer, default=None)
    report_threshold: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    fair_share_factor: Mapped[int] = mapped_column(Integer, default=5, server_default="5")
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    item_count: Mapped[int] = mapped_column(BigInteger, default=0)
    gold_count: Mapped[int] = mapped_column(BigInteger, default=0)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ImportStage(StrEnum):
    """Where a running import is: checking every row (nothing stored yet), then writing."""

    CHECKING = "checking"
    WRITING = "writing"


class ImportRun(CreatedAtMixin, Base):
    """One import of a file into a project: what was read, stored and refused.

    A queued import (an upload) keeps its file under `<data dir>/imports/<id>/<upload_name>`
    until it finishes. While it runs, `stage`, `bytes_read` of `bytes_total` and the row counts
    show its progress; `written_through` is the last row of the file whose items are committed
    (where a retry resumes) and `attempts` counts the job's tries (see `importing.runs`).
    """

    __tablename__ = "import_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    source_name: Mapped[str] = mapped_column(String(500))
    format: Mapped[str] = mapped_column(String(20))
    status: Mapped[ImportStatus] = mapped_column(
        string_enum(ImportStatus, "import_status"), default=ImportStatus.RUNNING
    )
    skip_invalid: Mapped[bool] = mapped_column(Boolean, default=False)
    rows_read: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_imported: Mapped[int] = mapped_column(BigInteger, default=0)
    rows_invalid: Mapped[int] = mapped_column(BigInteger, default=0)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn, default=list)
    message: Mapped[str | None] = mapped_column(Text, default=None)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    stage: Mapped[ImportStage | None] = mapped_column(
        string_enum(ImportStage, "import_stage"), default=None
    )
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    bytes_total: Mapped[int | None] = mapped_column(BigInteger, default=None)
    gold_imported: Mapped[int] = mapped_column(BigInteger, default=0)
    written_through: Mapped[int] = mapped_column(BigInteger, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    upload_name: Mapped[str | None] = mapped_column(String(255), default=None)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def progress(self) -> float:
        """How far along, 0 to 1: checking is the first half of the file's bytes, writing the
        second (the whole file is read twice)."""
        if self.status == ImportStatus.SUCCEEDED:
            return 1.0
        if not self.bytes_total or self.stage is None:
            return 0.0
        part = min(self.bytes_read, self.bytes_total) / self.bytes_total
        return round((part if self.stage == ImportStage.CHECKING else 1 + part) / 2, 4)


class Item(CreatedAtMixin, Base):
    """One row of data to label. Gold items carry known answers (never sent to contributors)."""

    __tablename__ = "items"
    __table_args__ = (
        # Items are ordered by id within a project: import order.
        Index("ix_items_project_id_id", "project_id", "id"),
        # Only rows that carry the requester's own id pay for this index.
        # The open pool: what a claim walks, in id order (filled and withdrawn items drop out).
        Index(
            "ix_items_project_id_id_open",
            "project_id",
            "id",
            sqlite_where=text("filled = 0 AND withdrawn = 0"),
            postgresql_where=text("NOT filled AND NOT withdrawn"),
        ),
        Index(
            "uq_items_project_id_external_id",
            "project_id",
            "external_id",
            unique=True,
            sqlite_where=text("external_id IS NOT NULL"),
            postgresql_where=text("external_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    external_id: Mapped[str | None] = mapped_column(String(200), default=None)
    data: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    is_gold: Mapped[bool] = mapped_column(Boolean, default=False)
    gold: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, default=None)
    # Which import brought the item. Deliberately no foreign key or index: a key is checked
    # per row on every bulk insert (a third of PostgreSQL's COPY time), and import runs are
    # only ever deleted together with their project, whose items go with them.
    import_run_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # The work pool (see `labelpool.work.claims`): live plus submitted assignments, whether that
    # reaches the project's overlap, and whether reports (or the requester) took it out.
    taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    filled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))


class Prediction(CreatedAtMixin, Base):
    """A model's pre-annotation of an item, per control; kept apart from human responses."""

    __tablename__ = "predictions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    item_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"),
        ForeignKey("items.id", ondelete="CASCADE"),
        index=True,
    )
    model_version: Mapped[str] = mapped_column(String(100), default="")
    answers: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    score: Mapped[float | None] = mapped_column(Float, default=None)
