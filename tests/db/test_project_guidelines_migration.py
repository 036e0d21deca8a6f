"""Migration 0010: a project's guidelines text becomes version 1 of versioned guidelines the
project follows, then the `projects.guidelines` column goes (and comes back on downgrade)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from labelpool.db.engine import make_engine
from labelpool.db.migrate import current_revision, downgrade, upgrade
from labelpool.guidelines.sections import parse_sections

GUIDE = """# Sentiment guidelines

Read the whole review first.

## 1. Task
Pick the sentiment.

```
## 9. Not a section (inside code)
```

### 1.1 Sarcasm
Label the meaning, not the words.

## 2. Labels
Positive, negative, neutral.
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def engine_at_0009(
    request: pytest.FixtureRequest, fresh_database_url: Callable[[str], str]
) -> Iterator[Engine]:
    engine = make_engine(fresh_database_url(request.param))
    upgrade(engine, "0009")
    yield engine
    engine.dispose()


def _insert(engine: Engine) -> dict[str, int]:
    """At 0009: a requester, an organization and four projects (raw SQL, as the rows were)."""
    with engine.begin() as connection:

        def one(sql: str, **values: Any) -> int:
            return int(connection.execute(text(sql + " RETURNING id"), values).scalar_one())

        org = one(
            "INSERT INTO organizations (name, slug, created_at) "
            "VALUES ('Acme', 'acme', CURRENT_TIMESTAMP)"
        )
        user = one(
            "INSERT INTO users (email, display_name, password_hash, role, is_active, created_at) "
            "VALUES ('req@acme.test', 'Req', 'x', 'requester', :yes, CURRENT_TIMESTAMP)",
            yes=True,
        )

        def project(name: str, guidelines: str, created_by: int | None) -> int:
            return one(
                "INSERT INTO projects (organization_id, name, description, template_key, "
                "task_family, instructions, guidelines, data_fields, label_schema, status, "
                "overlap, lease_seconds, item_count, gold_count, created_by, created_at, "
                "updated_at) VALUES (:org, :name, '', NULL, 'text', '', :guidelines, :fields, "
                ":schema, 'active', 3, 600, 1, 0, :by, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
                org=org,
                name=name,
                guidelines=guidelines,
                fields=json.dumps([{"name": "text", "kind": "text"}]),
                schema=json.dumps({"controls": []}),
                by=created_by,
            )

        ids = {
            "org": org,
            "user": user,
            "texted": project("Reviews", GUIDE, user),
            "anonymous": project("Tweets", "## 1. Task\nTag it.\n", None),
            "blank": project("Empty", "  \n", user),
            "linked": project("Linked", "Old text nobody reads.", user),
        }
        connection.execute(
            text(
                "INSERT INTO items (project_id, data, is_gold, created_at) "
                "VALUES (:p, :data, :no, CURRENT_TIMESTAMP)"
            ),
            {"p": ids["texted"], "data": json.dumps({"text": "Great!"}), "no": False},
        )
        existing = one(
            "INSERT INTO guidelines (organization_id, title, current_version, created_by, "
            "created_at, updated_at) VALUES (:org, 'House rules', 1, :by, CURRENT_TIMESTAMP, "
            "CURRENT_TIMESTAMP)",
            org=org,
            by=user,
        )
        connection.execute(
            text(
                "INSERT INTO guideline_versions (guidelines_id, number, body, sections, changes, "
                "material, note, created_by, created_at) VALUES (:g, 1, '## 1. Rules\nBe kind.', "
                ":sections, :changes, :no, '', :by, CURRENT_TIMESTAMP)"
            ),
            {
                "g": existing,
                "sections": json.dumps([{"number": "1", "title": "Rules", "level": 1}]),
                "changes": json.dumps({"added": ["1"], "removed": [], "changed": []}),
                "no": False,
                "by": user,
            },
        )
        connection.execute(
            text(
                "INSERT INTO project_guidelines (project_id, guidelines_id, created_at) "
                "VALUES (:p, :g, CURRENT_TIMESTAMP)"
            ),
            {"p": ids["linked"], "g": existing},
        )
        ids["existing"] = existing
    return ids


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def test_guidelines_text_moves_into_a_first_version(engine_at_0009: Engine) -> None:
    engine = engine_at_0009
    ids = _insert(engine)
    upgrade(engine, "0010")
    assert current_revision(engine) == "0010"
    assert "guidelines" not in {c["name"] for c in inspect(engine).get_columns("projects")}
    with engine.connect() as connection:
        links: dict[int, int] = dict(
            connection.execute(
                text("SELECT project_id, guidelines_id FROM project_guidelines")
            ).all()
        )
        assert set(links) == {ids["texted"], ids["anonymous"], ids["linked"]}
        assert links[ids["linked"]] == ids["existing"]  # already versioned: left alone
        documents = {
            row.id: row
            for row in connection.execute(
                text(
                    "SELECT id, organization_id, title, current_version, created_by FROM guidelines"
                )
            )
        }
        assert len(documents) == 3
        texted = documents[links[ids["texted"]]]
        assert (texted.organization_id, texted.title, texted.current_version) == (
            ids["org"],
            "Reviews guidelines",
            1,
        )
        assert texted.created_by == ids["user"]
        assert documents[links[ids["anonymous"]]].title == "Tweets guidelines"
        assert documents[links[ids["anonymous"]]].created_by is None
        version = connection.execute(
            text(
                "SELECT number, body, sections, changes, material, created_by "
                "FROM guideline_versions WHERE guidelines_id = :g"
            ),
            {"g": texted.id},
        ).one()
        assert (version.number, version.body, bool(version.material)) == (1, GUIDE, False)
        assert version.created_by == ids["user"]
        outline = parse_sections(GUIDE)
        assert _json(version.sections) == [
            {"number": s.number, "title": s.title, "level": s.level} for s in outline.sections
        ]
        assert [s["number"] for s in _json(version.sections)] == ["1", "1.1", "2"]
        assert _json(version.changes) == {"added": ["1", "1.1", "2"], "removed": [], "changed": []}
        # Dropping the column did not rebuild the table (SQLite would cascade to the items).
        assert connection.execute(text("SELECT count(*) FROM items")).scalar_one() == 1


def test_downgrade_brings_the_text_back_from_the_current_version(engine_at_0009: Engine) -> None:
    engine = engine_at_0009
    ids = _insert(engine)
    upgrade(engine, "0010")
    downgrade(engine, "0009")
    with engine.connect() as connection:
        texts: dict[int, str] = dict(
            connection.execute(text("SELECT id, guidelines FROM projects")).all()
        )
        assert connection.execute(text("SELECT count(*) FROM items")).scalar_one() == 1
    assert texts[ids["texted"]] == GUIDE
    assert texts[ids["anonymous"]] == "## 1. Task\nTag it.\n"
    assert texts[ids["linked"]] == "## 1. Rules\nBe kind."  # what the project followed
    assert texts[ids["blank"]] == ""
    upgrade(engine)  # and up again: nothing is copied twice
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM guidelines")).scalar_one() == 3
