"""A small world for tests/web/test_route_policy.py: organization A with its work, an outsider
organization B, and one user per kind of caller, each with an API token and a session.

Everything a route's path can point at belongs to organization A, or to the active contributor
(their attempt) or the applicant (their identity document, their review); the API token the
token routes name belongs to the requester. Built through the services, as the feature tests
build theirs.
"""

from __future__ import annotations

import io
import itertools
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, text
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.accounts.roles import Role, Scope
from labelpool.assessments import service as assessments
from labelpool.config import Settings
from labelpool.contributors import service as contributors
from labelpool.contributors.settings import ReviewSettings
from labelpool.db.models import Base
from labelpool.guidelines import service as guidelines_service
from labelpool.media import service as media
from labelpool.media.storage import MediaStorage
from labelpool.projects import service as projects
from labelpool.projects.importing.service import import_file
from labelpool.projects.models import ProjectStatus
from labelpool.work import claims
from tests.assessments.builders import make_guidelines, make_project, make_test
from tests.contributors.helpers import PNG, complete_input
from tests.factories import make_active_contributor, make_organization, make_user

# The callers, by the letter the route table uses for each, in the order they are tried.
CALLERS = {
    "N": "anonymous",
    "P": "applicant",  # platform role contributor, applied (under review), not active
    "C": "contributor",  # an active contributor
    "V": "reviewer",  # platform role reviewer, reviewer member of organization A
    "R": "requester",  # requester member of organization A
    "O": "outsider",  # requester member of organization B, nothing to do with A
    "A": "admin",  # platform admin, member of no organization
}
SECTION = "2.1"  # a section of the world's guidelines (tests.assessments.builders.GUIDELINES_V1)
SKILL_KEY = "grammar"
TEMPLATE_KEY = "text-sentiment"
_worlds = itertools.count(1)


@dataclass(frozen=True)
class Caller:
    letter: str
    user_id: int | None = None
    token: str = ""  # an API token of scope admin: all the user's role allows
    session: str = ""  # a session cookie value (accounts.start_session)

    @property
    def name(self) -> str:
        return CALLERS[self.letter]


@dataclass(frozen=True)
class World:
    callers: dict[str, Caller]
    # What the path parameters point at, by name (see test_route_policy.path_of).
    ids: dict[str, int] = field(default_factory=dict)
    spare_email: str = ""  # a user no caller is, to log in as (POST /login)
    media_query: str = ""  # the signed link to the media object (the signing key is per test)


