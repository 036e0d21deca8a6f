"""Imported text is stored with LF line endings, whatever the file used."""

from __future__ import annotations

from labelpool.controls.fields import DataField, FieldKind
from labelpool.projects.importing.rows import CheckedRow, RowChecker
from labelpool.text import one_line_ending


def test_one_line_ending() -> None:
    assert one_line_ending("a\r\nb\rc\nd") == "a\nb\nc\nd"
    text = "unchanged\n"
    assert one_line_ending(text) is text


def test_imported_text_fields_get_lf_line_endings() -> None:
    checker = RowChecker(
        [
            DataField(name="text", kind=FieldKind.TEXT),
            DataField(name="note", kind=FieldKind.MARKDOWN),
        ]
    )
    row = checker.check(1, {"text": "Line one\r\nLine two", "note": "# A\r\rB"})
    assert isinstance(row, CheckedRow)
    assert row.data == {"text": "Line one\nLine two", "note": "# A\n\nB"}
    plain = checker.check(2, {"text": "one line", "note": "x"})
    assert isinstance(plain, CheckedRow) and plain.data == {"text": "one line", "note": "x"}
