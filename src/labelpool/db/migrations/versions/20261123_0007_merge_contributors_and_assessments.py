"""merge the contributors and guidelines/assessments branches

Revision ID: 0007
Revises: 0005, 0006
Create Date: 2026-11-23 18:20:00
"""

from collections.abc import Sequence

revision: str = "0007"
down_revision: str | Sequence[str] | None = ("0005", "0006")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
