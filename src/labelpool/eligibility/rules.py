"""What a contributor must be to work on a project, and whether they are (pure: no database,
no web).

`Requirements` is a project's rules, combined with AND; it is stored as JSON in
`project_requirements.rules`. `evaluate(requirements, facts)` answers every rule that applies
with a `RuleResult`: met or not, the contributor's value, the required value and, for an unmet
rule, the next step (and when it opens, where that is known). Two rules always apply: the
account is active, and no guidelines refresher is owed for the project. A rule left empty
(no countries, no languages, ...) does not apply and is not reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from labelpool.contributors.enums import DeviceKind, Proficiency
from labelpool.contributors.reference import COUNTRIES, LANGUAGES

MAX_ID = 2**63 - 1
TestId = Annotated[int, Field(ge=1, le=MAX_ID)]
SkillLevel = Annotated[int, Field(ge=0, le=100)]
SkillKey = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[a-z0-9][a-z0-9_.-]*$")]


class LanguageRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    language: str = Field(min_length=2, max_length=2, description="ISO 639-1 code, e.g. 'de'.")
    minimum: Proficiency = Proficiency.BASIC

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        value = value.lower()
        if value not in LANGUAGES:
            raise ValueError(f"unknown language code {value!r} (ISO 639-1, e.g. 'de')")
        return value


class SkillRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    skill: SkillKey
    minimum: SkillLevel = 0


class Requirements(BaseModel):
    """A project's requirements (all must hold). Empty lists and None: the rule does not apply.

    `devices`: the contributor needs at least one device of these kinds.
    `min_quality_score` is a hook the quality feature fills: until it measures contributors,
    the rule reports "not measured yet" and does not hold anyone back.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    countries_allowed: list[str] = Field(default_factory=list, max_length=300)
    countries_denied: list[str] = Field(default_factory=list, max_length=300)
    languages: list[LanguageRule] = Field(default_factory=list, max_length=50)
    skills: list[SkillRule] = Field(default_factory=list, max_length=50)
    tests: list[TestId] = Field(default_factory=list, max_length=50)
    devices: list[DeviceKind] = Field(default_factory=list, max_length=len(DeviceKind))
    min_weekly_hours: Annotated[int, Field(ge=1, le=168)] | None = None
    min_quality_score: Annotated[float, Field(ge=0, le=100)] | None = None
    max_active_projects: Annotated[int, Field(ge=1, le=1000)] | None = None

    @field_validator("countries_allowed", "countries_denied")
    @classmethod
    def _known_countries(cls, value: list[str]) -> list[str]:
        codes = [code.strip().upper() for code in value]
        unknown = [code for code in codes if code not in COUNTRIES]
        if unknown:
            raise ValueError(f"unknown country codes: {', '.join(unknown)} (ISO 3166-1 alpha-2)")
        return list(dict.fromkeys(codes))

    @field_validator("tests", "devices")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))

    @field_validator("languages")
    @classmethod
    def _one_rule_per_language(cls, value: list[LanguageRule]) -> list[LanguageRule]:
        seen = [rule.language for rule in value]
        if len(set(seen)) != len(seen):
            raise ValueError("each language may appear once")
        return value

    @field_validator("skills")
    @classmethod
    def _one_rule_per_skill(cls, value: list[SkillRule]) -> list[SkillRule]:
        seen = [rule.skill for rule in value]
        if len(set(seen)) != len(seen):
            raise ValueError("each skill may appear once")
        return value

    @model_validator(mode="after")
    def _allowed_and_denied_apart(self) -> Requirements:
        both = sorted(set(self.countries_allowed) & set(self.countries_denied))
        if both:
            raise ValueError(f"countries both allowed and denied: {', '.join(both)}")
        return self


# --- what is known about the contributor ---------------------------------------------------


@dataclass(frozen=True)
class TestProgress:
    """Where a contributor stands with one required test (read by the service)."""

    __test__: ClassVar[bool] = False  # not a pytest class

    test_id: int
    title: str
    next_step: str  # e.g. "take “Sentiment”: attempt 2 of 3 opens 3 Dec 14:00 UTC"
    next_at: datetime | None = None  # when the next attempt opens (None: now, or never)
    href: str | None = None


