"""Numbered sections of guidelines Markdown, and what changed between two versions (pure).

A section starts at a heading whose text begins with a number: ``## 1. Task`` is section "1"
titled "Task", ``### 2.1 Edge cases`` is section "2.1". Its body runs to the next numbered
heading (headings without a number, e.g. the document title, stay inside the body they are
in). Headings inside fenced code blocks are ignored. Text before the first numbered heading
is the preamble. A section's *level* is the count of its number parts ("2.1" → 2).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(\d+(?:\.\d+)*)\.?[ \t]+(.*?)[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
SECTION_NUMBER = re.compile(r"^\d+(?:\.\d+)*$")


class SectionError(ValueError):
    """The document's numbered sections are not usable; `problems` has one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    level: int
    body: str

    @property
    def parent(self) -> str | None:
        """The enclosing section's number ("2" for "2.1"), None at the top level."""
        return self.number.rsplit(".", 1)[0] if "." in self.number else None

    def covers(self, number: str) -> bool:
        """True for this section and every section nested in it."""
        return number == self.number or number.startswith(self.number + ".")


@dataclass(frozen=True)
class Outline:
    preamble: str
    sections: tuple[Section, ...]

    @property
    def numbers(self) -> list[str]:
        return [s.number for s in self.sections]

    def get(self, number: str) -> Section | None:
        for section in self.sections:
            if section.number == number:
                return section
        return None


def normalise_number(value: str) -> str:
    """ "2.1." and " 2.1 " → "2.1"; raise ValueError when it is not a section number."""
    text = value.strip().rstrip(".")
    if not SECTION_NUMBER.match(text):
        raise ValueError(f"'{value}' is not a section number; use the form 2 or 2.1")
    return ".".join(str(int(part)) for part in text.split("."))


def _clean(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def parse_sections(markdown: str) -> Outline:
    """Split Markdown into its preamble and numbered sections, in document order."""
    preamble: list[str] = []
    found: list[tuple[str, str, list[str]]] = []
    fence: str | None = None
    for line in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        fence_match = FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            if fence is None:
                fence = marker[0] * 3
            elif marker.startswith(fence):
                fence = None
        heading = HEADING.match(line) if fence is None else None
        if heading:
            number = ".".join(str(int(p)) for p in heading.group(2).split("."))
            found.append((number, heading.group(3).strip(), []))
            continue
        (found[-1][2] if found else preamble).append(line)
    sections = tuple(
        Section(number=n, title=t, level=n.count(".") + 1, body=_clean(body))
        for n, t, body in found
    )
    return Outline(preamble=_clean(preamble), sections=sections)


def check_outline(outline: Outline) -> None:
    """Raise SectionError when there are no numbered sections or a number repeats."""
    problems: list[str] = []
    if not outline.sections:
        problems.append(
            "the guidelines have no numbered sections; start sections with headings like "
            "'## 1. Task' and '### 2.1 Edge cases'"
        )
    seen: set[str] = set()
    for section in outline.sections:
        if section.number in seen:
            problems.append(f"section {section.number} appears more than once")
        seen.add(section.number)
    if problems:
        raise SectionError(problems)


@dataclass(frozen=True)
class SectionChange:
    number: str
    change: str  # "added" | "removed" | "changed"
    title: str
    old_title: str | None = None


@dataclass(frozen=True)
class GuidelinesDiff:
    """What changed between two versions: per section, plus a unified text diff."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    details: list[SectionChange] = field(default_factory=list)
    preamble_changed: bool = False
    text_diff: str = ""

    @property
    def sections(self) -> list[str]:
        """Every added, removed or changed section number, in document order of the details."""
        return [d.number for d in self.details]

    @property
    def is_empty(self) -> bool:
        return not self.details and not self.preamble_changed and not self.text_diff

    def summary(self) -> dict[str, list[str]]:
        return {"added": self.added, "removed": self.removed, "changed": self.changed}


def _same(a: Section, b: Section) -> bool:
    return a.title == b.title and a.body.split() == b.body.split()


def diff_sections(
    old: str, new: str, *, old_label: str = "before", new_label: str = "after"
) -> GuidelinesDiff:
    """Compare two Markdown texts section by section (matched by number).

    A section is *changed* when its title or the words of its body differ (re-wrapping lines
    is not a change). The text diff is `difflib.unified_diff` of the whole documents.
    """
    before, after = parse_sections(old), parse_sections(new)
    old_by = {s.number: s for s in before.sections}
    new_by = {s.number: s for s in after.sections}
    details: list[SectionChange] = []
    for section in after.sections:
        previous = old_by.get(section.number)
        if previous is None:
            details.append(SectionChange(section.number, "added", section.title))
        elif not _same(previous, section):
            details.append(SectionChange(section.number, "changed", section.title, previous.title))
    for section in before.sections:
        if section.number not in new_by:
            details.append(SectionChange(section.number, "removed", section.title))
    text = "".join(
        difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=old_label,
            tofile=new_label,
        )
    )
    if text and not text.endswith("\n"):
        text += "\n"
    return GuidelinesDiff(
        added=[d.number for d in details if d.change == "added"],
        removed=[d.number for d in details if d.change == "removed"],
        changed=[d.number for d in details if d.change == "changed"],
        details=details,
        preamble_changed=before.preamble.split() != after.preamble.split(),
        text_diff=text,
    )


def affected(question_section: str | None, changed: list[str]) -> bool:
    """Is a question linked to `question_section` touched by a change to `changed` sections?

    Yes when its own section changed, or a section nested in it (a question on "2" covers
    "2.1"); a change to a parent's own text does not touch its subsections' questions.
    """
    if not question_section:
        return False
    return any(c == question_section or c.startswith(question_section + ".") for c in changed)
