"""Text as labelpool stores it (pure)."""

from __future__ import annotations


def one_line_ending(text: str) -> str:
    """Browsers send form text with CRLF; files may use CR. Stored text uses LF only, so that
    versions compare line by line whatever they were typed in."""
    if "\r" not in text:
        return text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """A count with its noun: plural(1, "item") is '1 item', plural(1200, "item") '1,200 items'.

    Templates use it as a filter: {{ n|plural("question") }}; irregular nouns pass their
    plural: plural(2, "box", "boxes").
    """
    noun = singular if count == 1 else (plural_form or f"{singular}s")
    return f"{count:,} {noun}"
