"""Pure account-review rules: profile completeness and the checks rules can decide.

No web or database imports. The service turns a stored profile into `ProfileFacts` and stores
what `evaluate_rules` returns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from string import Formatter

from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    DeviceKind,
    OperatingSystem,
    Proficiency,
)
from labelpool.contributors.reference import COUNTRIES, LANGUAGES
from labelpool.contributors.settings import ReviewSettings

#: The experience text must say at least this much to count.
MIN_EXPERIENCE_CHARS = 50


@dataclass(frozen=True)
class Wording:
    """One sentence the review writes, twice: to the contributor (what is stored and what
    they read) and about them, for an admin. `nested` fields hold sentences of their own."""

    contributor: str  # a str.format template
    admin: str
    nested: tuple[str, ...] = ()

    def say(self, **fields: object) -> str:
        return self.contributor.format(**fields)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        parts: list[str] = []
        seen: set[str] = set()
        for literal, name, _, _ in Formatter().parse(self.contributor):
            parts.append(re.escape(literal))
            if name is None:
                continue
            parts.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
        return re.compile("".join(parts), re.S)

    def for_admin(self, text: str) -> str | None:
        """`text` in the admin's words, or None when this wording did not write it."""
        found = self.pattern.fullmatch(text)
        if found is None:
            return None
        fields = {
            name: _sentences_for_admin(value) if name in self.nested else value
            for name, value in found.groupdict().items()
        }
        return self.admin.format(**fields)


W = Wording
MISSING_COUNTRY = W("Choose the country you live in.", "No country.")
MISSING_LANGUAGE = W("Add at least one language and how well you speak it.", "No language.")
MISSING_DOMAIN = W(
    "Choose your primary domain (your main area of expertise).", "No primary domain."
)
MISSING_EXPERIENCE = W(
    "Describe your experience in at least {minimum} characters (you have {have}).",
    "Experience under {minimum} characters ({have}).",
)
MISSING_DEVICE = W("Add at least one device you work on, with its operating system.", "No device.")
MISSING_HOURS = W("Say how many hours a week you can work (1 to 80).", "No weekly hours.")
MISSING_TIME_ZONE = W("Choose your time zone.", "No time zone.")
PROFILE_INCOMPLETE = W(
    "Profile {percent}% complete. Still missing: {missing}",
    "Profile {percent}% complete. Missing: {missing}",
    nested=("missing",),
)
LOCATION_NONE = W("Add your country to your profile.", "No country in the profile yet.")
LOCATION_BLOCKED = W(
    "labelpool cannot accept contributors living in {country} on this platform.",
    "Lives in {country}, where labelpool cannot accept contributors.",
)
LOCATION_NOT_ALLOWED = W(
    "This platform accepts contributors living in {allowed} only; your profile says {country}.",
    "The profile says {country}; this platform accepts contributors living in {allowed} only.",
)
LOCATION_OK = W(
    "Contributors living in {country} are accepted.", "Lives in {country}, which is accepted."
)
DEVICE_NONE = W("Add the devices you work on to your profile.", "No devices in the profile yet.")
DEVICE_OK = W("You work on a {have}.", "Works on a {have}.")
DEVICE_MISSING = W(
    "Work here needs a {wanted}; your profile lists only: {have}. "
    "Add a {wanted} to your profile and submit again.",
    "Work here needs a {wanted}; the profile lists only: {have}.",
)
LANGUAGE_NONE = W("Add your languages to your profile.", "No languages in the profile yet.")
LANGUAGE_CLAIMED = W(
    "Waiting for an admin or a language test to confirm {languages}.",
    "Claims {languages}; waiting for an admin or a language test to confirm.",
)
IDENTITY_NONE = W(
    "Upload a photo or scan of an identity document (image or PDF).",
    "No identity document uploaded yet.",
)
IDENTITY_WAITING = W(
    "Your document is waiting for an admin to check it.",
    "An identity document is waiting for an admin to check it.",
)
# Written by contributors/application.py, worded here so admins get their version.
NOT_SUBMITTED = W(
    "Submit your application to start the review.",
    "Not submitted yet; the checks run when the contributor submits the application.",
)
DOCUMENT_BEFORE_SUBMIT = W(
    "Your document will be checked after you submit your application.",
    "An identity document is uploaded; it is checked once the application is submitted.",
)
WORDINGS: tuple[Wording, ...] = (
    MISSING_COUNTRY,
    MISSING_LANGUAGE,
    MISSING_DOMAIN,
    MISSING_EXPERIENCE,
    MISSING_DEVICE,
    MISSING_HOURS,
    MISSING_TIME_ZONE,
    PROFILE_INCOMPLETE,
    LOCATION_NONE,
    LOCATION_BLOCKED,
    LOCATION_NOT_ALLOWED,
    LOCATION_OK,
    DEVICE_NONE,
    DEVICE_OK,
    DEVICE_MISSING,
    LANGUAGE_NONE,
    LANGUAGE_CLAIMED,
    IDENTITY_NONE,
    IDENTITY_WAITING,
    NOT_SUBMITTED,
    DOCUMENT_BEFORE_SUBMIT,
)
#: How the service starts the history entry of an account that went back under review.
REOPENED_PREFIX = "A check no longer passes. "
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_CHECK_LABEL = re.compile("(?:^|\\s)(" + "|".join(re.escape(n.label) for n in CheckName) + "): ")


