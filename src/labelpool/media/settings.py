"""Media settings from `LABELPOOL_*` environment variables: `config.Settings.media`."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from labelpool.media.archives import (
    DEFAULT_MAX_ARCHIVE_BYTES,
    DEFAULT_MAX_ARCHIVE_ENTRIES,
    ArchiveLimits,
)
from labelpool.media.kinds import MediaKind
from labelpool.media.sniff import DEFAULT_MAX_BYTES


class MediaSettings(BaseSettings):
    """Where media live and how big they may be. Every field can be set as `LABELPOOL_<NAME>`.

    With `s3_bucket` unset, media are kept in the data dir's `media` folder. Credentials for S3
    come from the usual AWS sources (`AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`, a profile, an
    instance role).
    """

    model_config = SettingsConfigDict(env_prefix="LABELPOOL_", extra="ignore")

    s3_bucket: str | None = Field(default=None, description="Keep media in this S3 bucket.")
    s3_endpoint_url: str | None = Field(
        default=None, description="Endpoint of an S3-compatible server (MinIO, R2, Ceph ...)."
    )
    s3_prefix: str = Field(default="", description="Key prefix inside the bucket, e.g. 'media/'.")
    s3_region: str | None = Field(default=None, description="Bucket region, if not the default.")
    media_url_ttl_seconds: int = Field(
        default=3600, ge=1, description="How long a signed media URL stays valid."
    )
    max_image_bytes: int = Field(default=DEFAULT_MAX_BYTES[MediaKind.IMAGE], ge=1)
    max_audio_bytes: int = Field(default=DEFAULT_MAX_BYTES[MediaKind.AUDIO], ge=1)
    max_video_bytes: int = Field(default=DEFAULT_MAX_BYTES[MediaKind.VIDEO], ge=1)
    max_archive_bytes: int = Field(
        default=DEFAULT_MAX_ARCHIVE_BYTES,
        ge=1,
        description="Most bytes the files of one uploaded zip may unpack to, all together.",
    )
    max_archive_entries: int = Field(
        default=DEFAULT_MAX_ARCHIVE_ENTRIES, ge=1, description="Most entries in one zip."
    )

    @property
    def size_limits(self) -> dict[MediaKind, int]:
        return {
            MediaKind.IMAGE: self.max_image_bytes,
            MediaKind.AUDIO: self.max_audio_bytes,
            MediaKind.VIDEO: self.max_video_bytes,
        }

    @property
    def archive_limits(self) -> ArchiveLimits:
        return ArchiveLimits(
            max_entries=self.max_archive_entries,
            max_total_bytes=self.max_archive_bytes,
            size_limits=self.size_limits,
        )
