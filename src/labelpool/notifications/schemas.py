"""Notification API bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Self

from pydantic import Field, model_validator

from labelpool.web.schemas import MAX_ID, InputModel, OutputModel

NotificationId = Annotated[int, Field(ge=1, le=MAX_ID)]


class NotificationOut(OutputModel):
    id: int
    kind: str = Field(description="What it is about, e.g. test.result, work.new_project.")
    title: str
    body: str
    link: str | None = Field(description="Where to act on it (a path of this site).")
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None = Field(description="When its e-mail was sent, if it was.")


class NotificationPage(OutputModel):
    notifications: list[NotificationOut] = Field(description="Newest first.")
    unread_count: int = Field(description="All your unread notifications, not only this page.")
    email: bool = Field(description="Whether your notifications are also e-mailed to you.")
    next_before: int | None = Field(
        description="Pass as `before` for the next (older) page; null at the end."
    )


class MarkRead(InputModel):
    ids: list[NotificationId] | None = Field(
        default=None, max_length=500, description="Mark these read (all yours)."
    )
    all: bool = Field(default=False, description="Mark every notification of yours read.")

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.ids is None) == (not self.all):
            raise ValueError('send either "ids": [...] or "all": true')
        return self


class MarkedRead(OutputModel):
    marked: int = Field(description="How many were unread and are now read.")
    unread_count: int


class EmailPreference(InputModel):
    email: bool = Field(description="E-mail your notifications to you (when the server sends).")
