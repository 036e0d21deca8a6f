"""Names used by profiles and account review (pure: no web or database imports)."""

from __future__ import annotations

from enum import StrEnum


class Proficiency(StrEnum):
    """How well a contributor speaks a language, strongest first."""

    NATIVE = "native"
    FLUENT = "fluent"
    ADVANCED = "advanced"
    INTERMEDIATE = "intermediate"
    BASIC = "basic"

    @property
    def rank(self) -> int:
        """5 for native down to 1 for basic: compare with `>=` for a minimum proficiency."""
        return len(PROFICIENCY_ORDER) - PROFICIENCY_ORDER.index(self)


PROFICIENCY_ORDER: tuple[Proficiency, ...] = tuple(Proficiency)


class DeviceKind(StrEnum):
    DESKTOP = "desktop"
    LAPTOP = "laptop"
    PHONE = "phone"
    TABLET = "tablet"


class OperatingSystem(StrEnum):
    WINDOWS = "windows"
    MACOS = "macos"
    LINUX = "linux"
    CHROMEOS = "chromeos"
    ANDROID = "android"
    IOS = "ios"
    IPADOS = "ipados"
    OTHER = "other"


OS_LABELS: dict[OperatingSystem, str] = {
    OperatingSystem.WINDOWS: "Windows",
    OperatingSystem.MACOS: "macOS",
    OperatingSystem.LINUX: "Linux",
    OperatingSystem.CHROMEOS: "ChromeOS",
    OperatingSystem.ANDROID: "Android",
    OperatingSystem.IOS: "iOS",
    OperatingSystem.IPADOS: "iPadOS",
    OperatingSystem.OTHER: "Other",
}

_O = OperatingSystem
#: Which operating systems make sense on which kind of device.
OS_BY_DEVICE: dict[DeviceKind, tuple[OperatingSystem, ...]] = {
    DeviceKind.DESKTOP: (_O.WINDOWS, _O.MACOS, _O.LINUX, _O.CHROMEOS, _O.OTHER),
    DeviceKind.LAPTOP: (_O.WINDOWS, _O.MACOS, _O.LINUX, _O.CHROMEOS, _O.OTHER),
    DeviceKind.PHONE: (_O.ANDROID, _O.IOS, _O.OTHER),
    DeviceKind.TABLET: (_O.ANDROID, _O.IPADOS, _O.WINDOWS, _O.OTHER),
}

#: Areas of expertise: one is a contributor's primary domain, others may be secondary skills.
DOMAINS: dict[str, str] = {
    "general": "General (no specialism)",
    "search-evaluation": "Search evaluation",
    "ai-evaluation": "AI response evaluation",
    "data-labeling": "Data labeling and categorisation",
    "image-annotation": "Image annotation",
    "audio-transcription": "Audio transcription",
    "video-annotation": "Video annotation",
    "translation": "Translation",
    "linguistics": "Linguistics",
    "writing": "Writing and editing",
    "medicine": "Medicine and health",
    "law": "Law",
    "finance": "Finance and accounting",
    "software": "Software engineering",
    "mathematics": "Mathematics",
    "science": "Natural sciences",
    "education": "Education",
    "marketing": "Marketing and e-commerce",
}


class ContributorState(StrEnum):
    """Where a contributor's account stands: applied -> under_review -> active; suspended."""

    APPLIED = "applied"
    UNDER_REVIEW = "under_review"
    ACTIVE = "active"
    SUSPENDED = "suspended"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class CheckName(StrEnum):
    """One account-review check."""

    IDENTITY_VERIFIED = "identity_verified"
    PROFILE_COMPLETE = "profile_complete"
    LANGUAGE_VERIFIED = "language_verified"
    DEVICE_ELIGIBLE = "device_eligible"
    LOCATION_ELIGIBLE = "location_eligible"

    @property
    def label(self) -> str:
        return CHECK_LABELS[self]


CHECK_LABELS: dict[CheckName, str] = {
    CheckName.IDENTITY_VERIFIED: "Identity verified",
    CheckName.PROFILE_COMPLETE: "Profile complete",
    CheckName.LANGUAGE_VERIFIED: "Language verified",
    CheckName.DEVICE_ELIGIBLE: "Device eligible",
    CheckName.LOCATION_ELIGIBLE: "Location eligible",
}

#: Checks the rules decide from the profile alone.
RULE_CHECKS: frozenset[CheckName] = frozenset(
    {CheckName.PROFILE_COMPLETE, CheckName.DEVICE_ELIGIBLE, CheckName.LOCATION_ELIGIBLE}
)


class CheckStatus(StrEnum):
    PENDING = "pending"
    PASSED = "passed"
    FAILED = "failed"
    NEEDS_REVIEW = "needs_review"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()
