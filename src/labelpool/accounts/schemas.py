"""API bodies for accounts."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from labelpool.accounts.roles import Role, Scope
from labelpool.web.schemas import InputModel, OutputModel


class OrganizationOut(OutputModel):
    id: int
    name: str
    slug: str
    role: Role | None = None


class UserOut(OutputModel):
    id: int
    email: str
    display_name: str
    role: Role
    is_active: bool
    created_at: datetime


class MeOut(UserOut):
    organizations: list[OrganizationOut]


class UserCreate(InputModel):
    email: str = Field(max_length=320, examples=["ana@example.org"])
    display_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1024)
    role: Role = Role.CONTRIBUTOR


class PasswordReset(InputModel):
    password: str | None = Field(
        default=None, max_length=1024, description="Leave out to generate a random one."
    )


class PasswordResetOut(OutputModel):
    user_id: int
    password: str = Field(description="Hand this to the user; it is not stored in plain text.")


class TokenCreate(InputModel):
    name: str = Field(min_length=1, max_length=100, examples=["import script"])
    scope: Scope = Field(
        default=Scope.WRITE,
        description="read: GET only; write: also changes; admin: also running the platform "
        "or an organization (what the user's role allows, never more).",
    )


class TokenOut(OutputModel):
    id: int
    name: str
    prefix: str
    scope: Scope
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret. Shown only in this response.")


class MemberOut(OutputModel):
    user_id: int
    display_name: str
    email: str
    role: Role
