"""Settings from `LABELPOOL_*` environment variables, with defaults that work out of the box.

One `Settings` object is built per process entry point (`create_app`, each CLI command) and
handed down: the web app keeps it on `app.state.settings`, services take what they need as
parameters. Media and account-review settings are its `media` and `review` parts, read from the
same flat `LABELPOOL_*` variables as before (`LABELPOOL_S3_BUCKET`, not `LABELPOOL_MEDIA__...`).
"""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from labelpool.contributors.settings import ReviewSettings
from labelpool.media.settings import MediaSettings
from labelpool.notifications.settings import MailSettings

SECRET_KEY_FILE = "secret_key"


class Settings(BaseSettings):
    """Runtime configuration. Every field can be set as `LABELPOOL_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="LABELPOOL_", extra="ignore")

    data_dir: Path = Field(default=Path("data"), description="SQLite file, media and secrets.")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; defaults to SQLite in the data dir."
    )
    secret_key: str | None = Field(
        default=None, description="Signs cookies; generated and kept in the data dir if unset."
    )
    max_body_bytes: int = Field(default=10 * 1024 * 1024, description="Largest accepted body.")
    max_upload_bytes: int = Field(
        default=2 * 1024 * 1024 * 1024, description="Largest file upload (imports, media)."
    )
    body_read_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Longest pause inside a request body before 408."
    )
    session_days: int = Field(default=14, description="How long a login lasts.")
    lock_timeout_seconds: float = Field(
        default=15.0,
        gt=0,
        description="How long a write waits for another's database lock before answering 503.",
    )
    login_max_failures_per_account: int = 5
    login_max_failures_per_address: int = 20
    login_window_seconds: int = 15 * 60
    login_free_failures: int = Field(
        default=3,
        ge=0,
        description="Failed log-ins for one account from one address before each further "
        "try must wait (1 s, then doubling).",
    )
    login_max_backoff_seconds: int = Field(
        default=15 * 60, ge=1, description="The longest wait the log-in back-off asks for."
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated IPs or CIDR networks of reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed; empty: none (use the peer).",
    )
    jobs_in_process: bool = Field(
        default=True,
        description="Run background jobs in a thread of each app process; turn off when "
        "`labelpool worker` processes run them.",
    )
    debug: bool = False
    media: MediaSettings = Field(
        default_factory=MediaSettings,
        description="Media storage and size limits (`LABELPOOL_S3_BUCKET`, ...).",
    )
    review: ReviewSettings = Field(
        default_factory=ReviewSettings,
        description="Account-review rules (`LABELPOOL_REVIEW_BLOCKED_COUNTRIES`, ...).",
    )
    mail: MailSettings = Field(
        default_factory=MailSettings,
        description="E-mailing notifications (`LABELPOOL_SMTP_HOST`, ...); off without a host.",
    )

    @field_validator("trusted_proxies")
    @classmethod
    def _check_trusted_proxies(cls, value: str) -> str:
        from labelpool.accounts.addresses import normalise_trusted_proxies

        return normalise_trusted_proxies(value)

    @cached_property
    def resolved_data_dir(self) -> Path:
        path = self.data_dir.expanduser().resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def media_dir(self) -> Path:
        path = self.resolved_data_dir / "media"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{self.resolved_data_dir / 'labelpool.sqlite3'}"

    @cached_property
    def signing_key(self) -> str:
        """The secret key: from the environment, else read from (or created in) the data dir."""
        if self.secret_key:
            return self.secret_key
        return load_or_create_secret(self.resolved_data_dir / SECRET_KEY_FILE)


def normalise_database_url(url: str) -> str:
    """Accept `postgres://` and `postgresql://` and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_or_create_secret(path: Path) -> str:
    """Read the key file, or create it with mode 600 without a window where others can read it."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def get_settings() -> Settings:
    """The settings from the environment: for entry points only (`create_app`, the CLI)."""
    return Settings()
