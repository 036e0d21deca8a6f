"""All project templates by key, with lookup and JSON summaries for the API and CLI."""

from __future__ import annotations

import copy
import difflib
import re
from typing import Any

from labelpool.projects.templates import (
    audio,
    comparison,
    conversation,
    generation,
    image,
    rating,
    text,
    video,
)
from labelpool.projects.templates.model import ProjectTemplate, TaskFamily

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class UnknownTemplate(KeyError):
    """No template has this key. The message lists the closest keys."""

    def __init__(self, key: str, suggestions: list[str]) -> None:
        self.key = key
        self.suggestions = suggestions
        message = f"no project template '{key}'"
        if suggestions:
            message += f"; did you mean {', '.join(repr(s) for s in suggestions)}?"
        else:
            message += "; list the templates with `labelpool templates list`"
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return self.message


def _build() -> dict[str, ProjectTemplate]:
    templates: dict[str, ProjectTemplate] = {}
    for module in (image, video, audio, text, rating, comparison, conversation, generation):
        for template in module.TEMPLATES:
            if template.key in templates:
                raise ValueError(f"duplicate template key '{template.key}'")
            if not KEY_PATTERN.match(template.key):
                raise ValueError(f"template key '{template.key}' is not lower-kebab-case")
            templates[template.key] = template
    return templates


TEMPLATES: dict[str, ProjectTemplate] = _build()


def get_template(key: str) -> ProjectTemplate:
    """The template with this key; raises UnknownTemplate (a KeyError) naming close matches."""
    try:
        return TEMPLATES[key]
    except KeyError:
        normalised = key.strip().lower().replace("_", "-").replace(" ", "-")
        if normalised in TEMPLATES:
            suggestions = [normalised]
        else:
            suggestions = difflib.get_close_matches(normalised, TEMPLATES, n=3, cutoff=0.5)
        raise UnknownTemplate(key, suggestions) from None


def list_templates(family: TaskFamily | str | None = None) -> list[ProjectTemplate]:
    """All templates, grouped by family in catalog order; or those of one family.

    An unknown family name raises ValueError listing the valid ones.
    """
    if family is None:
        return list(TEMPLATES.values())
    try:
        wanted = TaskFamily(family)
    except ValueError:
        valid = ", ".join(f.value for f in TaskFamily)
        raise ValueError(f"unknown task family '{family}'; use one of: {valid}") from None
    return [t for t in TEMPLATES.values() if t.family == wanted]


def template_summary(template: ProjectTemplate) -> dict[str, Any]:
    """A JSON-ready description of a template for `GET /api/v1/templates` and the CLI."""
    return {
        "key": template.key,
        "title": template.title,
        "family": template.family.value,
        "description": template.description,
        "instructions": template.instructions,
        "data_fields": [f.model_dump(mode="json") for f in template.data_fields],
        "controls": copy.deepcopy(list(template.controls)),
        "guidelines": template.guidelines,
        "sample_items": copy.deepcopy(list(template.sample_items)),
        "sample_answer": copy.deepcopy(template.sample_answer),
    }
