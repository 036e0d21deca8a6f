"""import progress: uploads are imported by a job, which records how far it got

`import_runs.status` may be 'queued' (uploaded, waiting for the job); new columns say where a
running import is (`stage`: checking or writing, `bytes_read` of `bytes_total`), what it
stored so far (`gold_imported`, `written_through`: the last row of the file whose items are
committed), how often its job started (`attempts`), the stored upload (`upload_name`) and when
the job began (`started_at`). Existing runs are finished: the defaults describe them.

SQLite recreates `import_runs` to change its CHECK constraint; nothing points at it with a
foreign key (items keep `import_run_id` without one), so nothing cascades.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import labelpool.db.types

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = "ck_import_runs_import_status"
STAGE = "ck_import_runs_import_stage"


def _allow(*statuses: str) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def upgrade() -> None:
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(STATUS), type_="check")
        batch_op.create_check_constraint(
            op.f(STATUS), _allow("queued", "running", "succeeded", "failed")
        )
        batch_op.add_column(sa.Column("stage", sa.String(length=20), nullable=True))
        batch_op.create_check_constraint(op.f(STAGE), "stage IN ('checking', 'writing')")
        for name in ("bytes_read", "gold_imported", "written_through"):
            batch_op.add_column(
                sa.Column(name, sa.BigInteger(), nullable=False, server_default="0")
            )
        batch_op.add_column(sa.Column("bytes_total", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("upload_name", sa.String(length=255), nullable=True))
        batch_op.add_column(
            sa.Column("started_at", labelpool.db.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    # A queued or running import cannot be expressed before this revision: it failed.
    op.execute(
        "UPDATE import_runs SET status = 'failed', message = 'Stopped by a downgrade.' "
        "WHERE status IN ('queued', 'running')"
    )
    with op.batch_alter_table("import_runs", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(STAGE), type_="check")
        for name in (
            "started_at",
            "upload_name",
            "attempts",
            "bytes_total",
            "written_through",
            "gold_imported",
            "bytes_read",
            "stage",
        ):
            batch_op.drop_column(name)
        batch_op.drop_constraint(op.f(STATUS), type_="check")
        batch_op.create_check_constraint(op.f(STATUS), _allow("running", "succeeded", "failed"))
