"""The catalog of project templates: one-step, complete project set-ups per task type.

Each template declares its item data fields, label schema controls, guidelines, sample items
and a sample answer. Templates are pure data (no web or database imports).
"""

from labelpool.projects.templates.model import ProjectTemplate, TaskFamily
from labelpool.projects.templates.registry import (
    TEMPLATES,
    UnknownTemplate,
    get_template,
    list_templates,
    template_summary,
)

__all__ = [
    "TEMPLATES",
    "ProjectTemplate",
    "TaskFamily",
    "UnknownTemplate",
    "get_template",
    "list_templates",
    "template_summary",
]
