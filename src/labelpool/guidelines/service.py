"""Guidelines logic: documents, versions and what changed, examples, questions and the FAQ.

Who may do what is `labelpool.policy.guidelines`: members of the owning organization with a
managing role (requester, admin) write; its members and admins read everything; contributors
read guidelines that are in use (attached to a published test, or followed by an active or
paused project) and ask questions on them. Other tenants get 404. Services never commit.

The logic lives in `access.py`, `documents.py`, `project_links.py`, `examples.py` and
`faq.py`; this module gathers it for callers.
"""

from __future__ import annotations

from labelpool.guidelines.access import (
    can_manage,
    guidelines_for_manager,
    guidelines_for_reader,
    list_guidelines,
)
from labelpool.guidelines.documents import (
    MAX_BODY,
    MAX_TEXT,
    PROJECT_TITLE_SUFFIX,
    Published,
    compare_versions,
    create_for_project,
    create_guidelines,
    get_version,
    list_versions,
    project_guidelines_title,
    publish_version,
    section_titles,
)
from labelpool.guidelines.examples import (
    add_example,
    delete_example,
    examples_by_section,
)
from labelpool.guidelines.faq import (
    answer_question,
    ask_question,
    faq,
    list_questions,
)
from labelpool.guidelines.project_links import (
    guidelines_of_project,
    link_project,
    linked_projects,
    unlink_project,
)

__all__ = [
    "MAX_BODY",
    "MAX_TEXT",
    "PROJECT_TITLE_SUFFIX",
    "Published",
    "add_example",
    "answer_question",
    "ask_question",
    "can_manage",
    "compare_versions",
    "create_for_project",
    "create_guidelines",
    "delete_example",
    "examples_by_section",
    "faq",
    "get_version",
    "guidelines_for_manager",
    "guidelines_for_reader",
    "guidelines_of_project",
    "link_project",
    "linked_projects",
    "list_guidelines",
    "list_questions",
    "list_versions",
    "project_guidelines_title",
    "publish_version",
    "section_titles",
    "unlink_project",
]
