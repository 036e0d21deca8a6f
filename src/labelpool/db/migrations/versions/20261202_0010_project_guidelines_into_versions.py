"""project guidelines text into versioned guidelines

Every project with guidelines text and no versioned guidelines gets a guidelines document of
its organization ("<project name> guidelines", version 1 = that text, by the project's creator)
that it follows; then the `projects.guidelines` column goes. Downgrading adds the column back
and fills it with the current version of the guidelines each project follows (the documents
stay).

Plain SQL on lightweight tables: the app's ORM models change over time, this must not.
SQLite drops and adds the column in place (ALTER TABLE, SQLite 3.35+): recreating `projects`
with foreign keys on would cascade-delete its items.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 18:00:00
"""

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import labelpool.db.types

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TITLE_SUFFIX = " guidelines"
MAX_TITLE = 200
# The numbered headings of guidelines Markdown ("## 1. Task", "### 2.1 Edge cases"), as
# labelpool.guidelines.sections read them on 2026-12-02; copied so this stays fixed.
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(\d+(?:\.\d+)*)\.?[ \t]+(.*?)[ \t]*#*[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

_json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_time = labelpool.db.types.UTCDateTime()

projects = sa.table(
    "projects",
    sa.column("id", sa.Integer()),
    sa.column("organization_id", sa.Integer()),
    sa.column("name", sa.String()),
    sa.column("guidelines", sa.Text()),
    sa.column("created_by", sa.Integer()),
)
guidelines = sa.table(
    "guidelines",
    sa.column("id", sa.Integer()),
    sa.column("organization_id", sa.Integer()),
    sa.column("title", sa.String()),
    sa.column("current_version", sa.Integer()),
    sa.column("created_by", sa.Integer()),
    sa.column("created_at", _time),
    sa.column("updated_at", _time),
)
versions = sa.table(
    "guideline_versions",
    sa.column("guidelines_id", sa.Integer()),
    sa.column("number", sa.Integer()),
    sa.column("body", sa.Text()),
    sa.column("sections", _json),
    sa.column("changes", _json),
    sa.column("material", sa.Boolean()),
    sa.column("note", sa.Text()),
    sa.column("created_by", sa.Integer()),
    sa.column("created_at", _time),
)
links = sa.table(
    "project_guidelines",
    sa.column("project_id", sa.Integer()),
    sa.column("guidelines_id", sa.Integer()),
    sa.column("created_at", _time),
)


def _outline(body: str) -> list[dict[str, Any]]:
    """[{number, title, level}] of the numbered headings outside fenced code."""
    found: list[dict[str, Any]] = []
    fence: str | None = None
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        marker = FENCE.match(line)
        if marker:
            if fence is None:
                fence = marker.group(1)[0] * 3
            elif marker.group(1).startswith(fence):
                fence = None
        heading = HEADING.match(line) if fence is None else None
        if heading:
            number = ".".join(str(int(p)) for p in heading.group(2).split("."))
            found.append(
                {
                    "number": number,
                    "title": heading.group(3).strip(),
                    "level": number.count(".") + 1,
                }
            )
    return found


def upgrade() -> None:
    connection = op.get_bind()
    now = datetime.now(UTC)
    linked = sa.select(links.c.project_id)
    rows = connection.execute(
        sa.select(
            projects.c.id,
            projects.c.organization_id,
            projects.c.name,
            projects.c.guidelines,
            projects.c.created_by,
        )
        .where(projects.c.id.not_in(linked))
        .order_by(projects.c.id)
    ).all()
    for project_id, organization_id, name, text, created_by in rows:
        if not (text or "").strip():
            continue
        title = (name or "Project")[: MAX_TITLE - len(TITLE_SUFFIX)].rstrip() + TITLE_SUFFIX
        guidelines_id = connection.execute(
            guidelines.insert()
            .values(
                organization_id=organization_id,
                title=title,
                current_version=1,
                created_by=created_by,
                created_at=now,
                updated_at=now,
            )
            .returning(guidelines.c.id)
        ).scalar_one()
        sections = _outline(text)
        connection.execute(
            versions.insert().values(
                guidelines_id=guidelines_id,
                number=1,
                body=text,
                sections=sections,
                changes={"added": [s["number"] for s in sections], "removed": [], "changed": []},
                material=False,
                note="First version, from the project's guidelines text.",
                created_by=created_by,
                created_at=now,
            )
        )
        connection.execute(
            links.insert().values(
                project_id=project_id, guidelines_id=guidelines_id, created_at=now
            )
        )
    with op.batch_alter_table("projects", recreate="never") as batch_op:
        batch_op.drop_column("guidelines")


def downgrade() -> None:
    with op.batch_alter_table("projects", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("guidelines", sa.Text(), nullable=False, server_default=""))
    connection = op.get_bind()
    current = (
        sa.select(versions.c.body)
        .select_from(
            versions.join(guidelines, guidelines.c.id == versions.c.guidelines_id).join(
                links, links.c.guidelines_id == guidelines.c.id
            )
        )
        .where(
            links.c.project_id == projects.c.id,
            versions.c.number == guidelines.c.current_version,
        )
        .limit(1)
        .scalar_subquery()
    )
    connection.execute(
        projects.update()
        .where(projects.c.id.in_(sa.select(links.c.project_id)))
        .values(guidelines=sa.func.coalesce(current, ""))
    )
