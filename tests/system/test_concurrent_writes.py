"""Many clients writing at once get a success, a 4xx, or a wait: never a 5xx.

Each test starts the app behind a real uvicorn server and sends CLIENTS requests released
together by a barrier, on SQLite and on PostgreSQL. On SQLite a read that turns into a write
used to fail at once with "database is locked"; writes now queue for the lock instead.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from labelpool.accounts.models import ApiToken, LoginAttempt, User
from labelpool.accounts.roles import Role
from labelpool.assessments import models as assessments
from labelpool.assessments.models import Attempt, AttemptStatus
from labelpool.config import Settings
from labelpool.contributors import service as contributors
from labelpool.contributors.enums import CheckName, ContributorState
from labelpool.contributors.models import ContributorProfile
from labelpool.contributors.settings import ReviewSettings
from labelpool.db.engine import make_session_factory
from labelpool.jobs.builtin import load_handlers
from labelpool.jobs.context import JobContext
from labelpool.jobs.models import JobStatus, OutboxJob
from labelpool.jobs.runner import run_due
from labelpool.projects.jobs import RUN_IMPORT
from labelpool.projects.models import ImportRun, ImportStatus, Item, Project
from tests.assessments.builders import make_project, make_test, org_with_requester
from tests.contributors.helpers import complete_input
from tests.factories import PASSWORD, api_token, make_active_contributor, make_user

CLIENTS = 16
Call = Callable[[httpx.Client], httpx.Response]


def together(url: str, calls: list[tuple[dict[str, str], Call]]) -> list[httpx.Response]:
    """Run each call on its own client and thread, all released at the same moment."""
    barrier = threading.Barrier(len(calls))

    def run(headers: dict[str, str], call: Call) -> httpx.Response:
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            barrier.wait()
            return call(client)

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, headers, call) for headers, call in calls]
        return [future.result() for future in futures]


def assert_no_server_errors(responses: list[httpx.Response]) -> None:
    errors = [
        (r.request.method, r.request.url.path, r.status_code, r.text[:200]) for r in responses
    ]
    assert [e for e in errors if e[2] >= 500] == []


def test_contributors_take_tests_at_the_same_time(server_url: str, db: Session) -> None:
    organization, requester = org_with_requester(db)
    test = make_test(db, requester, organization, questions=3, mode=assessments.TestMode.TRAINING)
    takers = [api_token(db, make_active_contributor(db)) for _ in range(CLIENTS)]

    def take(client: httpx.Client) -> httpx.Response:
        started = client.post(f"/api/v1/tests/{test.id}/attempts")
        assert started.status_code == 201, started.text
        attempt = started.json()
        for question in attempt["questions"]:
            answered = client.put(
                f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}",
                json={"answer": "negative"},
            )
            assert answered.status_code == 200, answered.text
        return client.post(f"/api/v1/attempts/{attempt['id']}/submit")

    responses = together(server_url, [(headers, take) for headers in takers])
    assert_no_server_errors(responses)
    assert {r.status_code for r in responses} == {200}
    finished = db.scalar(
        select(func.count()).where(
            Attempt.test_id == test.id, Attempt.status != AttemptStatus.IN_PROGRESS
        )
    )
    assert finished == CLIENTS


def test_one_contributor_starting_a_test_from_many_tabs_gets_one_attempt(
    server_url: str, db: Session
) -> None:
    organization, requester = org_with_requester(db)
    test = make_test(db, requester, organization)
    headers = api_token(db, make_active_contributor(db))

    def start(client: httpx.Client) -> httpx.Response:
        return client.post(f"/api/v1/tests/{test.id}/attempts")

    responses = together(server_url, [(headers, start)] * CLIENTS)
    assert_no_server_errors(responses)
    assert sorted({r.status_code for r in responses}) == [201, 409]
    assert sum(r.status_code == 201 for r in responses) == 1
    assert db.scalar(select(func.count()).where(Attempt.test_id == test.id)) == 1


def _applicants(db: Session, count: int) -> list[User]:
    settings = ReviewSettings()
    users = []
    for _ in range(count):
        user = make_user(db, role=Role.CONTRIBUTOR)
        contributors.update_profile(db, user, complete_input(), settings)
        contributors.submit_application(db, user, settings)
        users.append(user)
    db.commit()
    return users


def test_an_admin_decides_many_reviews_at_once(server_url: str, db: Session) -> None:
    admin = api_token(db, make_user(db, role=Role.ADMIN))
    applicants = _applicants(db, CLIENTS)

    def decide(user_id: int) -> Call:
        return lambda client: client.post(
            f"/api/v1/admin/reviews/{user_id}/checks/{CheckName.LANGUAGE_VERIFIED.value}",
            json={"status": "passed", "reason": "Spoke with them in German."},
        )

    responses = together(server_url, [(admin, decide(u.id)) for u in applicants])
    assert_no_server_errors(responses)
    assert {r.status_code for r in responses} == {200}


def test_admins_change_many_account_states_at_once(server_url: str, db: Session) -> None:
    admin = api_token(db, make_user(db, role=Role.ADMIN))
    people = [make_active_contributor(db) for _ in range(CLIENTS)]

    def suspend(user_id: int) -> Call:
        return lambda client: client.post(
            f"/api/v1/admin/contributors/{user_id}/state",
            json={"state": "suspended", "reason": "Load test."},
        )

    responses = together(server_url, [(admin, suspend(p.id)) for p in people])
    assert_no_server_errors(responses)
    assert {r.status_code for r in responses} == {200}
    db.rollback()  # end the read snapshot taken while arranging
    states = db.scalars(
        select(ContributorProfile.state).where(
            ContributorProfile.user_id.in_([p.id for p in people])
        )
    ).all()
    assert set(states) == {ContributorState.SUSPENDED}


def test_many_imports_into_one_project_at_once(
    server_url: str, db: Session, engine: Engine, settings: Settings
) -> None:
    """Uploads at once are each queued (202); runners importing them at once store every row."""
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    headers = api_token(db, requester)
    rows_each = 5

    def upload(n: int) -> Call:
        lines = "\n".join(json.dumps({"text": f"review {n}-{i}"}) for i in range(rows_each))
        return lambda client: client.post(
            f"/api/v1/projects/{project.id}/imports",
            files={"file": (f"batch{n}.jsonl", io.BytesIO(lines.encode()), "application/json")},
        )

    responses = together(server_url, [(headers, upload(n)) for n in range(CLIENTS)])
    assert_no_server_errors(responses)
    assert {r.status_code for r in responses} == {202}
    assert {r.json()["status"] for r in responses} == {"queued"}
    run_ids = {r.json()["id"] for r in responses}
    assert len(run_ids) == CLIENTS

    _drain_at_once(engine, settings, runners=4)
    db.rollback()  # end the read snapshot taken while arranging
    statuses = db.execute(
        select(ImportRun.id, ImportRun.status, ImportRun.rows_imported).where(
            ImportRun.project_id == project.id
        )
    ).all()
    assert {run_id for run_id, _, _ in statuses} == run_ids
    assert {(status, rows) for _, status, rows in statuses} == {(ImportStatus.SUCCEEDED, rows_each)}
    count = db.scalar(select(func.count()).select_from(Item).where(Item.project_id == project.id))
    assert count == CLIENTS * rows_each
    data = db.scalars(select(Item.data).where(Item.project_id == project.id)).all()
    assert len({d["text"] for d in data}) == CLIENTS * rows_each, "every row once"
    jobs = db.scalars(select(OutboxJob.status).where(OutboxJob.handler == RUN_IMPORT)).all()
    assert jobs == [JobStatus.DONE] * CLIENTS


def _drain_at_once(engine: Engine, settings: Settings, runners: int) -> None:
    """Several runners (as `labelpool worker` processes would) take one job at a time until
    none is due, all started together."""
    load_handlers()
    factory = make_session_factory(engine)
    context = JobContext(settings)
    barrier = threading.Barrier(runners)

    def drain() -> None:
        barrier.wait()
        while True:
            report = run_due(factory, context, limit=1, periodic={})
            assert report.failed == 0
            if not report.busy:
                return

    with ThreadPoolExecutor(runners) as pool:
        for future in [pool.submit(drain) for _ in range(runners)]:
            future.result()


def test_many_projects_created_at_once(server_url: str, db: Session) -> None:
    organization, requester = org_with_requester(db)
    headers = api_token(db, requester)

    def create(n: int) -> Call:
        return lambda client: client.post(
            "/api/v1/projects",
            json={
                "organization_id": organization.id,
                "name": f"Project {n}",
                "template": "text-sentiment",
            },
        )

    responses = together(server_url, [(headers, create(n)) for n in range(CLIENTS)])
    assert_no_server_errors(responses)
    assert {r.status_code for r in responses} == {201}
    assert db.scalar(select(func.count()).select_from(Project)) == CLIENTS


def test_many_log_ins_at_once_are_all_counted(server_url: str, db: Session) -> None:
    users = [make_user(db) for _ in range(CLIENTS)]

    def log_in(email: str, password: str) -> Call:
        def call(client: httpx.Client) -> httpx.Response:
            token = client.get("/login").cookies["lp_csrf"]
            return client.post(
                "/login",
                data={"email": email, "password": password, "csrf_token": token},
                follow_redirects=False,
            )

        return call

    calls: list[tuple[dict[str, str], Call]] = [
        ({}, log_in(u.email, PASSWORD if n % 2 else "wrong password!")) for n, u in enumerate(users)
    ]
    responses = together(server_url, calls)
    assert_no_server_errors(responses)
    assert sum(r.status_code == 303 for r in responses) == CLIENTS // 2
    assert db.scalar(select(func.count()).select_from(LoginAttempt)) == CLIENTS


def test_a_write_that_cannot_get_the_lock_in_time_is_503_and_stores_nothing(
    settings: Settings, engine: Engine, db: Session
) -> None:
    """Another transaction holds the lock past the timeout: 503 with Retry-After, not 500."""
    from labelpool.app import create_app

    headers = api_token(db, make_user(db))
    app = create_app(settings.model_copy(update={"lock_timeout_seconds": 0.3}))
    with TestClient(app) as client, engine.connect() as blocker:
        if engine.dialect.name == "sqlite":
            blocker.execution_options(sqlite_begin="IMMEDIATE").exec_driver_sql("SELECT 1")
        else:
            blocker.exec_driver_sql("LOCK TABLE api_tokens IN EXCLUSIVE MODE")
        response = client.post("/api/v1/tokens", json={"name": "blocked"}, headers=headers)
        blocker.rollback()
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"].isdigit()
        assert response.json()["error"]["code"] == "database_busy"
        assert "try again" in response.json()["error"]["message"]
        retried = client.post("/api/v1/tokens", json={"name": "blocked"}, headers=headers)
        assert retried.status_code == 201
    app.state.engine.dispose()
    db.rollback()
    names = db.scalars(select(ApiToken.name).where(ApiToken.name == "blocked")).all()
    assert names == ["blocked"]


def test_first_visits_that_create_a_profile_while_others_write(
    server_url: str, db: Session
) -> None:
    """GETs that write (a new contributor's first look at their review) under write load."""
    newcomers = [api_token(db, make_user(db, role=Role.CONTRIBUTOR)) for _ in range(CLIENTS)]
    admin = api_token(db, make_user(db, role=Role.ADMIN))

    def first_look(client: httpx.Client) -> httpx.Response:
        return client.get("/api/v1/me/review")

    def write(n: int) -> Call:
        return lambda client: client.post("/api/v1/tokens", json={"name": f"load {n}"})

    calls = [(h, first_look) for h in newcomers] + [(admin, write(n)) for n in range(CLIENTS)]
    responses = together(server_url, calls)
    assert_no_server_errors(responses)
    assert {r.status_code for r in responses} == {200, 201}
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ContributorProfile)) == CLIENTS
