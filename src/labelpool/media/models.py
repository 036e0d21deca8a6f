"""ORM model for stored media files."""

from __future__ import annotations

from sqlalchemy import BigInteger, Enum, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from labelpool.db.base import Base, CreatedAtMixin
from labelpool.media.kinds import MediaKind

MediaKindColumn = Enum(
    MediaKind,
    native_enum=False,
    length=10,
    values_callable=lambda kinds: [k.value for k in kinds],
    validate_strings=True,
    create_constraint=True,
    name="media_kind",
)


class MediaFile(CreatedAtMixin, Base):
    """One stored image, audio or video file. The bytes live in the media storage under
    `storage_key`; this row is what a project's items refer to (`media:<id>`)."""

    __tablename__ = "media_files"
    __table_args__ = (Index("ix_media_files_organization_id_sha256", "organization_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    # The project the file was imported for. Deliberately no foreign key yet: media arrived in
    # the same release as projects (migration 0002); a constraint can be added later.
    project_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    storage_key: Mapped[str] = mapped_column(String(300), unique=True)
    original_name: Mapped[str] = mapped_column(String(500))
    kind: Mapped[MediaKind] = mapped_column(MediaKindColumn)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    width: Mapped[int | None] = mapped_column(Integer, default=None)
    height: Mapped[int | None] = mapped_column(Integer, default=None)
    duration_seconds: Mapped[float | None] = mapped_column(Float, default=None)
    created_by: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None
    )
