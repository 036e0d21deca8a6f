"""Bringing a workforce over, the rows: a contributors CSV read and checked, with no database.

One row per contributor, with the columns `email`, `name`, `country` (ISO 3166-1 alpha-2),
`languages` (`en:native;fr:fluent`), `skills` (`grammar:80;audio:60`, levels 0-100; may be
empty), `devices` (`laptop:windows;phone`, a kind with an optional operating system, `other`
when none is given), `weekly_hours` (1-80) and `time_zone` (IANA, e.g. `Europe/Berlin`).
Optional: `primary_domain` (default `general`) and `experience` (default: a sentence saying the
account was imported), which a complete profile needs and a workforce export rarely has.

`read_rows` splits a file into records named by line, `parse_row` checks one of them and
`activation_problem` says why the review rules would refuse it. The e-mails against each other
and the database, and the writing, are in `bulk_import`.
"""

from __future__ import annotations

import csv
import re
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache

from labelpool.accounts.service import normalise_email
from labelpool.contributors.enums import (
    DOMAINS,
    OS_BY_DEVICE,
    CheckStatus,
    DeviceKind,
    OperatingSystem,
    Proficiency,
)
from labelpool.contributors.profiles import ProfileInput
from labelpool.contributors.reference import COUNTRIES, LANGUAGES
from labelpool.contributors.review import MIN_EXPERIENCE_CHARS, ProfileFacts, evaluate_rules
from labelpool.contributors.settings import ReviewSettings
from labelpool.errors import InvalidInput

REQUIRED_COLUMNS = ("email", "name", "country", "languages", "devices", "weekly_hours", "time_zone")
OPTIONAL_COLUMNS = ("skills", "primary_domain", "experience")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
DEFAULT_DOMAIN = "general"
DEFAULT_EXPERIENCE = "Brought over from an existing workforce by an administrator's import."
#: Same rule as skill keys set anywhere else (`assessments.authoring.KEY_PATTERN`).
SKILL_KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
MAX_HOURS = 80
_PROFICIENCIES = frozenset(p.value for p in Proficiency)
_DEVICE_KINDS = frozenset(k.value for k in DeviceKind)


@dataclass(frozen=True)
class ContributorRow:
    """One checked row: what the services are given."""

    line: int
    email: str
    name: str
    profile: ProfileInput
    skills: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class RowProblem:
    line: int
    problem: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.problem}"


