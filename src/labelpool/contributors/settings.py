"""Account-review settings from `LABELPOOL_*` environment variables: `config.Settings.review`.

Lists are comma-separated: `LABELPOOL_REVIEW_BLOCKED_COUNTRIES=KP,IR`.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from labelpool.contributors.enums import DeviceKind
from labelpool.contributors.reference import COUNTRIES

CodeList = Annotated[list[str], NoDecode]


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class ReviewSettings(BaseSettings):
    """Rules for the automatic account-review checks and identity-document retention."""

    model_config = SettingsConfigDict(env_prefix="LABELPOOL_", extra="ignore")

    review_allowed_countries: CodeList = Field(
        default_factory=list,
        description="ISO 3166-1 alpha-2 codes contributors may live in; empty = every country.",
    )
    review_blocked_countries: CodeList = Field(
        default_factory=list,
        description="ISO 3166-1 alpha-2 codes whose residents cannot be accepted.",
    )
    review_required_devices: CodeList = Field(
        default_factory=lambda: [DeviceKind.DESKTOP.value, DeviceKind.LAPTOP.value],
        description="A contributor needs at least one of these device kinds; empty = any.",
    )
    identity_retention_days: int = Field(
        default=0,
        ge=0,
        description="Days an identity document is kept after the decision; 0 = deleted at once.",
    )
    identity_max_bytes: int = Field(
        default=10 * 1024 * 1024, ge=1, description="Largest identity document accepted."
    )

    @field_validator("review_allowed_countries", "review_blocked_countries", mode="before")
    @classmethod
    def _countries(cls, value: Any) -> Any:
        value = _split(value)
        if isinstance(value, list):
            codes = [str(v).strip().upper() for v in value]
            unknown = [c for c in codes if c not in COUNTRIES]
            if unknown:
                raise ValueError(f"not ISO 3166-1 alpha-2 country codes: {', '.join(unknown)}")
            return codes
        return value

    @field_validator("review_required_devices", mode="before")
    @classmethod
    def _devices(cls, value: Any) -> Any:
        value = _split(value)
        if isinstance(value, list):
            kinds = [str(v).strip().lower() for v in value]
            known = {k.value for k in DeviceKind}
            unknown = [k for k in kinds if k not in known]
            if unknown:
                raise ValueError(
                    f"unknown device kinds: {', '.join(unknown)}; use {', '.join(sorted(known))}"
                )
            return kinds
        return value