def for_admin(text: str) -> str:
    """A reason the review wrote to the contributor, as an admin reads it: "You work on a
    laptop." becomes "Works on a laptop.". Text an admin typed is returned as it is."""
    for wording in WORDINGS:
        said = wording.for_admin(text)
        if said is not None:
            return said
    return text


def _sentences_for_admin(text: str) -> str:
    return " ".join(for_admin(sentence) for sentence in _SENTENCE_END.split(text))


def history_for_admin(text: str) -> str:
    """A state change's reason for an admin: the checks quoted in it in the admin's words."""
    if not text.startswith(REOPENED_PREFIX):
        return text
    parts = _CHECK_LABEL.split(text.removeprefix(REOPENED_PREFIX))
    quoted = [
        f"{label}: {for_admin(reason.strip())}"
        for label, reason in zip(parts[1::2], parts[2::2], strict=True)
    ]
    head = parts[0].strip()
    return REOPENED_PREFIX + " ".join(([head] if head else []) + quoted)


@dataclass(frozen=True)
class ProfileFacts:
    """What the rules look at: a snapshot of one contributor's profile."""

    country: str | None = None
    languages: tuple[tuple[str, Proficiency], ...] = ()
    primary_domain: str | None = None
    secondary_skills: tuple[str, ...] = ()
    experience: str = ""
    devices: tuple[tuple[DeviceKind, OperatingSystem], ...] = ()
    headphones: bool = False
    microphone: bool = False
    weekly_hours: int | None = None
    time_zone: str | None = None


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class Decision:
    """What a rule decided about one check."""

    status: CheckStatus
    reason: str


def profile_completeness(profile: ProfileFacts) -> Completeness:
    """How complete the profile is, as a percentage and one sentence per missing item."""
    missing: list[str] = []
    if not profile.country:
        missing.append(MISSING_COUNTRY.say())
    if not profile.languages:
        missing.append(MISSING_LANGUAGE.say())
    if not profile.primary_domain:
        missing.append(MISSING_DOMAIN.say())
    experience = len(profile.experience.strip())
    if experience < MIN_EXPERIENCE_CHARS:
        missing.append(MISSING_EXPERIENCE.say(minimum=MIN_EXPERIENCE_CHARS, have=experience))
    if not profile.devices:
        missing.append(MISSING_DEVICE.say())
    if profile.weekly_hours is None:
        missing.append(MISSING_HOURS.say())
    if not profile.time_zone:
        missing.append(MISSING_TIME_ZONE.say())
    total = 7
    percent = round(100 * (total - len(missing)) / total)
    return Completeness(percent=percent, missing=missing)


def _names(codes: Iterable[str], names: dict[str, str]) -> str:
    return ", ".join(f"{names.get(c, c)} ({c})" for c in codes)


