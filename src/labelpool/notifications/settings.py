"""E-mail settings from `LABELPOOL_SMTP_*` variables: `config.Settings.mail`.

With `LABELPOOL_SMTP_HOST` unset nothing is e-mailed: notifications stay in the app.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class SmtpSecurity(StrEnum):
    STARTTLS = "starttls"  # plain connection upgraded with STARTTLS (port 587)
    SSL = "ssl"  # TLS from the first byte (port 465)
    NONE = "none"  # no encryption: a relay on localhost or a test server only


DEFAULT_PORTS = {SmtpSecurity.STARTTLS: 587, SmtpSecurity.SSL: 465, SmtpSecurity.NONE: 25}


class MailSettings(BaseSettings):
    """How notifications are e-mailed. Every field can be set as `LABELPOOL_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="LABELPOOL_", extra="ignore")

    smtp_host: str | None = Field(
        default=None, description="SMTP server; unset: notifications are not e-mailed."
    )
    smtp_port: int | None = Field(
        default=None, ge=1, le=65535, description="Default: 587 (starttls), 465 (ssl), 25."
    )
    smtp_security: SmtpSecurity = Field(
        default=SmtpSecurity.STARTTLS, description="starttls, ssl or none."
    )
    smtp_username: str | None = Field(default=None, description="Log in with this user name.")
    smtp_password: SecretStr | None = Field(default=None, description="... and this password.")
    smtp_from: str = Field(
        default="labelpool <labelpool@localhost>", description="The From: of every e-mail."
    )
    smtp_timeout_seconds: float = Field(
        default=30.0, gt=0, description="Longest wait for the SMTP server before a retry."
    )
    public_url: str | None = Field(
        default=None,
        description="Where people open labelpool (https://labels.example.org): e-mailed links "
        "start with it; unset, they are paths only.",
    )

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host)

    @property
    def port(self) -> int:
        return self.smtp_port or DEFAULT_PORTS[self.smtp_security]
