"""Numbered sections of guidelines Markdown and the section-level diff (pure)."""

from __future__ import annotations

import pytest

from labelpool.guidelines.sections import (
    SectionError,
    affected,
    check_outline,
    diff_sections,
    normalise_number,
    parse_sections,
)
from tests.assessments.builders import GUIDELINES_V1


def test_headings_become_numbered_sections_with_titles_levels_and_bodies() -> None:
    outline = parse_sections(GUIDELINES_V1)
    assert [(s.number, s.title, s.level) for s in outline.sections] == [
        ("1", "Task", 1),
        ("2", "Labels", 1),
        ("2.1", "Positive and negative", 2),
        ("2.2", "Neutral", 2),
        ("3", "Edge cases", 1),
    ]
    assert outline.preamble == "# Sentiment guidelines\n\nRead the whole text first."
    neutral, labels, both = outline.get("2.2"), outline.get("2"), outline.get("2.1")
    assert neutral is not None and labels is not None and both is not None
    assert neutral.body == "Facts and questions without an attitude."
    assert labels.body == ""
    assert both.parent == "2"


def test_heading_forms_code_fences_and_unnumbered_headings() -> None:
    text = "\n".join(
        [
            "## 1 Intro",
            "### 01.02. Zero padded ###",
            "```",
            "## 9. Not a heading inside a fence",
            "```",
            "#### Unnumbered heading stays in the body",
            "####### 7. seven hashes is not a heading",
            "#2. no space is not a heading",
        ]
    )
    outline = parse_sections(text)
    assert [(s.number, s.title) for s in outline.sections] == [
        ("1", "Intro"),
        ("1.2", "Zero padded"),
    ]
    assert "## 9. Not a heading" in outline.sections[1].body
    assert "Unnumbered heading" in outline.sections[1].body


def test_outline_problems_are_reported() -> None:
    with pytest.raises(SectionError, match="no numbered sections"):
        check_outline(parse_sections("# Title only\n\nText."))
    with pytest.raises(SectionError, match="section 2 appears more than once"):
        check_outline(parse_sections("## 1. A\n## 2. B\n## 2. C\n"))
    assert normalise_number(" 2.01. ") == "2.1"
    with pytest.raises(ValueError, match="not a section number"):
        normalise_number("two")


def test_diff_lists_added_removed_changed_sections_and_a_unified_diff() -> None:
    new = (
        GUIDELINES_V1.replace("Likes or dislikes.", "Likes, praises or dislikes.").replace(
            "## 3. Edge cases\nSarcasm: label the meaning, not the words.\n", ""
        )
        + "\n## 4. Emojis\nEmojis count as opinion.\n"
    )
    # Re-wrapping a paragraph is not a change.
    new = new.replace(
        "Facts and questions without an attitude.", "Facts and questions\nwithout an attitude."
    )
    diff = diff_sections(GUIDELINES_V1, new, old_label="version 1", new_label="version 2")
    assert diff.changed == ["2.1"]
    assert diff.added == ["4"]
    assert diff.removed == ["3"]
    assert diff.sections == ["2.1", "4", "3"]
    assert diff.summary() == {"added": ["4"], "removed": ["3"], "changed": ["2.1"]}
    assert diff.text_diff.startswith("--- version 1\n+++ version 2\n")
    assert "-Likes or dislikes.\n+Likes, praises or dislikes.\n" in diff.text_diff
    assert not diff.preamble_changed
    renamed = diff_sections(GUIDELINES_V1, GUIDELINES_V1.replace("## 1. Task", "## 1. The task"))
    assert renamed.details[0].change == "changed"
    assert (renamed.details[0].title, renamed.details[0].old_title) == ("The task", "Task")
    assert diff_sections(GUIDELINES_V1, GUIDELINES_V1).is_empty


def test_a_question_is_affected_by_its_section_and_the_sections_nested_in_it() -> None:
    assert affected("2.1", ["2.1"])
    assert affected("2", ["2.1"])  # a question on "Labels" covers its subsections
    assert not affected("2.1", ["2"])  # the parent's own text is not the subsection
    assert not affected("2.1", ["2.10", "12.1"])
    assert not affected(None, ["1"])