@dataclass(frozen=True)
class ContributorFacts:
    """What `evaluate` needs of a contributor; the service reads it in a few queries."""

    user_id: int
    active: bool
    state_label: str = "No application"
    country: str | None = None
    languages: Mapping[str, Proficiency] = field(default_factory=dict)
    skills: Mapping[str, int] = field(default_factory=dict)
    qualified_test_ids: frozenset[int] = frozenset()
    devices: frozenset[DeviceKind] = frozenset()
    weekly_hours: int | None = None
    quality_score: float | None = None  # None until the quality feature measures it
    # Projects the contributor works on now (a live lease or a recent answer), by id.
    active_project_ids: frozenset[int] = frozenset()
    # Per project id: why a guidelines refresher holds the contributor back.
    refreshers_owed: Mapping[int, str] = field(default_factory=dict)
    # Per required test id: the next step (only tests not passed need one).
    tests: Mapping[int, TestProgress] = field(default_factory=dict)
    # Per skill key: the next step towards a higher level (a skill test), when there is one.
    skill_tests: Mapping[str, TestProgress] = field(default_factory=dict)


@dataclass(frozen=True)
class RuleResult:
    key: str  # "account_active", "language:de", "test:12", ...
    label: str  # what the rule asks, in words
    met: bool
    value: str  # the contributor's value, in words
    required: str  # the required value, in words
    next_step: str | None = None  # what to do about an unmet rule
    next_at: datetime | None = None  # when that step opens, where known
    next_href: str | None = None  # where to do it


# --- words ---------------------------------------------------------------------------------

PROFILE = "/profile"


def country_name(code: str | None) -> str:
    if not code:
        return "not given"
    return COUNTRIES.get(code, code)


def language_name(code: str) -> str:
    return LANGUAGES.get(code, code)


def _countries(codes: Sequence[str]) -> str:
    names = [country_name(c) for c in codes]
    return (
        ", ".join(names) if len(names) <= 6 else f"{', '.join(names[:6])} and {len(names) - 6} more"
    )


def _devices(kinds: Sequence[DeviceKind] | frozenset[DeviceKind]) -> str:
    ordered = [k for k in DeviceKind if k in kinds]
    return ", ".join(k.value for k in ordered) if ordered else "none"


def _hours(hours: int | None) -> str:
    if hours is None:
        return "not given"
    return f"{hours} hour{'s' if hours != 1 else ''} a week"


def when_text(value: datetime) -> str:
    """'3 Dec 14:00 UTC' (the year only when it is not this one is not worth the width)."""
    return f"{value.day} {value:%b %H:%M} UTC"


# --- evaluating ----------------------------------------------------------------------------


def evaluate(
    requirements: Requirements,
    facts: ContributorFacts,
    *,
    project_id: int | None = None,
    test_titles: Mapping[int, str] | None = None,
) -> list[RuleResult]:
    """Every rule that applies to the contributor, in a fixed order: always-on rules first."""
    titles = test_titles or {}
    results = [_account(facts)]
    owed = facts.refreshers_owed.get(project_id) if project_id is not None else None
    results.append(
        RuleResult(
            "refreshers_done",
            "Guidelines refreshers done",
            owed is None,
            "a refresher is owed" if owed else "none owed",
            "none owed",
            next_step=owed,
            next_href="/tests" if owed else None,
        )
    )
    results.extend(_country_rules(requirements, facts))
    for rule in requirements.languages:
        results.append(_language(rule, facts))
    for skill in requirements.skills:
        results.append(_skill(skill, facts))
    for test_id in requirements.tests:
        results.append(_test(test_id, facts, titles))
    if requirements.devices:
        met = bool(facts.devices & set(requirements.devices))
        wanted = _devices(requirements.devices).replace(", ", " or ")
        results.append(
            RuleResult(
                "devices",
                f"Works on a {wanted}",
                met,
                _devices(facts.devices),
                f"one of: {_devices(requirements.devices)}",
                next_step=None if met else f"Add a {wanted} to your profile, if you have one.",
                next_href=None if met else PROFILE,
            )
        )
    if requirements.min_weekly_hours is not None:
        wanted_hours = requirements.min_weekly_hours
        met = facts.weekly_hours is not None and facts.weekly_hours >= wanted_hours
        results.append(
            RuleResult(
                "min_weekly_hours",
                f"Available at least {_hours(wanted_hours)}",
                met,
                _hours(facts.weekly_hours),
                f"at least {_hours(wanted_hours)}",
                next_step=None
                if met
                else f"Raise your weekly availability to {wanted_hours} hours on your profile, "
                "if you can give that much time.",
                next_href=None if met else PROFILE,
            )
        )
    if requirements.min_quality_score is not None:
        results.append(_quality(requirements.min_quality_score, facts))
    if requirements.max_active_projects is not None:
        results.append(_project_limit(requirements.max_active_projects, facts, project_id))
    return results


