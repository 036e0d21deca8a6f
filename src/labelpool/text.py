"""Text as labelpool stores it (pure)."""

from __future__ import annotations


def one_line_ending(text: str) -> str:
    """Browsers send form text with CRLF; files may use CR. Stored text uses LF only, so that
    versions compare line by line whatever they were typed in."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")