@dataclass
class CheckedFile:
    """Every row of a file, checked: `rows` are the good ones, `problems` what is wrong."""

    rows: list[ContributorRow] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class BadRow(ValueError):
    """A row that cannot be imported; `problems` says everything wrong with it."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


# --- one row, no database -----------------------------------------------------------------


@cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _pairs(text: str) -> list[tuple[str, str | None]]:
    """`a:b;c` -> [("a", "b"), ("c", None)], lower-cased."""
    found: list[tuple[str, str | None]] = []
    for part in text.split(";"):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition(":")
        found.append((name.strip().lower(), value.strip().lower() if sep else None))
    return found


def _repeated(names: Iterable[str]) -> list[str]:
    return sorted(name for name, count in Counter(names).items() if count > 1)


def _languages(text: str, problems: list[str]) -> list[tuple[str, Proficiency]]:
    choices = ", ".join(p.value for p in Proficiency)
    languages: list[tuple[str, Proficiency]] = []
    pairs = _pairs(text)
    if not pairs:
        problems.append("languages is empty; give at least one, e.g. 'en:native'")
    for code, level in pairs:
        if code not in LANGUAGES:
            problems.append(f"language '{code}' is not an ISO 639-1 language code (e.g. en, de)")
        elif level is None or level not in _PROFICIENCIES:
            said = f"'{level}'" if level else "no proficiency"
            problems.append(f"language '{code}' has {said}; use one of {choices}")
        else:
            languages.append((code, Proficiency(level)))
    if repeated := _repeated(code for code, _ in pairs):
        problems.append(f"each language once; repeated: {', '.join(repeated)}")
    return languages


def _skills(text: str, problems: list[str]) -> list[tuple[str, int]]:
    skills: list[tuple[str, int]] = []
    pairs = _pairs(text)
    for key, level in pairs:
        if not SKILL_KEY_PATTERN.match(key):
            problems.append(
                f"skill '{key}' is not a skill key: lower-case letters, digits, '_', '-' or "
                "'.', starting with a letter (at most 64 characters)"
            )
        elif level is None or not level.isdigit() or not 0 <= int(level) <= 100:
            said = f"level '{level}'" if level else "no level"
            problems.append(f"skill '{key}' has {said}; use a whole number from 0 to 100")
        else:
            skills.append((key, int(level)))
    if repeated := _repeated(key for key, _ in pairs):
        problems.append(f"each skill once; repeated: {', '.join(repeated)}")
    return skills


def _devices(text: str, problems: list[str]) -> list[tuple[DeviceKind, OperatingSystem]]:
    kinds = ", ".join(k.value for k in DeviceKind)
    devices: list[tuple[DeviceKind, OperatingSystem]] = []
    pairs = _pairs(text)
    if not pairs:
        problems.append(f"devices is empty; give at least one of {kinds}")
    for kind_name, os_name in pairs:
        if kind_name not in _DEVICE_KINDS:
            problems.append(f"device '{kind_name}' is not a device kind; use one of {kinds}")
            continue
        kind = DeviceKind(kind_name)
        allowed = OS_BY_DEVICE[kind]
        os_value = os_name or OperatingSystem.OTHER.value
        if os_value not in {o.value for o in allowed}:
            problems.append(
                f"a {kind.value} does not run '{os_value}'; use one of "
                + ", ".join(o.value for o in allowed)
            )
            continue
        devices.append((kind, OperatingSystem(os_value)))
    if repeated := _repeated(f"{k.value}:{o.value}" for k, o in devices):
        problems.append(f"each device once; repeated: {', '.join(repeated)}")
    return devices


def parse_row(values: Mapping[str, str | None], line: int) -> ContributorRow:
    """Check one row (column name -> text) and build what the services take.

    Raises `BadRow` naming every problem of the row. Needs no database: an e-mail already in
    use is found by `check_file`.
    """
    problems: list[str] = []

    def text(column: str) -> str:
        return (values.get(column) or "").strip()

    for column in REQUIRED_COLUMNS:
        if not text(column):
            problems.append(f"{column} is empty")
    email = ""
    if raw_email := text("email"):
        try:
            email = normalise_email(raw_email)
        except InvalidInput:
            problems.append(f"e-mail '{raw_email}' is not an e-mail address")
    name = text("name")
    if len(name) > 200:
        problems.append(f"name is {len(name)} characters long; at most 200")
    country = text("country").upper()
    if country and country not in COUNTRIES:
        problems.append(f"country '{text('country')}' is not an ISO country code (e.g. DE, BR)")
    languages = _languages(text("languages"), problems) if text("languages") else []
    skills = _skills(text("skills"), problems)
    devices = _devices(text("devices"), problems) if text("devices") else []
    hours: int | None = None
    if raw_hours := text("weekly_hours"):
        if not raw_hours.isdigit():
            problems.append(f"weekly hours '{raw_hours}' is not a whole number")
        elif not 1 <= int(raw_hours) <= MAX_HOURS:
            problems.append(f"weekly hours {int(raw_hours)} is not from 1 to {MAX_HOURS}")
        else:
            hours = int(raw_hours)
    time_zone = text("time_zone")
    if time_zone and time_zone not in _time_zones():
        problems.append(f"time zone '{time_zone}' is not an IANA time zone (e.g. Europe/Berlin)")
    domain = text("primary_domain") or DEFAULT_DOMAIN
    if domain not in DOMAINS:
        problems.append(f"primary domain '{domain}' is not one of {', '.join(DOMAINS)}")
    experience = text("experience") or DEFAULT_EXPERIENCE
    if len(experience) < MIN_EXPERIENCE_CHARS:
        problems.append(
            f"experience is {len(experience)} characters long; at least {MIN_EXPERIENCE_CHARS}"
        )
    elif len(experience) > 5000:
        problems.append(f"experience is {len(experience)} characters long; at most 5000")
    if problems:
        raise BadRow(problems)
    return ContributorRow(
        line=line,
        email=email,
        name=name,
        profile=ProfileInput(
            country=country,
            languages=tuple(languages),
            primary_domain=domain,
            experience=experience,
            devices=tuple(devices),
            weekly_hours=hours,
            time_zone=time_zone,
        ),
        skills=tuple(skills),
    )


def profile_facts(row: ContributorRow) -> ProfileFacts:
    """The row's profile as the review rules read it."""
    data = row.profile
    return ProfileFacts(
        country=data.country,
        languages=tuple(data.languages),
        primary_domain=data.primary_domain,
        secondary_skills=tuple(data.secondary_skills),
        experience=data.experience,
        devices=tuple(data.devices),
        headphones=data.headphones,
        microphone=data.microphone,
        weekly_hours=data.weekly_hours,
        time_zone=data.time_zone,
    )


def activation_problem(row: ContributorRow, settings: ReviewSettings) -> str | None:
    """Why the review rules would not pass this contributor (so they cannot be activated)."""
    facts = profile_facts(row)
    failed = [
        f"{name.label.lower()}: {decision.reason}"
        for name, decision in evaluate_rules(facts, settings).items()
        if decision.status != CheckStatus.PASSED
    ]
    return f"cannot be activated ({'; '.join(failed)})" if failed else None


# --- the whole file -------------------------------------------------------------------------


def read_rows(lines: Iterable[str]) -> Iterator[tuple[int, dict[str, str | None]] | RowProblem]:
    """The file's records as (first line number, column -> text), or a problem with a record.

    The header is line 1; a quoted value may span lines, so a record is named by the line it
    starts on. Blank lines are skipped.
    """
    reader = csv.reader(lines)
    header = next(reader, None)
    if header is None:
        yield RowProblem(1, "the file is empty; the first line names the columns")
        return
    columns = [c.strip().lower() for c in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    unknown = [c for c in columns if c not in COLUMNS]
    if missing or unknown or len(set(columns)) != len(columns):
        said = []
        if missing:
            said.append("missing column(s) " + ", ".join(missing))
        if unknown:
            said.append("unknown column(s) " + ", ".join(f"'{c}'" for c in unknown))
        if len(set(columns)) != len(columns):
            said.append("a column is named twice")
        yield RowProblem(1, "; ".join(said) + f"; the columns are {', '.join(COLUMNS)}")
        return
    start = reader.line_num + 1
    for record in reader:
        line, start = start, reader.line_num + 1
        if not any(value.strip() for value in record):
            continue
        if len(record) > len(columns):
            yield RowProblem(
                line, f"{len(record)} values but the header names {len(columns)} columns"
            )
            continue
        yield line, dict(zip(columns, record, strict=False))
