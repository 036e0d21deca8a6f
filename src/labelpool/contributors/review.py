"""Pure account-review rules: profile completeness and the checks rules can decide.

No web or database imports. The service turns a stored profile into `ProfileFacts` and stores
what `evaluate_rules` returns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
        missing.append("Choose the country you live in.")
    if not profile.languages:
        missing.append("Add at least one language and how well you speak it.")
    if not profile.primary_domain:
        missing.append("Choose your primary domain (your main area of expertise).")
    experience = len(profile.experience.strip())
    if experience < MIN_EXPERIENCE_CHARS:
        missing.append(
            f"Describe your experience in at least {MIN_EXPERIENCE_CHARS} characters "
            f"(you have {experience})."
        )
    if not profile.devices:
        missing.append("Add at least one device you work on, with its operating system.")
    if profile.weekly_hours is None:
        missing.append("Say how many hours a week you can work (1 to 80).")
    if not profile.time_zone:
        missing.append("Choose your time zone.")
    total = 7
    percent = round(100 * (total - len(missing)) / total)
    return Completeness(percent=percent, missing=missing)


def _names(codes: Iterable[str], names: dict[str, str]) -> str:
    return ", ".join(f"{names.get(c, c)} ({c})" for c in codes)


def location_decision(country: str | None, settings: ReviewSettings) -> Decision:
    if not country:
        return Decision(CheckStatus.PENDING, "Add your country to your profile.")
    name = f"{COUNTRIES.get(country, country)} ({country})"
    if country in settings.review_blocked_countries:
        return Decision(
            CheckStatus.FAILED,
            f"labelpool cannot accept contributors living in {name} on this platform.",
        )
    allowed = settings.review_allowed_countries
    if allowed and country not in allowed:
        return Decision(
            CheckStatus.FAILED,
            f"This platform accepts contributors living in {_names(allowed, COUNTRIES)} only; "
            f"your profile says {name}.",
        )
    return Decision(CheckStatus.PASSED, f"Contributors living in {name} are accepted.")


def device_decision(
    devices: Iterable[tuple[DeviceKind, OperatingSystem]], settings: ReviewSettings
) -> Decision:
    kinds = {kind for kind, _ in devices}
    required = [DeviceKind(k) for k in settings.review_required_devices]
    if not kinds:
        return Decision(CheckStatus.PENDING, "Add the devices you work on to your profile.")
    if not required:
        return Decision(CheckStatus.PASSED, "Any device is accepted.")
    if kinds & set(required):
        have = ", ".join(sorted(k.value for k in kinds & set(required)))
        return Decision(CheckStatus.PASSED, f"You work on a {have}.")
    wanted = " or ".join(k.value for k in required)
    have = ", ".join(sorted(k.value for k in kinds))
    return Decision(
        CheckStatus.FAILED,
        f"Work here needs a {wanted}; your profile lists only: {have}. "
        f"Add a {wanted} to your profile and submit again.",
    )


def completeness_decision(profile: ProfileFacts) -> Decision:
    result = profile_completeness(profile)
    if result.complete:
        return Decision(CheckStatus.PASSED, "Every part of the profile is filled in.")
    return Decision(
        CheckStatus.FAILED,
        f"Profile {result.percent}% complete. Still missing: " + " ".join(result.missing),
    )


def language_decision(profile: ProfileFacts) -> Decision:
    if not profile.languages:
        return Decision(CheckStatus.PENDING, "Add your languages to your profile.")
    names = _names((code for code, _ in profile.languages), LANGUAGES)
    return Decision(
        CheckStatus.NEEDS_REVIEW, f"Waiting for an admin or a language test to confirm {names}."
    )


def identity_decision(has_document: bool) -> Decision:
    if not has_document:
        return Decision(
            CheckStatus.PENDING, "Upload a photo or scan of an identity document (image or PDF)."
        )
    return Decision(CheckStatus.NEEDS_REVIEW, "Your document is waiting for an admin to check it.")


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
