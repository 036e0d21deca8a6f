"""notification e-mail: delivery state per notification, an opt-out per user

Each notification remembers when its e-mail went out (`emailed_at`) or why it never will
(`email_error`: a permanent refusal, the user opted out, no address). Users get
`notify_by_email` (on for everyone, as before nothing was e-mailed at all). Listing a user's
notifications newest first walks `(user_id, id)`.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import labelpool.db.types

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.add_column(
            sa.Column("emailed_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("email_error", sa.String(length=500), nullable=True))
        batch_op.create_index("ix_notifications_user_id_id", ["user_id", "id"], unique=False)
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(
            sa.Column(
                "notify_by_email", sa.Boolean(), server_default=sa.text("true"), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("notify_by_email")
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_index("ix_notifications_user_id_id")
        batch_op.drop_column("email_error")
        batch_op.drop_column("emailed_at")
