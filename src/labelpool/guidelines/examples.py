"""Worked examples attached to a section of the guidelines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import User
from labelpool.errors import InvalidInput, NotFound, PermissionDenied
from labelpool.guidelines.access import can_manage
from labelpool.guidelines.documents import MAX_TEXT, _checked_section
from labelpool.guidelines.models import GuidelineExample, Guidelines


def add_example(
    db: Session,
    actor: User,
    guidelines: Guidelines,
    *,
    section: str,
    data: Mapping[str, Any],
    answer: Any,
    explanation: str,
) -> GuidelineExample:
    if not can_manage(db, actor, guidelines):
        raise PermissionDenied("Only the organization's requesters and admins add examples.")
    number = _checked_section(db, guidelines, section)
    if not isinstance(data, Mapping) or not data:
        raise InvalidInput(
            "The example's item data should be an object with at least one field.",
            details={"field": "data"},
        )
    explanation = explanation.strip()
    if not explanation or len(explanation) > MAX_TEXT:
        raise InvalidInput(
            "Explain the example's answer (1 to 5,000 characters).",
            details={"field": "explanation"},
        )
    example = GuidelineExample(
        guidelines_id=guidelines.id,
        section=number,
        data=dict(data),
        answer=answer,
        explanation=explanation,
        created_by=actor.id,
    )
    db.add(example)
    db.flush()
    return example


def delete_example(db: Session, actor: User, guidelines: Guidelines, example_id: int) -> None:
    if not can_manage(db, actor, guidelines):
        raise PermissionDenied("Only the organization's requesters and admins remove examples.")
    example = db.get(GuidelineExample, example_id)
    if example is None or example.guidelines_id != guidelines.id:
        raise NotFound(f"No example with id {example_id} in these guidelines.")
    db.delete(example)
    db.flush()


def examples_by_section(db: Session, guidelines: Guidelines) -> dict[str, list[GuidelineExample]]:
    grouped: dict[str, list[GuidelineExample]] = {}
    for example in db.scalars(
        select(GuidelineExample)
        .where(GuidelineExample.guidelines_id == guidelines.id)
        .order_by(GuidelineExample.id)
    ):
        grouped.setdefault(example.section, []).append(example)
    return grouped
