"""JSON API for drafts: the labeling page saves the answers so far, and reads them back."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import Field

from labelpool.web.deps import CurrentUser, DbSession
from labelpool.web.schemas import InputModel, OutputModel, ResourceId
from labelpool.work import drafts

router = APIRouter(tags=["work"])


class DraftIn(InputModel):
    answers: dict[str, Any] = Field(description="The answers so far, by control name.")


class DraftOut(OutputModel):
    assignment_id: int
    answers: dict[str, Any] | None = Field(description="None when nothing was saved yet.")
    saved_at: datetime | None
    pre_annotations: dict[str, Any] | None = Field(
        default=None,
        description="Until a draft is saved: the item's newest pre-annotation (a model's "
        "answers by control name) to start from; None when there is none.",
    )


@router.get("/assignments/{assignment_id}/draft", response_model=DraftOut)
def get_draft(assignment_id: ResourceId, user: CurrentUser, db: DbSession) -> DraftOut:
    """Your draft of a live (or lapsed, still answerable) assignment; 409 once it is closed.
    Until one is saved, the item's pre-annotations (if any) to start from."""
    found = drafts.get_draft(db, user, assignment_id)
    if found.draft is None:
        return DraftOut(
            assignment_id=assignment_id,
            answers=None,
            saved_at=None,
            pre_annotations=found.pre_annotations,
        )
    draft = found.draft
    return DraftOut(assignment_id=assignment_id, answers=draft.answers, saved_at=draft.saved_at)


@router.put("/assignments/{assignment_id}/draft", response_model=DraftOut)
def save_draft(
    assignment_id: ResourceId, body: DraftIn, user: CurrentUser, db: DbSession
) -> DraftOut:
    """Save your answers so far (not checked: a draft may be half done); the last save wins."""
    saved = drafts.save_draft(db, user, assignment_id, body.answers)
    return DraftOut(assignment_id=assignment_id, answers=saved.answers, saved_at=saved.saved_at)
