"""Every variable of README's Configuration table (and the account-review ones) is read into
the one `Settings`, under the same `LABELPOOL_*` name as before its media and review parts
were folded into it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from labelpool.app import create_app
from labelpool.config import Settings
from labelpool.contributors.settings import ReviewSettings
from labelpool.media.kinds import MediaKind
from labelpool.media.settings import MediaSettings
from labelpool.media.storage import LocalStorage
from labelpool.notifications.settings import MailSettings, SmtpSecurity

ROOT = Path(__file__).resolve().parents[1]

# variable -> (value set, how Settings reads it, what it reads)
DOCUMENTED: dict[str, tuple[str, Callable[[Settings], Any], Any]] = {
    "LABELPOOL_DATA_DIR": ("/srv/labelpool", lambda s: s.data_dir, Path("/srv/labelpool")),
    "LABELPOOL_DATABASE_URL": (
        "postgresql://u@db:5432/lp",
        lambda s: s.sqlalchemy_url,
        "postgresql+psycopg://u@db:5432/lp",
    ),
    "LABELPOOL_SECRET_KEY": ("s3cret", lambda s: s.signing_key, "s3cret"),
    "LABELPOOL_MAX_BODY_BYTES": ("1234", lambda s: s.max_body_bytes, 1234),
    "LABELPOOL_SESSION_DAYS": ("3", lambda s: s.session_days, 3),
    "LABELPOOL_LOGIN_MAX_FAILURES_PER_ACCOUNT": (
        "7",
        lambda s: s.login_max_failures_per_account,
        7,
    ),
    "LABELPOOL_LOGIN_MAX_FAILURES_PER_ADDRESS": (
        "70",
        lambda s: s.login_max_failures_per_address,
        70,
    ),
    "LABELPOOL_LOGIN_FREE_FAILURES": ("1", lambda s: s.login_free_failures, 1),
    "LABELPOOL_LOGIN_MAX_BACKOFF_SECONDS": ("60", lambda s: s.login_max_backoff_seconds, 60),
    "LABELPOOL_TRUSTED_PROXIES": ("10.0.0.5", lambda s: s.trusted_proxies, "10.0.0.5/32"),
    "LABELPOOL_MAX_UPLOAD_BYTES": ("5000", lambda s: s.max_upload_bytes, 5000),
    "LABELPOOL_MAX_ARCHIVE_BYTES": ("6000", lambda s: s.media.max_archive_bytes, 6000),
    "LABELPOOL_MAX_ARCHIVE_ENTRIES": ("12", lambda s: s.media.archive_limits.max_entries, 12),
    "LABELPOOL_BODY_READ_TIMEOUT_SECONDS": ("2.5", lambda s: s.body_read_timeout_seconds, 2.5),
    "LABELPOOL_JOBS_IN_PROCESS": ("false", lambda s: s.jobs_in_process, False),
    "LABELPOOL_LOCK_TIMEOUT_SECONDS": ("4", lambda s: s.lock_timeout_seconds, 4.0),
    "LABELPOOL_S3_BUCKET": ("media-bucket", lambda s: s.media.s3_bucket, "media-bucket"),
    "LABELPOOL_S3_ENDPOINT_URL": (
        "http://minio:9000",
        lambda s: s.media.s3_endpoint_url,
        "http://minio:9000",
    ),
    "LABELPOOL_S3_PREFIX": ("media/", lambda s: s.media.s3_prefix, "media/"),
    "LABELPOOL_S3_REGION": ("eu-west-1", lambda s: s.media.s3_region, "eu-west-1"),
    "LABELPOOL_MEDIA_URL_TTL_SECONDS": ("90", lambda s: s.media.media_url_ttl_seconds, 90),
    "LABELPOOL_MAX_IMAGE_BYTES": ("100", lambda s: s.media.size_limits[MediaKind.IMAGE], 100),
    "LABELPOOL_MAX_AUDIO_BYTES": ("200", lambda s: s.media.size_limits[MediaKind.AUDIO], 200),
    "LABELPOOL_MAX_VIDEO_BYTES": ("300", lambda s: s.media.size_limits[MediaKind.VIDEO], 300),
    "LABELPOOL_REVIEW_ALLOWED_COUNTRIES": (
        "de, at",
        lambda s: s.review.review_allowed_countries,
        ["DE", "AT"],
    ),
    "LABELPOOL_REVIEW_BLOCKED_COUNTRIES": (
        "kp,IR",
        lambda s: s.review.review_blocked_countries,
        ["KP", "IR"],
    ),
    "LABELPOOL_REVIEW_REQUIRED_DEVICES": (
        "phone",
        lambda s: s.review.review_required_devices,
        ["phone"],
    ),
    "LABELPOOL_IDENTITY_RETENTION_DAYS": ("30", lambda s: s.review.identity_retention_days, 30),
    "LABELPOOL_IDENTITY_MAX_BYTES": ("4096", lambda s: s.review.identity_max_bytes, 4096),
    "LABELPOOL_SMTP_HOST": ("mail.example.org", lambda s: s.mail.smtp_host, "mail.example.org"),
    "LABELPOOL_SMTP_PORT": ("2525", lambda s: s.mail.port, 2525),
    "LABELPOOL_SMTP_SECURITY": ("ssl", lambda s: s.mail.smtp_security, SmtpSecurity.SSL),
    "LABELPOOL_SMTP_USERNAME": ("mailer", lambda s: s.mail.smtp_username, "mailer"),
    "LABELPOOL_SMTP_PASSWORD": ("pw", lambda s: SecretStr("pw") == s.mail.smtp_password, True),
    "LABELPOOL_SMTP_FROM": (
        "Labels <l@example.org>",
        lambda s: s.mail.smtp_from,
        "Labels <l@example.org>",
    ),
    "LABELPOOL_SMTP_TIMEOUT_SECONDS": ("5", lambda s: s.mail.smtp_timeout_seconds, 5.0),
    "LABELPOOL_PUBLIC_URL": (
        "https://labels.example.org",
        lambda s: s.mail.public_url,
        "https://labels.example.org",
    ),
}
# Variables the README names that configure the test suite or the benchmarks, not labelpool.
TEST_ONLY = re.compile(r"LABELPOOL_(TEST|FUZZ|BENCH)_")


def test_every_documented_variable_is_read_through_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, (value, _, _) in DOCUMENTED.items():
        monkeypatch.setenv(name, value)
    settings = Settings()
    read = {name: how(settings) for name, (_, how, _) in DOCUMENTED.items()}
    assert read == {name: expected for name, (_, _, expected) in DOCUMENTED.items()}


def test_a_few_variables_reach_each_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABELPOOL_SESSION_DAYS", "2")
    monkeypatch.setenv("LABELPOOL_S3_BUCKET", "bucket")
    monkeypatch.setenv("LABELPOOL_MAX_IMAGE_BYTES", "1000")
    monkeypatch.setenv("LABELPOOL_REVIEW_BLOCKED_COUNTRIES", "KP")
    monkeypatch.setenv("LABELPOOL_IDENTITY_RETENTION_DAYS", "7")
    settings = Settings(secret_key="k")  # given values and the environment together
    assert settings.session_days == 2
    assert settings.media.s3_bucket == "bucket"
    assert settings.media.max_image_bytes == 1000
    assert settings.review.review_blocked_countries == ["KP"]
    assert settings.review.identity_retention_days == 7


def test_the_parts_can_be_given_explicitly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABELPOOL_IDENTITY_RETENTION_DAYS", "7")
    settings = Settings(
        media=MediaSettings(max_video_bytes=5),
        review=ReviewSettings(review_required_devices=[]),
    )
    assert settings.media.size_limits[MediaKind.VIDEO] == 5
    assert settings.review.review_required_devices == []
    assert settings.review.identity_retention_days == 7  # the rest still from the environment


def test_the_readme_documents_only_variables_checked_here() -> None:
    readme = (ROOT / "README.md").read_text()
    named = set(re.findall(r"LABELPOOL_[A-Z0-9_]*[A-Z0-9]", readme))
    assert {n for n in named if not TEST_ONLY.match(n)} <= set(DOCUMENTED)


def test_every_setting_has_one_variable_of_its_own() -> None:
    """The parts' fields share the flat `LABELPOOL_` namespace: no name may be used twice, and
    every variable checked above is a field's."""
    top = set(Settings.model_fields) - {"media", "review", "mail"}
    parts = [set(part.model_fields) for part in (MediaSettings, ReviewSettings, MailSettings)]
    names = [top, *parts]
    assert sum(len(n) for n in names) == len(set().union(*names))
    fields = {f"LABELPOOL_{name.upper()}" for name in set().union(*names)}
    assert set(DOCUMENTED) <= fields


def test_the_app_keeps_the_settings_and_one_storage(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path,
        database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        secret_key="k",
        jobs_in_process=False,
    )
    app = create_app(settings)
    try:
        assert app.state.settings is settings
        storage = app.state.storage
        assert isinstance(storage, LocalStorage)
        assert storage.root == settings.media_dir
    finally:
        app.state.engine.dispose()
