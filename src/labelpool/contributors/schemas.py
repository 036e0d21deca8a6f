"""API bodies for contributors: the profile, review checks, states and identity documents."""

from __future__ import annotations

import zoneinfo
from datetime import datetime
from functools import cache
from typing import Literal

from pydantic import BaseModel, Field, ValidationInfo, field_validator, model_validator

from labelpool.contributors.enums import (
    DOMAINS,
    OS_BY_DEVICE,
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    OperatingSystem,
    Proficiency,
)
from labelpool.contributors.reference import COUNTRIES, LANGUAGES
from labelpool.contributors.service import ProfileInput
from labelpool.web.schemas import InputModel


@cache
def time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def valid_time_zone(value: str) -> bool:
    if value not in time_zones():
        return False
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


class LanguageIn(InputModel):
    code: str = Field(description="ISO 639-1 code, e.g. en, de, pt.")
    proficiency: Proficiency

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        code = value.strip().lower()
        if code not in LANGUAGES:
            raise ValueError(f"'{value}' is not an ISO 639-1 language code (e.g. en, de, pt)")
        return code


class DeviceIn(InputModel):
    kind: DeviceKind
    os: OperatingSystem

    @model_validator(mode="after")
    def _os_fits(self) -> DeviceIn:
        allowed = OS_BY_DEVICE[self.kind]
        if self.os not in allowed:
            raise ValueError(
                f"a {self.kind.value} does not run {self.os.value}; choose one of "
                + ", ".join(o.value for o in allowed)
            )
        return self