def location_decision(country: str | None, settings: ReviewSettings) -> Decision:
    if not country:
        return Decision(CheckStatus.PENDING, LOCATION_NONE.say())
    name = f"{COUNTRIES.get(country, country)} ({country})"
    if country in settings.review_blocked_countries:
        return Decision(CheckStatus.FAILED, LOCATION_BLOCKED.say(country=name))
    allowed = settings.review_allowed_countries
    if allowed and country not in allowed:
        return Decision(
            CheckStatus.FAILED,
            LOCATION_NOT_ALLOWED.say(allowed=_names(allowed, COUNTRIES), country=name),
        )
    return Decision(CheckStatus.PASSED, LOCATION_OK.say(country=name))


def device_decision(
    devices: Iterable[tuple[DeviceKind, OperatingSystem]], settings: ReviewSettings
) -> Decision:
    kinds = {kind for kind, _ in devices}
    required = [DeviceKind(k) for k in settings.review_required_devices]
    if not kinds:
        return Decision(CheckStatus.PENDING, DEVICE_NONE.say())
    if not required:
        return Decision(CheckStatus.PASSED, "Any device is accepted.")
    if kinds & set(required):
        have = ", ".join(sorted(k.value for k in kinds & set(required)))
        return Decision(CheckStatus.PASSED, DEVICE_OK.say(have=have))
    wanted = " or ".join(k.value for k in required)
    have = ", ".join(sorted(k.value for k in kinds))
    return Decision(CheckStatus.FAILED, DEVICE_MISSING.say(wanted=wanted, have=have))


def completeness_decision(profile: ProfileFacts) -> Decision:
    result = profile_completeness(profile)
    if result.complete:
        return Decision(CheckStatus.PASSED, "Every part of the profile is filled in.")
    return Decision(
        CheckStatus.FAILED,
        PROFILE_INCOMPLETE.say(percent=result.percent, missing=" ".join(result.missing)),
    )


def language_decision(profile: ProfileFacts) -> Decision:
    if not profile.languages:
        return Decision(CheckStatus.PENDING, LANGUAGE_NONE.say())
    names = _names((code for code, _ in profile.languages), LANGUAGES)
    return Decision(CheckStatus.NEEDS_REVIEW, LANGUAGE_CLAIMED.say(languages=names))


def identity_decision(has_document: bool) -> Decision:
    if not has_document:
        return Decision(CheckStatus.PENDING, IDENTITY_NONE.say())
    return Decision(CheckStatus.NEEDS_REVIEW, IDENTITY_WAITING.say())


def _completeness_fields(profile: ProfileFacts) -> tuple[object, ...]:
    return (
        profile.country,
        frozenset(profile.languages),
        profile.primary_domain,
        profile.experience.strip(),
        frozenset(profile.devices),
        profile.weekly_hours,
        profile.time_zone,
    )


def _new_language_claims(before: ProfileFacts, after: ProfileFacts) -> bool:
    """A language added, or claimed at a higher proficiency than before."""
    known = {code: level.rank for code, level in before.languages}
    return any(level.rank > known.get(code, 0) for code, level in after.languages)


def reopened_checks(before: ProfileFacts, after: ProfileFacts) -> frozenset[CheckName]:
    """The checks whose evidence changed between two versions of a profile.

    Such a check is decided again even if it had passed (also when an admin passed it by
    hand): profile complete on any field it counts, location on the country, device on the
    devices, language on a new language or a higher proficiency. Identity rests on the
    document, not on the profile.
    """
    reopened: set[CheckName] = set()
    if _completeness_fields(before) != _completeness_fields(after):
        reopened.add(CheckName.PROFILE_COMPLETE)
    if before.country != after.country:
        reopened.add(CheckName.LOCATION_ELIGIBLE)
    if set(before.devices) != set(after.devices):
        reopened.add(CheckName.DEVICE_ELIGIBLE)
    if _new_language_claims(before, after):
        reopened.add(CheckName.LANGUAGE_VERIFIED)
    return frozenset(reopened)


def evaluate_rules(profile: ProfileFacts, settings: ReviewSettings) -> dict[CheckName, Decision]:
    """The checks rules decide from the profile alone (profile, location and device)."""
    return {
        CheckName.PROFILE_COMPLETE: completeness_decision(profile),
        CheckName.LOCATION_ELIGIBLE: location_decision(profile.country, settings),
        CheckName.DEVICE_ELIGIBLE: device_decision(profile.devices, settings),
    }
