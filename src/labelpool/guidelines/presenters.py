"""View shaping for the pages that show guidelines (the guidelines page, a project's
Guidelines tab)."""

from __future__ import annotations

from typing import Any

from labelpool.guidelines.models import Guidelines, GuidelinesVersion
from labelpool.guidelines.sections import parse_sections
from labelpool.web.markdown import markdown_html
from labelpool.web.render import when


def version_summary(guidelines: Guidelines, version: GuidelinesVersion) -> dict[str, Any]:
    """The guidelines and one version as the pages head them: {id, title, version, published,
    note, material, href}."""
    return {
        "id": guidelines.id,
        "title": guidelines.title,
        "version": version.number,
        "published": when(version.created_at),
        "note": version.note,
        "material": version.material,
        "href": f"/guidelines/{guidelines.id}",
    }


def outline_view(body: str) -> tuple[str, list[dict[str, Any]]]:
    """A guidelines body as the pages show it: the preamble's HTML and the numbered sections,
    their headings moved down to sit under the section headings."""
    outline = parse_sections(body)
    sections = [
        {
            "number": s.number,
            "title": s.title,
            "level": s.level,
            "html": markdown_html(s.body, shift=2),
        }
        for s in outline.sections
    ]
    return markdown_html(outline.preamble, shift=1), sections