class ProfileIn(InputModel):
    """The whole profile. Every field may be left empty while you fill it in; submitting the
    application needs a complete profile."""

    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. DE.")
    languages: list[LanguageIn] = Field(default_factory=list, max_length=20)
    primary_domain: str | None = Field(
        default=None, description="One of GET /contributors/options."
    )
    secondary_skills: list[str] = Field(default_factory=list, max_length=10)
    experience: str = Field(default="", max_length=5000)
    devices: list[DeviceIn] = Field(default_factory=list, max_length=10)
    headphones: bool = False
    microphone: bool = False
    weekly_hours: int | None = Field(default=None, ge=1, le=80)
    time_zone: str | None = Field(default=None, description="IANA name, e.g. Europe/Berlin.")

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        code = value.strip().upper()
        if code not in COUNTRIES:
            raise ValueError(f"'{value}' is not an ISO 3166-1 alpha-2 country code (e.g. DE, BR)")
        return code

    @field_validator("languages")
    @classmethod
    def _distinct_languages(cls, value: list[LanguageIn]) -> list[LanguageIn]:
        codes = [lang.code for lang in value]
        if duplicates := sorted({c for c in codes if codes.count(c) > 1}):
            raise ValueError(f"each language once; repeated: {', '.join(duplicates)}")
        return value

    @field_validator("primary_domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if value not in DOMAINS:
            raise ValueError(f"'{value}' is not a domain; choose one of {', '.join(DOMAINS)}")
        return value

    @field_validator("secondary_skills")
    @classmethod
    def _skills(cls, value: list[str], info: ValidationInfo) -> list[str]:
        skills = [v.strip() for v in value if v.strip()]
        if unknown := [s for s in skills if s not in DOMAINS]:
            raise ValueError(f"not domains: {', '.join(unknown)}; choose from {', '.join(DOMAINS)}")
        if len(set(skills)) != len(skills):
            raise ValueError("each secondary skill once")
        primary = info.data.get("primary_domain")
        if primary and primary in skills:
            raise ValueError(f"'{primary}' is your primary domain; it cannot also be secondary")
        return skills

    @field_validator("devices")
    @classmethod
    def _distinct_devices(cls, value: list[DeviceIn]) -> list[DeviceIn]:
        pairs = [(d.kind, d.os) for d in value]
        if len(set(pairs)) != len(pairs):
            raise ValueError("each device (kind and operating system) once")
        return value

    @field_validator("time_zone")
    @classmethod
    def _time_zone(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        if not valid_time_zone(value.strip()):
            raise ValueError(f"'{value}' is not an IANA time zone (e.g. Europe/Berlin, Asia/Tokyo)")
        return value.strip()

    def to_input(self) -> ProfileInput:
        return ProfileInput(
            country=self.country,
            languages=[(lang.code, lang.proficiency) for lang in self.languages],
            primary_domain=self.primary_domain,
            secondary_skills=list(self.secondary_skills),
            experience=self.experience,
            devices=[(d.kind, d.os) for d in self.devices],
            headphones=self.headphones,
            microphone=self.microphone,
            weekly_hours=self.weekly_hours,
            time_zone=self.time_zone,
        )


class LanguageOut(BaseModel):
    code: str
    name: str
    proficiency: Proficiency


class DeviceOut(BaseModel):
    kind: DeviceKind
    os: OperatingSystem


class CompletenessOut(BaseModel):
    percent: int
    missing: list[str] = Field(description="One sentence per missing item.")


class ProfileOut(BaseModel):
    user_id: int
    state: ContributorState
    country: str | None
    country_name: str | None
    languages: list[LanguageOut]
    primary_domain: str | None
    secondary_skills: list[str]
    experience: str
    devices: list[DeviceOut]
    headphones: bool
    microphone: bool
    weekly_hours: int | None
    time_zone: str | None
    submitted_at: datetime | None
    updated_at: datetime
    completeness: CompletenessOut


class CheckOut(BaseModel):
    name: CheckName
    label: str
    status: CheckStatus
    reason: str
    decided_by: str | None = Field(description="'labelpool' for rules, else a person's name.")
    decided_at: datetime | None


class StateChangeOut(BaseModel):
    from_state: ContributorState | None
    to_state: ContributorState
    actor: str = Field(description="'labelpool' when the system made the change.")
    reason: str
    at: datetime


class IdentityDocumentOut(BaseModel):
    """What the contributor sees of their own upload (never where or how it is stored)."""

    uploaded_at: datetime
    content_type: str
    size_bytes: int
    filename: str
    status: Literal["awaiting_review", "decided", "deleted"]


class ReviewOut(BaseModel):
    state: ContributorState
    checks: list[CheckOut]
    history: list[StateChangeOut]
    completeness: CompletenessOut
    identity_document: IdentityDocumentOut | None
    next_steps: list[str]


class AdminDocumentOut(BaseModel):
    id: int
    uploaded_at: datetime
    content_type: str
    size_bytes: int
    filename: str
    decided_at: datetime | None
    delete_after: datetime | None
    deleted_at: datetime | None
    deleted_reason: str
    url: str | None = Field(description="Admin-only download; None once deleted.")


class ContributorRef(BaseModel):
    id: int
    display_name: str
    email: str


class AdminReviewOut(BaseModel):
    user: ContributorRef
    profile: ProfileOut
    checks: list[CheckOut]
    history: list[StateChangeOut]
    documents: list[AdminDocumentOut]


class QueueRowOut(BaseModel):
    user: ContributorRef
    state: ContributorState
    submitted_at: datetime | None
    country: str | None
    needs_review: list[CheckName]
    failed: list[CheckName]
    passed: int


class CheckDecisionIn(InputModel):
    status: Literal["passed", "failed", "needs_review"]
    reason: str = Field(default="", max_length=2000)


class StateChangeIn(InputModel):
    state: ContributorState
    reason: str = Field(min_length=1, max_length=2000)


class OptionOut(BaseModel):
    code: str
    name: str


class DeviceOptionOut(BaseModel):
    kind: DeviceKind
    os: list[OperatingSystem]


class OptionsOut(BaseModel):
    countries: list[OptionOut]
    languages: list[OptionOut]
    proficiencies: list[Proficiency]
    domains: list[OptionOut]
    devices: list[DeviceOptionOut]
    time_zones: list[str]
