"""API token scopes

Each API token gets a scope: read (GET only), write (changes), or admin (running the platform or
an organization). Tokens made before scopes existed could do everything their user could, so
they become admin: nobody's script stops working.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column(
                "scope",
                sa.Enum(
                    "read",
                    "write",
                    "admin",
                    name="token_scope",
                    native_enum=False,
                    create_constraint=True,
                    length=20,
                ),
                nullable=False,
                server_default="admin",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint(op.f("ck_api_tokens_token_scope"), type_="check")
        batch.drop_column("scope")
