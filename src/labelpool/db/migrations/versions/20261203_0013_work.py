"""work: requirements, assignments, responses, reports, cursors

New tables for the work loop: a project's requirements (`project_requirements`), the items
leased to contributors (`assignments`), their answers (`responses`), reports of items that
cannot be labelled (`item_reports`) and how far each contributor has walked a project's items
(`work_cursors`). Items get their place in the pool (`taken`, `filled`, `withdrawn`, with a
partial index over the open ones); projects get their work settings. Every existing item
starts open and untaken: no assignment exists yet.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import labelpool.db.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "project_requirements",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column(
            "rules",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("updated_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_requirements_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_project_requirements_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_requirements")),
    )
    op.create_table(
        "work_cursors",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("after_item_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_work_cursors_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_work_cursors_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "user_id", name=op.f("pk_work_cursors")),
    )
    op.create_table(
        "assignments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "live",
                "submitted",
                "skipped",
                "expired",
                "released",
                name="assignment_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("is_gold", sa.Boolean(), nullable=False),
        sa.Column("expires_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("skip_reason", sa.String(length=500), nullable=True),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_assignments_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_assignments_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_assignments_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("item_id", "user_id", name=op.f("uq_assignments_item_id_user_id")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assignments_item_id"), ["item_id"], unique=False)
        batch_op.create_index(
            "ix_assignments_project_id_status_expires_at",
            ["project_id", "status", "expires_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_assignments_user_id_project_id_status",
            ["user_id", "project_id", "status"],
            unique=False,
        )

    op.create_table(
        "item_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "reason",
            sa.Enum(
                "broken_media",
                "offensive",
                "unclear",
                "other",
                name="report_reason",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["items.id"],
            name=op.f("fk_item_reports_item_id_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_item_reports_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_item_reports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_reports")),
        sa.UniqueConstraint("item_id", "user_id", name=op.f("uq_item_reports_item_id_user_id")),
    )
    with op.batch_alter_table("item_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_item_reports_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "responses",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "assignment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "answers",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("active_seconds", sa.Integer(), nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("counted", sa.Boolean(), nullable=False),
        sa.Column("is_gold", sa.Boolean(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=200), nullable=True),
        sa.Column("body_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["assignments.id"],
            name=op.f("fk_responses_assignment_id_assignments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_responses_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_responses_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_responses_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responses")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_responses_assignment_id")),
        sa.UniqueConstraint(
            "user_id", "idempotency_key", name=op.f("uq_responses_user_id_idempotency_key")
        ),
    )
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_responses_item_id"), ["item_id"], unique=False)
        batch_op.create_index("ix_responses_project_id_id", ["project_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_responses_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("taken", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(
            sa.Column("filled", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.add_column(
            sa.Column("withdrawn", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch_op.create_index(
            "ix_items_project_id_id_open",
            ["project_id", "id"],
            unique=False,
            sqlite_where=sa.text("filled = 0 AND withdrawn = 0"),
            postgresql_where=sa.text("NOT filled AND NOT withdrawn"),
        )

    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("max_lease_seconds", sa.Integer(), server_default="3600", nullable=False)
        )
        batch_op.add_column(
            sa.Column("gold_rate", sa.Integer(), server_default="10", nullable=False)
        )
        batch_op.add_column(
            sa.Column("max_live_per_contributor", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("max_responses_per_day", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("report_threshold", sa.Integer(), server_default="3", nullable=False)
        )
        batch_op.add_column(
            sa.Column("fair_share_factor", sa.Integer(), server_default="5", nullable=False)
        )
        batch_op.add_column(
            sa.Column("deadline", labelpool.db.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_column("deadline")
        batch_op.drop_column("fair_share_factor")
        batch_op.drop_column("report_threshold")
        batch_op.drop_column("max_responses_per_day")
        batch_op.drop_column("max_live_per_contributor")
        batch_op.drop_column("gold_rate")
        batch_op.drop_column("max_lease_seconds")

    with op.batch_alter_table("items", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_items_project_id_id_open",
            sqlite_where=sa.text("filled = 0 AND withdrawn = 0"),
            postgresql_where=sa.text("NOT filled AND NOT withdrawn"),
        )
        batch_op.drop_column("withdrawn")
        batch_op.drop_column("filled")
        batch_op.drop_column("taken")

    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responses_user_id"))
        batch_op.drop_index("ix_responses_project_id_id")
        batch_op.drop_index(batch_op.f("ix_responses_item_id"))

    op.drop_table("responses")
    with op.batch_alter_table("item_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_item_reports_project_id"))

    op.drop_table("item_reports")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_assignments_user_id_project_id_status")
        batch_op.drop_index("ix_assignments_project_id_status_expires_at")
        batch_op.drop_index(batch_op.f("ix_assignments_item_id"))

    op.drop_table("assignments")
    op.drop_table("work_cursors")
    op.drop_table("project_requirements")
