"""guidelines assessments

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import labelpool.db.types

revision: str = "0006"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "guidelines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("current_version", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_guidelines_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_guidelines_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guidelines")),
    )
    with op.batch_alter_table("guidelines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guidelines_organization_id"), ["organization_id"], unique=False
        )

    op.create_table(
        "assessment_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "skill",
                "qualification",
                name="test_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("skill_key", sa.String(length=64), nullable=True),
        sa.Column("qualification_key", sa.String(length=100), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("project_type", sa.String(length=64), nullable=True),
        sa.Column("guidelines_id", sa.Integer(), nullable=True),
        sa.Column(
            "mode",
            sa.Enum(
                "training",
                "exam",
                name="test_mode",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                "archived",
                name="test_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("pass_mark", sa.Integer(), nullable=False),
        sa.Column("time_limit_seconds", sa.Integer(), nullable=True),
        sa.Column("shuffle", sa.Boolean(), nullable=False),
        sa.Column("subset_size", sa.Integer(), nullable=True),
        sa.Column("cooldown_seconds", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_assessment_tests_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guidelines_id"],
            ["guidelines.id"],
            name=op.f("fk_assessment_tests_guidelines_id_guidelines"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_assessment_tests_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_assessment_tests_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_tests")),
    )
    with op.batch_alter_table("assessment_tests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_tests_guidelines_id"), ["guidelines_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_tests_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_tests_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_tests_qualification_key"), ["qualification_key"], unique=False
        )

    op.create_table(
        "guideline_examples",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guidelines_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "answer",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_guideline_examples_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guidelines_id"],
            ["guidelines.id"],
            name=op.f("fk_guideline_examples_guidelines_id_guidelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_examples")),
    )
    with op.batch_alter_table("guideline_examples", schema=None) as batch_op:
        batch_op.create_index(
            "ix_guideline_examples_guidelines_id_section",
            ["guidelines_id", "section"],
            unique=False,
        )

    op.create_table(
        "guideline_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guidelines_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("asked_by", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Integer(), nullable=True),
        sa.Column("answered_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answered_by"],
            ["users.id"],
            name=op.f("fk_guideline_questions_answered_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["asked_by"],
            ["users.id"],
            name=op.f("fk_guideline_questions_asked_by_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["guidelines_id"],
            ["guidelines.id"],
            name=op.f("fk_guideline_questions_guidelines_id_guidelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_questions")),
    )
    with op.batch_alter_table("guideline_questions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_guideline_questions_asked_by"), ["asked_by"], unique=False
        )
        batch_op.create_index(
            "ix_guideline_questions_guidelines_id_section",
            ["guidelines_id", "section"],
            unique=False,
        )

    op.create_table(
        "guideline_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guidelines_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "sections",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "changes",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("material", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_guideline_versions_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guidelines_id"],
            ["guidelines.id"],
            name=op.f("fk_guideline_versions_guidelines_id_guidelines"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_versions")),
        sa.UniqueConstraint(
            "guidelines_id", "number", name=op.f("uq_guideline_versions_guidelines_id_number")
        ),
    )
    op.create_table(
        "project_guidelines",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("guidelines_id", sa.Integer(), nullable=False),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["guidelines_id"],
            ["guidelines.id"],
            name=op.f("fk_project_guidelines_guidelines_id_guidelines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_project_guidelines_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", name=op.f("pk_project_guidelines")),
    )
    with op.batch_alter_table("project_guidelines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_project_guidelines_guidelines_id"), ["guidelines_id"], unique=False
        )

    op.create_table(
        "assessment_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "qualify",
                "refresher",
                name="attempt_purpose",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "in_progress",
                "submitted",
                "expired",
                name="attempt_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("seed", sa.Integer(), nullable=False),
        sa.Column(
            "question_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("started_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column(
            "result",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["assessment_tests.id"],
            name=op.f("fk_assessment_attempts_test_id_assessment_tests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assessment_attempts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_attempts")),
    )
    with op.batch_alter_table("assessment_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_attempts_status_deadline_at", ["status", "deadline_at"], unique=False
        )
        batch_op.create_index(
            "ix_assessment_attempts_user_id_test_id", ["user_id", "test_id"], unique=False
        )
        batch_op.create_index(
            "uq_assessment_attempts_one_open",
            ["user_id", "test_id"],
            unique=True,
            sqlite_where=sa.text("status = 'in_progress'"),
            postgresql_where=sa.text("status = 'in_progress'"),
        )

    op.create_table(
        "assessment_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "control",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "gold",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("guideline_section", sa.String(length=20), nullable=True),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["assessment_tests.id"],
            name=op.f("fk_assessment_questions_test_id_assessment_tests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_questions")),
    )
    with op.batch_alter_table("assessment_questions", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assessment_questions_test_id_position", ["test_id", "position"], unique=False
        )

    op.create_table(
        "assessment_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column(
            "answer",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("answered_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["assessment_attempts.id"],
            name=op.f("fk_assessment_answers_attempt_id_assessment_attempts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["assessment_questions.id"],
            name=op.f("fk_assessment_answers_question_id_assessment_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_answers")),
        sa.UniqueConstraint(
            "attempt_id", "question_id", name=op.f("uq_assessment_answers_attempt_id_question_id")
        ),
    )
    with op.batch_alter_table("assessment_answers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_answers_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "contributor_skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("skill_key", sa.String(length=64), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_attempt_id", sa.Integer(), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_attempt_id"],
            ["assessment_attempts.id"],
            name=op.f("fk_contributor_skills_source_attempt_id_assessment_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["users.id"],
            name=op.f("fk_contributor_skills_updated_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_contributor_skills_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributor_skills")),
        sa.UniqueConstraint(
            "user_id", "skill_key", name=op.f("uq_contributor_skills_user_id_skill_key")
        ),
    )
    with op.batch_alter_table("contributor_skills", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contributor_skills_skill_key"), ["skill_key"], unique=False
        )

    op.create_table(
        "qualifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("granted_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["assessment_attempts.id"],
            name=op.f("fk_qualifications_attempt_id_assessment_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["assessment_tests.id"],
            name=op.f("fk_qualifications_test_id_assessment_tests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_qualifications_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_qualifications")),
        sa.UniqueConstraint("user_id", "test_id", name=op.f("uq_qualifications_user_id_test_id")),
    )
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_qualifications_key"), ["key"], unique=False)
        batch_op.create_index(batch_op.f("ix_qualifications_test_id"), ["test_id"], unique=False)

    op.create_table(
        "required_refreshers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("test_id", sa.Integer(), nullable=False),
        sa.Column("guidelines_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column(
            "sections",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "question_ids",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cleared_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cleared_by_attempt_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cleared_by_attempt_id"],
            ["assessment_attempts.id"],
            name=op.f("fk_required_refreshers_cleared_by_attempt_id_assessment_attempts"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["guidelines_id"],
            ["guidelines.id"],
            name=op.f("fk_required_refreshers_guidelines_id_guidelines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["projects.id"],
            name=op.f("fk_required_refreshers_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["test_id"],
            ["assessment_tests.id"],
            name=op.f("fk_required_refreshers_test_id_assessment_tests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_required_refreshers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_required_refreshers")),
    )
    with op.batch_alter_table("required_refreshers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_required_refreshers_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_required_refreshers_user_id"), ["user_id"], unique=False
        )
        batch_op.create_index(
            "uq_required_refreshers_open",
            ["user_id", "project_id", "test_id"],
            unique=True,
            sqlite_where=sa.text("cleared_at IS NULL"),
            postgresql_where=sa.text("cleared_at IS NULL"),
        )


def downgrade() -> None:
    with op.batch_alter_table("required_refreshers", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_required_refreshers_open",
            sqlite_where=sa.text("cleared_at IS NULL"),
            postgresql_where=sa.text("cleared_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_required_refreshers_user_id"))
        batch_op.drop_index(batch_op.f("ix_required_refreshers_project_id"))

    op.drop_table("required_refreshers")
    with op.batch_alter_table("qualifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_qualifications_test_id"))
        batch_op.drop_index(batch_op.f("ix_qualifications_key"))

    op.drop_table("qualifications")
    with op.batch_alter_table("contributor_skills", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contributor_skills_skill_key"))

    op.drop_table("contributor_skills")
    with op.batch_alter_table("assessment_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_answers_question_id"))

    op.drop_table("assessment_answers")
    with op.batch_alter_table("assessment_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_questions_test_id_position")

    op.drop_table("assessment_questions")
    with op.batch_alter_table("assessment_attempts", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assessment_attempts_one_open",
            sqlite_where=sa.text("status = 'in_progress'"),
            postgresql_where=sa.text("status = 'in_progress'"),
        )
        batch_op.drop_index("ix_assessment_attempts_user_id_test_id")
        batch_op.drop_index("ix_assessment_attempts_status_deadline_at")

    op.drop_table("assessment_attempts")
    with op.batch_alter_table("project_guidelines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_project_guidelines_guidelines_id"))

    op.drop_table("project_guidelines")
    op.drop_table("guideline_versions")
    with op.batch_alter_table("guideline_questions", schema=None) as batch_op:
        batch_op.drop_index("ix_guideline_questions_guidelines_id_section")
        batch_op.drop_index(batch_op.f("ix_guideline_questions_asked_by"))

    op.drop_table("guideline_questions")
    with op.batch_alter_table("guideline_examples", schema=None) as batch_op:
        batch_op.drop_index("ix_guideline_examples_guidelines_id_section")

    op.drop_table("guideline_examples")
    with op.batch_alter_table("assessment_tests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessment_tests_qualification_key"))
        batch_op.drop_index(batch_op.f("ix_assessment_tests_project_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_tests_organization_id"))
        batch_op.drop_index(batch_op.f("ix_assessment_tests_guidelines_id"))

    op.drop_table("assessment_tests")
    with op.batch_alter_table("guidelines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guidelines_organization_id"))

    op.drop_table("guidelines")