def _items(db: Session, requester: User, project_id: int, folder: Path) -> tuple[int, int]:
    """Two items imported from a JSONL file: (the import run's id, the first item's id)."""
    project = projects.require_manager(db, requester, project_id)
    path = folder / "items.jsonl"
    rows = [{"text": "Great value."}, {"text": "It broke on day one."}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    run = import_file(db, requester, project, path)
    assert run.rows_imported == 2, run.message
    first = projects.list_items(db, project, limit=1)[0]
    return run.id, first.id


def _applicant(db: Session, storage: MediaStorage, review: ReviewSettings) -> tuple[User, int]:
    """A contributor who applied (under review) and uploaded an identity document."""
    applicant = make_user(db, role=Role.CONTRIBUTOR)
    contributors.update_profile(db, applicant, complete_input(), review)
    contributors.submit_application(db, applicant, review)
    document = contributors.upload_identity_document(
        db, applicant, io.BytesIO(PNG), "passport.png", storage, review
    )
    db.commit()
    assert not contributors.is_active(db, applicant.id)
    return applicant, document.id


def build_world(db: Session, storage: MediaStorage, folder: Path) -> World:
    """A new world (several can live in one database: each has its own organizations)."""
    n = next(_worlds)
    folder.mkdir(parents=True, exist_ok=True)
    review = ReviewSettings()
    org_a = make_organization(db, f"Acme {n}")
    org_b = make_organization(db, f"Beta {n}")
    requester = make_user(db, role=Role.REQUESTER, organization=org_a)
    reviewer = make_user(db, role=Role.REVIEWER, organization=org_a)
    outsider = make_user(db, role=Role.REQUESTER, organization=org_b)
    admin = make_user(db, role=Role.ADMIN)
    contributor = make_active_contributor(db)
    applicant, document_id = _applicant(db, storage, review)
    spare = make_user(db, role=Role.CONTRIBUTOR)

    # An active project with items, its import run, a prediction and a media object.
    project = make_project(db, requester, org_a)
    run_id, item_id = _items(db, requester, project.id, folder)
    projects.change_status(db, requester, project, ProjectStatus.ACTIVE)
    item = projects.get_item(db, project, item_id)
    projects.add_prediction(db, project, item, {"sentiment": "negative"}, model_version="m1")
    picture = media.store_media_bytes(db, storage, org_a.id, project.id, "a.png", PNG, requester)
    db.commit()

    # Guidelines the project follows, with an example and a contributor's question.
    guidelines = make_guidelines(db, requester, org_a, [project])
    example = guidelines_service.add_example(
        db,
        requester,
        guidelines,
        section=SECTION,
        data={"text": "Love it."},
        answer="positive",
        explanation="The author likes it.",
    )
    question = guidelines_service.ask_question(
        db, contributor, guidelines, section=SECTION, question="Is sarcasm negative?"
    )
    db.commit()

    # A published test with one question, and the active contributor's open attempt.
    test = make_test(db, requester, org_a, questions=1)
    test_question = assessments.list_questions(db, test)[0]
    attempt = assessments.start_attempt(db, contributor, test)
    assignment = claims.claim(db, contributor, project.id).assignment  # the contributor's lease
    _, token = accounts.create_api_token(db, requester, "the requester's", Scope.READ)
    db.commit()

    callers = {"N": Caller("N")}
    people = {
        "P": applicant,
        "C": contributor,
        "V": reviewer,
        "R": requester,
        "O": outsider,
        "A": admin,
    }
    for letter, user in people.items():
        secret, _ = accounts.create_api_token(db, user, "route policy", Scope.ADMIN)
        session = accounts.start_session(db, user)
        callers[letter] = Caller(letter, user.id, secret, session)
    db.commit()
    return World(
        callers,
        ids={
            "organization_id": org_a.id,
            "project_id": project.id,
            "run_id": run_id,
            "item_id": item_id,
            "media_id": picture.id,
            "guidelines_id": guidelines.id,
            "version": 1,
            "example_id": example.id,
            "guidelines_question_id": question.id,
            "test_id": test.id,
            "test_question_id": test_question.id,
            "question_number": 1,
            "attempt_id": attempt.id,
            "assignment_id": assignment.id,
            "applicant_id": applicant.id,
            "contributor_id": contributor.id,
            "document_id": document_id,
            "token_id": token.id,
        },
        spare_email=spare.email,
    )


# --- one world per database, copied into each test ---------------------------------------------
#
# Building the world through the services takes ~200 statements (1.5 s on PostgreSQL), and a
# test per route needs one each. So the first test of each database builds it and keeps its
# rows and media files; later tests (whose tables the `engine` fixture emptied) get a copy:
# one insert per table, the same ids, the same secrets.


@dataclass(frozen=True)
class _Snapshot:
    world: World
    rows: dict[str, list[dict[str, Any]]]
    files: dict[str, bytes]  # media storage, by path under the media folder


_SNAPSHOTS: dict[str, _Snapshot] = {}


def world_in(db: Session, settings: Settings, storage: MediaStorage) -> World:
    """The world in this test's (empty) database: built the first time, else copied."""
    engine = cast(Engine, db.get_bind())
    key = str(engine.url)
    snapshot = _SNAPSHOTS.get(key)
    if snapshot is None:
        world = build_world(db, storage, settings.resolved_data_dir / "route-world")
        snapshot = _SNAPSHOTS[key] = _snapshot(engine, settings.media_dir, world)
    else:
        _restore(engine, settings.media_dir, snapshot)
    signed = media.media_url(snapshot.world.ids["media_id"], settings.signing_key)
    return replace(snapshot.world, media_query=signed.partition("?")[2])


def fresh_world(db: Session, settings: Settings) -> None:
    """Put the world back as it was built (after a caller changed it)."""
    db.rollback()
    db.expunge_all()
    engine = cast(Engine, db.get_bind())
    _empty(engine)
    _restore(engine, settings.media_dir, _SNAPSHOTS[str(engine.url)])


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _snapshot(engine: Engine | Connection, media_dir: Path, world: World) -> _Snapshot:
    with cast(Engine, engine).connect() as conn:
        rows = {
            table.name: [dict(r._mapping) for r in conn.execute(table.select())]
            for table in _tables()
        }
    files = {
        str(path.relative_to(media_dir)): path.read_bytes()
        for path in media_dir.rglob("*")
        if path.is_file()
    }
    return _Snapshot(world, {name: found for name, found in rows.items() if found}, files)


def _restore(engine: Engine | Connection, media_dir: Path, snapshot: _Snapshot) -> None:
    with cast(Engine, engine).begin() as conn:
        for table in _tables():
            if rows := snapshot.rows.get(table.name):
                conn.execute(table.insert(), rows)
        if conn.dialect.name == "postgresql":  # explicit ids leave the sequences behind
            for table in _tables():
                if table.name in snapshot.rows and "id" in table.c:
                    conn.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f'(SELECT max(id) FROM "{table.name}"))'
                        )
                    )
    for name, content in snapshot.files.items():
        path = media_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def _empty(engine: Engine | Connection) -> None:
    tables = list(reversed(_tables()))
    with cast(Engine, engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())