def unmet(results: Sequence[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.met]


def _account(facts: ContributorFacts) -> RuleResult:
    return RuleResult(
        "account_active",
        "Account active",
        facts.active,
        facts.state_label.lower(),
        "active",
        next_step=None
        if facts.active
        else "Finish your application and account review; work opens once your account is active.",
        next_href=None if facts.active else "/review",
    )


def _country_rules(requirements: Requirements, facts: ContributorFacts) -> list[RuleResult]:
    results = []
    country = facts.country
    if requirements.countries_allowed:
        met = country in requirements.countries_allowed
        results.append(
            RuleResult(
                "countries_allowed",
                "Lives in one of the project's countries",
                met,
                country_name(country),
                _countries(requirements.countries_allowed),
                next_step=None
                if met
                else (
                    "Add your country to your profile."
                    if country is None
                    else "This project is open only to contributors in "
                    f"{_countries(requirements.countries_allowed)}."
                ),
                next_href=PROFILE if not met and country is None else None,
            )
        )
    if requirements.countries_denied:
        met = country is not None and country not in requirements.countries_denied
        results.append(
            RuleResult(
                "countries_denied",
                "Does not live in an excluded country",
                met,
                country_name(country),
                f"not {_countries(requirements.countries_denied)}",
                next_step=None
                if met
                else (
                    "Add your country to your profile."
                    if country is None
                    else f"This project is not open to contributors in {country_name(country)}."
                ),
                next_href=PROFILE if not met and country is None else None,
            )
        )
    return results


def _language(rule: LanguageRule, facts: ContributorFacts) -> RuleResult:
    name = language_name(rule.language)
    have = facts.languages.get(rule.language)
    met = have is not None and have.rank >= rule.minimum.rank
    return RuleResult(
        f"language:{rule.language}",
        f"Speaks {name} at least at {rule.minimum.value} level",
        met,
        have.value if have is not None else "not listed",
        f"{rule.minimum.value} or better",
        next_step=None
        if met
        else (
            f"Add {name} to your profile if you speak it at {rule.minimum.value} level or better."
            if have is None
            else f"This project needs {name} at {rule.minimum.value} level or better; update "
            "your profile if your level has changed."
        ),
        next_href=None if met else PROFILE,
    )


def _skill(rule: SkillRule, facts: ContributorFacts) -> RuleResult:
    level = facts.skills.get(rule.skill)
    met = level is not None and level >= rule.minimum
    progress = facts.skill_tests.get(rule.skill)
    step: str | None = None
    if not met:
        step = (
            progress.next_step
            if progress is not None
            else f"Reach level {rule.minimum} in {rule.skill}: a skill test measures it."
        )
    return RuleResult(
        f"skill:{rule.skill}",
        f"Skill {rule.skill} at level {rule.minimum} or higher",
        met,
        "not measured" if level is None else f"level {level}",
        f"level {rule.minimum} or higher",
        next_step=step,
        next_at=progress.next_at if progress is not None and not met else None,
        next_href=(progress.href if progress is not None else "/tests") if not met else None,
    )


def _test(test_id: int, facts: ContributorFacts, titles: Mapping[int, str]) -> RuleResult:
    progress = facts.tests.get(test_id)
    title = progress.title if progress is not None else titles.get(test_id, f"test {test_id}")
    met = test_id in facts.qualified_test_ids
    step: str | None = None
    if not met:
        step = progress.next_step if progress is not None else f"Pass “{title}”."
    return RuleResult(
        f"test:{test_id}",
        f"Passed “{title}”",
        met,
        "passed" if met else "not passed",
        "passed",
        next_step=step,
        next_at=progress.next_at if progress is not None and not met else None,
        next_href=(progress.href if progress is not None else "/tests") if not met else None,
    )


def _quality(minimum: float, facts: ContributorFacts) -> RuleResult:
    score = facts.quality_score
    met = score is None or score >= minimum
    return RuleResult(
        "min_quality_score",
        f"Quality score at least {minimum:g}",
        met,
        "not measured yet" if score is None else f"{score:g}",
        f"at least {minimum:g}",
        next_step=None
        if met
        else "Your quality score is below what this project asks; it rises with accurate "
        "answers on the projects you work on.",
    )


def _project_limit(limit: int, facts: ContributorFacts, project_id: int | None) -> RuleResult:
    others = facts.active_project_ids - ({project_id} if project_id is not None else set())
    met = project_id in facts.active_project_ids or len(others) < limit
    count = len(others)
    return RuleResult(
        "max_active_projects",
        f"Works on fewer than {limit} other project{'s' if limit != 1 else ''} at once",
        met,
        f"{count} other project{'s' if count != 1 else ''}",
        f"at most {limit - 1} other project{'s' if limit - 1 != 1 else ''}",
        next_step=None
        if met
        else f"Finish your tasks on one of your {count} current projects first: this project "
        f"takes contributors working on at most {limit - 1} other "
        f"project{'s' if limit - 1 != 1 else ''} at once.",
        next_href=None if met else "/work",
    )
