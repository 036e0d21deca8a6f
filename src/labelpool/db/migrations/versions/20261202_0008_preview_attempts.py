"""preview attempts: staff try a test without it counting

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CONSTRAINT = "ck_assessment_attempts_attempt_purpose"


def _allow(*purposes: str) -> None:
    values = ", ".join(f"'{p}'" for p in purposes)
    with op.batch_alter_table("assessment_attempts", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CONSTRAINT), type_="check")
        batch_op.create_check_constraint(op.f(CONSTRAINT), f"purpose IN ({values})")


def upgrade() -> None:
    _allow("qualify", "refresher", "preview")


def downgrade() -> None:
    op.execute("DELETE FROM assessment_attempts WHERE purpose = 'preview'")
    _allow("qualify", "refresher")
