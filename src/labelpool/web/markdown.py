"""Markdown as safe HTML, shared by the guidelines pages and the project pages.

CommonMark with raw HTML turned off: anything a user typed as HTML (a <script>, an onclick
attribute) is shown escaped, and markdown-it refuses javascript:, vbscript: and data: links
(except a few image types), so the output is safe to insert into a page as is.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markupsafe import Markup


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown_html(text: str, *, shift: int = 0) -> Markup:
    """Markdown as HTML, headings moved `shift` levels down to sit under the page's own."""
    md = _markdown()
    tokens = md.parse(text or "")
    for token in tokens:
        if shift and token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1:]) + shift)}"
    return Markup(md.renderer.render(tokens, md.options, {}))  # html disabled above: safe
