"""contributors: profiles, languages, devices, review checks, account states, identity documents

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import labelpool.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = ("applied", "under_review", "active", "suspended")


def _json() -> sa.types.TypeEngine[object]:
    return sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade() -> None:
    op.create_table(
        "contributor_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("state", _enum("contributor_state", *STATES), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("primary_domain", sa.String(length=50), nullable=True),
        sa.Column("secondary_skills", _json(), nullable=False),
        sa.Column("experience", sa.Text(), nullable=False),
        sa.Column("headphones", sa.Boolean(), nullable=False),
        sa.Column("microphone", sa.Boolean(), nullable=False),
        sa.Column("weekly_hours", sa.Integer(), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_contributor_profiles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributor_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_contributor_profiles_user_id")),
    )
    with op.batch_alter_table("contributor_profiles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contributor_profiles_country"), ["country"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contributor_profiles_state"), ["state"], unique=False)

    op.create_table(
        "contributor_languages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column(
            "proficiency",
            _enum("proficiency", "native", "fluent", "advanced", "intermediate", "basic"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["contributor_profiles.id"],
            name=op.f("fk_contributor_languages_profile_id_contributor_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributor_languages")),
        sa.UniqueConstraint(
            "profile_id", "language", name=op.f("uq_contributor_languages_profile_id_language")
        ),
    )
    with op.batch_alter_table("contributor_languages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contributor_languages_language"), ["language"], unique=False
        )

    op.create_table(
        "contributor_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind", _enum("device_kind", "desktop", "laptop", "phone", "tablet"), nullable=False
        ),
        sa.Column(
            "os",
            _enum(
                "operating_system",
                "windows",
                "macos",
                "linux",
                "chromeos",
                "android",
                "ios",
                "ipados",
                "other",
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["contributor_profiles.id"],
            name=op.f("fk_contributor_devices_profile_id_contributor_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributor_devices")),
        sa.UniqueConstraint(
            "profile_id", "kind", "os", name=op.f("uq_contributor_devices_profile_id_kind_os")
        ),
    )

    op.create_table(
        "verification_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "name",
            _enum(
                "check_name",
                "identity_verified",
                "profile_complete",
                "language_verified",
                "device_eligible",
                "location_eligible",
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            _enum("check_status", "pending", "passed", "failed", "needs_review"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_verification_checks_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_verification_checks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification_checks")),
        sa.UniqueConstraint("user_id", "name", name=op.f("uq_verification_checks_user_id_name")),
    )
    with op.batch_alter_table("verification_checks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_verification_checks_status_user_id", ["status", "user_id"], unique=False
        )

    op.create_table(
        "account_state_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("from_state", _enum("from_state", *STATES), nullable=True),
        sa.Column("to_state", _enum("to_state", *STATES), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", _json(), nullable=False),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_account_state_changes_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_state_changes_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_state_changes")),
    )
    with op.batch_alter_table("account_state_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_account_state_changes_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "identity_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=300), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("decided_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("delete_after", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_identity_documents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_documents")),
    )
    with op.batch_alter_table("identity_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_identity_documents_delete_after"), ["delete_after"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_identity_documents_user_id"), ["user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("identity_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_identity_documents_user_id"))
        batch_op.drop_index(batch_op.f("ix_identity_documents_delete_after"))
    op.drop_table("identity_documents")
    with op.batch_alter_table("account_state_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_account_state_changes_user_id"))
    op.drop_table("account_state_changes")
    with op.batch_alter_table("verification_checks", schema=None) as batch_op:
        batch_op.drop_index("ix_verification_checks_status_user_id")
    op.drop_table("verification_checks")
    op.drop_table("contributor_devices")
    with op.batch_alter_table("contributor_languages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributor_languages_language"))
    op.drop_table("contributor_languages")
    with op.batch_alter_table("contributor_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributor_profiles_state"))
        batch_op.drop_index(batch_op.f("ix_contributor_profiles_country"))
    op.drop_table("contributor_profiles")
