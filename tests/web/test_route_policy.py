"""Who may call every route (issue 20.1): one row per (method, path) the app answers.

A route without a row fails `test_every_route_has_a_row`; a row states which callers get
through. `test_route_policy` calls each route as every caller, in a world where everything
the path's ids point at belongs to organization A (or to the active contributor, or the
applicant: their attempt, their identity document, their review), and sorts each answer:

    DENIED  401, 403, 404, or a redirect to the log-in page
    ALLOWED anything else: 2xx, other redirects, 409, 422 ... (a 5xx fails the test)

Writes carry a body that passes the request's schema (BODIES), mostly one the service then
refuses (a blank name, a status the object already has), so an allowed call changes little;
the rows marked FRESH change what the next caller needs, and get the world back before each
allowed caller. Denied callers go first.

The outsider (a requester of organization B) is the tenant-isolation column: a row letting
them through must be about something that is not organization A's.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import User
from labelpool.accounts.roles import Scope
from labelpool.app import API_PREFIX, API_ROUTERS, PAGE_ROUTERS, create_app
from labelpool.config import Settings
from labelpool.policy.tests import NOT_A_TAKER
from labelpool.web.deps import CSRF_FIELD, SESSION_COOKIE
from labelpool.web.middleware import CSRF_COOKIE
from labelpool.web.render import FLASH_COOKIE
from tests.assessments.builders import GUIDELINES_V1, SENTIMENT_CONTROL
from tests.factories import PASSWORD, Response, csrf_token
from tests.web.route_world import CALLERS, SECTION, SKILL_KEY, TEMPLATE_KEY, World, world_in
from tests.web.route_world import fresh_world as restore_world

# Legend: one column per caller, in this order; a letter lets that caller through, "." not.
#   N anonymous        P applicant (contributor, applied, not active)   C active contributor
#   V reviewer of A    R requester of A    O outsider (requester of B)  A platform admin
ANYONE = "NPCVROA"
LOGGED_IN = ".PCVROA"
CONTRIBUTORS = ".PC...."  # the platform role contributor, whatever the account's state
ACTIVE = "..C...."
STAFF = "...VR.A"  # who sees organization A's work
MANAGERS = "....R.A"  # who changes it
BUILDERS = "....ROA"  # who may open a form creating in their own organization
ADMIN = "......A"
OWNER = "....R.."  # the requester's own API token
TAKER = "..C...."  # the active contributor's own attempt
SIGNED = "NPCVROA"  # a signed media link is the capability: whoever holds it

TABLE: dict[str, str] = {
    # --- API: health, accounts -----------------------------------------------------------------
    "GET /api/v1/health": ANYONE,
    "GET /api/v1/me": LOGGED_IN,
    "GET /api/v1/tokens": LOGGED_IN,  # one's own tokens
    "POST /api/v1/tokens": LOGGED_IN,
    "DELETE /api/v1/tokens/{token_id}": OWNER,
    "GET /api/v1/organizations": LOGGED_IN,  # one's own memberships
    "GET /api/v1/organizations/{organization_id}/members": "...VR.A",
    "GET /api/v1/users": ADMIN,
    "POST /api/v1/users": ADMIN,
    "POST /api/v1/users/{user_id}/password-reset": ADMIN,
    # --- API: templates, projects, items, imports ----------------------------------------------
    "GET /api/v1/templates": LOGGED_IN,
    "GET /api/v1/templates/{key}": LOGGED_IN,
    "GET /api/v1/projects": LOGGED_IN,  # filtered to what one may see
    "POST /api/v1/projects": MANAGERS,  # in organization A
    "GET /api/v1/projects/{project_id}": STAFF,
    "PATCH /api/v1/projects/{project_id}": MANAGERS,
    "POST /api/v1/projects/{project_id}/status": MANAGERS,
    "GET /api/v1/projects/{project_id}/history": STAFF,
    "POST /api/v1/projects/{project_id}/imports": MANAGERS,
    "GET /api/v1/projects/{project_id}/imports": STAFF,
    "GET /api/v1/projects/{project_id}/imports/{run_id}": STAFF,
    "GET /api/v1/projects/{project_id}/items": STAFF,
    "GET /api/v1/projects/{project_id}/items/{item_id}": STAFF,
    "POST /api/v1/projects/{project_id}/items/{item_id}/predictions": MANAGERS,
    "GET /api/v1/projects/{project_id}/items/{item_id}/predictions": STAFF,
    # --- API: contributors, account review -----------------------------------------------------
    "GET /api/v1/contributors/options": LOGGED_IN,
    "GET /api/v1/me/profile": CONTRIBUTORS,
    "PUT /api/v1/me/profile": CONTRIBUTORS,
    "POST /api/v1/me/application": CONTRIBUTORS,
    "GET /api/v1/me/review": CONTRIBUTORS,
    "POST /api/v1/me/identity-document": CONTRIBUTORS,
    "GET /api/v1/admin/reviews": ADMIN,
    "GET /api/v1/admin/reviews/{user_id}": ADMIN,
    "POST /api/v1/admin/reviews/{user_id}/checks/{check}": ADMIN,
    "POST /api/v1/admin/contributors/{user_id}/state": ADMIN,
    "GET /api/v1/admin/identity-documents/{document_id}": ADMIN,
    # --- API: guidelines (A's, followed by A's active project: contributors read them) --------
    "GET /api/v1/guidelines": LOGGED_IN,
    "POST /api/v1/guidelines": MANAGERS,  # in organization A
    "GET /api/v1/guidelines/{guidelines_id}": ".PCVR.A",
    "GET /api/v1/guidelines/{guidelines_id}/versions": ".PCVR.A",
    "GET /api/v1/guidelines/{guidelines_id}/versions/{number}": ".PCVR.A",
    "POST /api/v1/guidelines/{guidelines_id}/versions": MANAGERS,
    "GET /api/v1/guidelines/{guidelines_id}/diff": ".PCVR.A",
    "POST /api/v1/guidelines/{guidelines_id}/projects": MANAGERS,
    "DELETE /api/v1/guidelines/{guidelines_id}/projects/{project_id}": MANAGERS,
    "POST /api/v1/guidelines/{guidelines_id}/examples": MANAGERS,
    "DELETE /api/v1/guidelines/{guidelines_id}/examples/{example_id}": MANAGERS,
    "GET /api/v1/guidelines/{guidelines_id}/questions": ".PCVR.A",
    "POST /api/v1/guidelines/{guidelines_id}/questions": ".PCVR.A",
    "POST /api/v1/guidelines/{guidelines_id}/questions/{question_id}/answer": MANAGERS,
    # --- API: tests (A's published test), attempts, skills -------------------------------------
    "GET /api/v1/tests/manage": LOGGED_IN,  # filtered to one's organizations' tests
    "POST /api/v1/tests": MANAGERS,  # in organization A
    "PATCH /api/v1/tests/{test_id}": MANAGERS,
    "POST /api/v1/tests/{test_id}/status": MANAGERS,
    "GET /api/v1/tests/{test_id}/questions": MANAGERS,
    "POST /api/v1/tests/{test_id}/questions": MANAGERS,
    "GET /api/v1/tests/{test_id}/questions/{question_id}": MANAGERS,
    "PUT /api/v1/tests/{test_id}/questions/{question_id}": MANAGERS,
    "DELETE /api/v1/tests/{test_id}/questions/{question_id}": MANAGERS,
    "GET /api/v1/tests": LOGGED_IN,  # the published tests, with one's status
    "GET /api/v1/tests/{test_id}": LOGGED_IN,  # a published test: the taker list shows it all
    "GET /api/v1/tests/{test_id}/attempts": "..CVR.A",  # one's own attempts
    "POST /api/v1/tests/{test_id}/attempts": "..CVR.A",  # staff and admins: a preview
    "GET /api/v1/attempts/{attempt_id}": TAKER,
    "PUT /api/v1/attempts/{attempt_id}/answers/{question_id}": TAKER,
    "POST /api/v1/attempts/{attempt_id}/submit": TAKER,
    "GET /api/v1/me/refreshers": LOGGED_IN,
    # Nobody in the world owes a refresher: the route starts the caller's own, 404 without.
    "POST /api/v1/tests/{test_id}/refresher": ".......",
    "GET /api/v1/me/projects/{project_id}/claim-check": CONTRIBUTORS,
    # --- API: eligibility (A's active project) ---------------------------------------------------
    "GET /api/v1/projects/{project_id}/requirements": STAFF,
    "PUT /api/v1/projects/{project_id}/requirements": MANAGERS,
    "GET /api/v1/projects/{project_id}/eligibility": CONTRIBUTORS,  # one's own explainer
    "GET /api/v1/projects/{project_id}/funnel": STAFF,  # the funnel and forecast
    "GET /api/v1/me/work": CONTRIBUTORS,
    "GET /api/v1/me/qualifications": LOGGED_IN,
    "GET /api/v1/me/skills": LOGGED_IN,
    "GET /api/v1/users/{user_id}/skills": ADMIN,
    # --- API: work (A's active project; the assignment is the active contributor's lease) ------
    "POST /api/v1/projects/{project_id}/assignments": ACTIVE,  # the applicant: not_eligible
    "POST /api/v1/assignments/{assignment_id}/extend": TAKER,
    "POST /api/v1/assignments/{assignment_id}/response": TAKER,  # no Idempotency-Key: 422
    "POST /api/v1/assignments/{assignment_id}/skip": TAKER,
    "POST /api/v1/assignments/{assignment_id}/report": TAKER,
    "GET /api/v1/me/assignments": CONTRIBUTORS,
    "GET /api/v1/assignments/{assignment_id}/draft": TAKER,  # one's own draft
    "PUT /api/v1/assignments/{assignment_id}/draft": TAKER,
    # Reported items of A's project (the world's item has no reports: a release is 409).
    "GET /api/v1/projects/{project_id}/reports": STAFF,
    "POST /api/v1/projects/{project_id}/items/{item_id}/release": MANAGERS,
    "POST /api/v1/projects/{project_id}/items/{item_id}/remove": MANAGERS,
    "PUT /api/v1/users/{user_id}/skills/{skill_key}": ADMIN,
    # --- API: notifications (one's own only) -------------------------------------------------
    "GET /api/v1/me/notifications": LOGGED_IN,
    "POST /api/v1/me/notifications/read": LOGGED_IN,
    "PUT /api/v1/me/notification-settings": LOGGED_IN,
    # --- pages: docs, media, accounts ----------------------------------------------------------
    "GET /docs": ANYONE,
    "GET /media/{media_id}": SIGNED,
    "HEAD /media/{media_id}": SIGNED,
    "GET /": LOGGED_IN,
    "GET /login": ANYONE,  # logged in: sent on
    "POST /login": ANYONE,  # as the spare user, whoever is asking
    "GET /signup": ANYONE,
    "POST /signup": ANYONE,
    "POST /logout": ANYONE,
    "GET /account": LOGGED_IN,
    "POST /account/tokens": LOGGED_IN,
    "POST /account/password": LOGGED_IN,
    "POST /account/tokens/{token_id}/revoke": OWNER,
    "GET /admin/users": ADMIN,
    "POST /admin/users": ADMIN,
    "POST /admin/users/{user_id}/reset-password": ADMIN,
    # --- pages: projects -----------------------------------------------------------------------
    "GET /projects": LOGGED_IN,
    "GET /projects/new": BUILDERS,  # the form creates in one's own organizations (admins: any)
    "POST /projects/new": MANAGERS,  # in organization A
    "GET /projects/{project_id}": STAFF,
    "GET /projects/{project_id}/guidelines/new": MANAGERS,
    "POST /projects/{project_id}/settings": MANAGERS,
    "POST /projects/{project_id}/status": MANAGERS,
    "POST /projects/{project_id}/import": MANAGERS,
    "GET /projects/{project_id}/imports/{run_id}": STAFF,
    "GET /projects/{project_id}/imports/{run_id}/progress": STAFF,
    # --- pages: contributors, account review ---------------------------------------------------
    "GET /profile": CONTRIBUTORS,
    "POST /profile": CONTRIBUTORS,
    "POST /application": CONTRIBUTORS,
    "GET /review": CONTRIBUTORS,
    "POST /review/identity-document": CONTRIBUTORS,
    "GET /admin/reviews": ADMIN,
    "GET /admin/reviews/{user_id}": ADMIN,
    "POST /admin/reviews/{user_id}/checks/{check}": ADMIN,
    "POST /admin/reviews/{user_id}/state": ADMIN,
    # --- pages: guidelines ---------------------------------------------------------------------
    "GET /guidelines": LOGGED_IN,
    "GET /guidelines/new": "....RO.",  # into one's own organization: admins use the API
    "POST /guidelines/new": OWNER,  # following A's project (the outsider may not link it)
    "GET /guidelines/{guidelines_id}": ".PCVR.A",
    "POST /guidelines/{guidelines_id}/ask": ".PCVR.A",
    "POST /guidelines/{guidelines_id}/questions/{question_id}/answer": MANAGERS,
    "GET /guidelines/{guidelines_id}/edit": MANAGERS,
    "POST /guidelines/{guidelines_id}/edit": MANAGERS,
    "GET /guidelines/{guidelines_id}/changes": ".PCVR.A",
    # --- pages: tests, attempts ----------------------------------------------------------------
    "GET /tests/new": BUILDERS,  # admins also make platform-wide tests
    "POST /tests/new": MANAGERS,  # a qualification test for A's project
    "GET /tests": LOGGED_IN,
    "GET /tests/{test_id}": LOGGED_IN,  # as GET /api/v1/tests/{test_id}
    "POST /tests/{test_id}/attempts": "..CVR.A",
    "POST /tests/{test_id}/refresher": ".......",  # as POST /api/v1/tests/{test_id}/refresher
    "GET /attempts/{attempt_id}": TAKER,
    "GET /attempts/{attempt_id}/q/{number}": TAKER,
    "POST /attempts/{attempt_id}/q/{number}": TAKER,
    "POST /attempts/{attempt_id}/submit": TAKER,
    "GET /attempts/{attempt_id}/result": TAKER,
    "GET /tests/{test_id}/manage": MANAGERS,
    "POST /tests/{test_id}/manage/questions": MANAGERS,
    "GET /tests/{test_id}/manage/questions/{question_id}": MANAGERS,
    "POST /tests/{test_id}/manage/questions/{question_id}": MANAGERS,
    "POST /tests/{test_id}/manage/questions/{question_id}/delete": MANAGERS,
    "POST /tests/{test_id}/manage/status": MANAGERS,
    # --- pages: notifications ------------------------------------------------------------------
    "GET /notifications": LOGGED_IN,
    "POST /notifications/read": LOGGED_IN,
    "POST /notifications/email": LOGGED_IN,
    # --- pages: eligibility --------------------------------------------------------------------
    "GET /work": CONTRIBUTORS,
    "GET /projects/{project_id}/work": CONTRIBUTORS,  # the labeling page (applicant: not_eligible)
    "POST /projects/{project_id}/requirements": MANAGERS,
    # --- pages: reported items (not reported: back to the tab with the reason) ---------------
    "POST /projects/{project_id}/items/{item_id}/release": MANAGERS,
    "POST /projects/{project_id}/items/{item_id}/remove": MANAGERS,
}

# Rows whose allowed call changes what the next allowed caller needs: the world is put back
# before each allowed caller.
FRESH = {
    "DELETE /api/v1/guidelines/{guidelines_id}/projects/{project_id}",
    "DELETE /api/v1/guidelines/{guidelines_id}/examples/{example_id}",
    "DELETE /api/v1/tests/{test_id}/questions/{question_id}",
    "POST /tests/{test_id}/manage/questions/{question_id}/delete",
    "POST /api/v1/projects/{project_id}/items/{item_id}/remove",
    "POST /projects/{project_id}/items/{item_id}/remove",
}

# Rows that are wrong in the code today, not in the table: the policy must change (none now).
BUGS: dict[str, str] = {}

Body = Callable[[World], dict[str, Any]]


def _json(value: dict[str, Any]) -> Body:
    return lambda _world: {"json": value}


def _form(value: Callable[[World], dict[str, str]] | dict[str, str]) -> Body:
    return lambda world: {"data": value(world) if callable(value) else value}


def _file(name: str) -> Body:
    return lambda _world: {"files": {"file": (name, b"not a known format", "text/plain")}}


QUESTION: dict[str, Any] = {
    "data": {"text": "Oh great."},
    "control": SENTIMENT_CONTROL,
    "correct_answer": "negative",
}

# What the writes send: enough to pass the route's schema, so that the authorization (often
# in the service, after the body is read) is what answers. Rows without one send no body.
BODIES: dict[str, Body] = {
    "POST /api/v1/tokens": _json({"name": "route policy", "scope": "read"}),
    "POST /api/v1/projects": lambda w: {
        "json": {
            "name": "Another project",
            "template": TEMPLATE_KEY,
            "organization_id": w.ids["organization_id"],
        }
    },
    "PATCH /api/v1/projects/{project_id}": _json({}),
    "POST /api/v1/me/notifications/read": _json({"all": True}),
    "PUT /api/v1/me/notification-settings": _json({"email": True}),
    "PUT /api/v1/projects/{project_id}/requirements": _json({}),  # no rules: nothing changes
    "POST /api/v1/projects/{project_id}/status": _json({"status": "active"}),  # already: 409
    "POST /api/v1/projects/{project_id}/imports": _file("items.unknown"),  # unknown format: 422
    "POST /api/v1/projects/{project_id}/items/{item_id}/predictions": _json({"answers": {}}),
    "POST /api/v1/guidelines": lambda w: {
        "json": {
            "organization_id": w.ids["organization_id"],
            "title": "More guidelines",
            "body": GUIDELINES_V1,
        }
    },
    "POST /api/v1/guidelines/{guidelines_id}/versions": _json({"body": GUIDELINES_V1}),
    "POST /api/v1/guidelines/{guidelines_id}/projects": lambda w: {
        "json": {"project_id": w.ids["project_id"]}  # already linked
    },
    "POST /api/v1/guidelines/{guidelines_id}/examples": _json(
        {"section": SECTION, "data": {"text": "Meh."}, "answer": "neutral", "explanation": "."}
    ),
    "POST /api/v1/guidelines/{guidelines_id}/questions": _json(
        {"section": SECTION, "question": "And irony?"}
    ),
    "POST /api/v1/guidelines/{guidelines_id}/questions/{question_id}/answer": _json(
        {"answer": "Label the meaning."}
    ),
    "POST /api/v1/tests": lambda w: {
        "json": {
            "organization_id": w.ids["organization_id"],
            "title": "Another test",
            "kind": "skill",
            "skill_key": SKILL_KEY,
        }
    },
    "PATCH /api/v1/tests/{test_id}": _json({}),
    "POST /api/v1/tests/{test_id}/status": _json({"status": "published"}),
    "POST /api/v1/tests/{test_id}/questions": _json(QUESTION),  # published: 409
    "PUT /api/v1/tests/{test_id}/questions/{question_id}": _json(QUESTION),  # attempted: 409
    "PUT /api/v1/attempts/{attempt_id}/answers/{question_id}": _json({"answer": "negative"}),
    "POST /api/v1/assignments/{assignment_id}/response": _json({"answers": {}}),
    "POST /api/v1/assignments/{assignment_id}/skip": _json({"reason": "route policy"}),
    "POST /api/v1/assignments/{assignment_id}/report": _json({"reason": "unclear"}),
    "PUT /api/v1/assignments/{assignment_id}/draft": _json({"answers": {}}),
    "POST /login": lambda w: {"data": {"email": w.spare_email, "password": PASSWORD}},
    "POST /projects/new": _form(
        lambda w: {
            "name": " ",
            "template": TEMPLATE_KEY,
            "organization_id": str(w.ids["organization_id"]),
        }
    ),
    "POST /guidelines/new": _form(
        lambda w: {
            "title": "More guidelines",
            "body": GUIDELINES_V1,
            "project_ids": str(w.ids["project_id"]),
        }
    ),
    "POST /tests/new": _form(
        lambda w: {
            "title": "Another test",
            "kind": "qualification",
            "project_id": str(w.ids["project_id"]),
        }
    ),
}

# Redirects that are an allowed call's answer although they lead to the log-in page.
LOGIN_IS_THE_ANSWER = {"POST /logout"}
# Pages that answer a refusal with a redirect back carrying an error flash (nothing started):
# there, a redirect whose error flash says one of these counts as DENIED (other errors, such
# as the contributor's attempt already in progress, are an allowed caller's answer).
REFUSED_WITH_A_FLASH: dict[str, tuple[str, ...]] = {
    "POST /tests/{test_id}/attempts": (NOT_A_TAKER, "Your account is not active yet"),
    "POST /tests/{test_id}/refresher": ("You have no refresher",),
}


# --- the routes the app answers ---------------------------------------------------------------


def app_routes() -> set[str]:
    """Every "METHOD /path" of the app's routers, HEAD only where a route declares it."""
    found = set()
    mounted = [(API_PREFIX, r) for r in API_ROUTERS] + [("", r) for r in PAGE_ROUTERS]
    for prefix, router in mounted:
        for route in router.routes:
            if isinstance(route, APIRoute):
                for method in route.methods or ():
                    found.add(f"{method} {prefix}{route.path}")
    return found


def test_every_route_has_a_row() -> None:
    routes = app_routes()
    missing = sorted(routes - TABLE.keys())
    stale = sorted(TABLE.keys() - routes)
    problems = []
    if missing:
        problems.append(
            "routes without a row (add a row to TABLE in tests/web/test_route_policy.py "
            "saying who may call it):\n  " + "\n  ".join(missing)
        )
    if stale:
        problems.append("rows of routes the app no longer has:\n  " + "\n  ".join(stale))
    assert not problems, "\n".join(problems)


def test_table_is_well_formed() -> None:
    for route, allowed in TABLE.items():
        assert len(allowed) == len(ANYONE), route
        assert all(a in (c, ".") for a, c in zip(allowed, ANYONE, strict=True)), route
    rows = set(TABLE)
    named = FRESH | BODIES.keys() | BUGS.keys() | LOGIN_IS_THE_ANSWER | REFUSED_WITH_A_FLASH.keys()
    assert not named - rows, named - rows


# --- calling a route as each caller -----------------------------------------------------------


def path_of(route: str, world: World) -> str:
    """The route's path with its parameters pointing into the world."""
    pattern = route.partition(" ")[2]
    in_guidelines = pattern.startswith(("/guidelines", f"{API_PREFIX}/guidelines"))
    values: dict[str, object] = dict(world.ids)
    values |= {
        "user_id": world.ids["applicant_id"],
        "check": "identity_verified",
        "skill_key": SKILL_KEY,
        "key": TEMPLATE_KEY,
        "question_id": world.ids["guidelines_question_id" if in_guidelines else "test_question_id"],
        "number": world.ids["version" if in_guidelines else "question_number"],
    }
    path = pattern.format(**values)
    if pattern.startswith("/media/"):
        path += "?" + world.media_query
    return path


def call(client: TestClient, world: World, route: str, letter: str, csrf: str) -> Response:
    method, _, pattern = route.partition(" ")
    caller = world.callers[letter]
    body = BODIES.get(route, lambda _world: {})(world)
    headers: dict[str, str] = {}
    client.cookies.clear()
    client.cookies.set(CSRF_COOKIE, csrf)
    if pattern.startswith(API_PREFIX):
        if caller.token:
            headers["Authorization"] = f"Bearer {caller.token}"
    else:
        if caller.session:
            client.cookies.set(SESSION_COOKIE, caller.session)
        if method == "POST":
            body["data"] = {**body.get("data", {}), CSRF_FIELD: csrf}
    return client.request(
        method, path_of(route, world), headers=headers, follow_redirects=False, **body
    )


def flash_of(response: Response) -> str:
    """The flash message a redirect carries (what the next page would show), if any."""
    cookie = response.cookies.get(FLASH_COOKIE)
    if not cookie:
        return ""
    payload = json.loads(base64.urlsafe_b64decode(cookie.partition(".")[0]))
    return "; ".join(f"{f['category']}: {f['message']}" for f in payload)


def said(response: Response) -> str:
    if response.is_redirect:
        return f"{response.status_code} to {response.headers.get('location')} {flash_of(response)}"
    return f"{response.status_code} {response.text[:300]!r}"


def denied(route: str, response: Response) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    if not response.is_redirect:
        return False
    flash = flash_of(response)
    refusals = REFUSED_WITH_A_FLASH.get(route, ())
    if flash.startswith("error:") and any(words in flash for words in refusals):
        return True
    return route not in LOGIN_IS_THE_ANSWER and response.headers["location"].startswith("/login")


def _params() -> list[Any]:
    return list(_rows())


def _rows() -> Iterator[Any]:
    for route in sorted(TABLE, key=lambda r: (r.partition(" ")[2], r)):
        marks = []
        if route in BUGS:
            marks.append(pytest.mark.xfail(strict=True, reason=BUGS[route]))
        yield pytest.param(route, id=route, marks=marks)


@pytest.fixture(scope="module")
def app_client(
    migrated_engine: Engine, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    """Like conftest's `client`, but one app per database for the module: a new app builds
    each route's dependencies again on its first requests (~1 s), 140 times over otherwise.
    The tests still take `db`, whose `engine` empties the tables after each of them."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("route-policy") / "data",
        database_url=migrated_engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key",
        jobs_in_process=False,
    )
    app = create_app(settings)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
    app.state.engine.dispose()


def _settings(client: TestClient) -> Settings:
    settings: Settings = client.app.state.settings  # type: ignore[attr-defined]
    return settings


def _world(db: Session, client: TestClient) -> World:
    return world_in(db, _settings(client), client.app.state.storage)  # type: ignore[attr-defined]


@pytest.mark.parametrize("route", _params())
def test_route_policy(route: str, db: Session, app_client: TestClient) -> None:
    client = app_client
    settings = _settings(client)
    world = _world(db, client)
    csrf = csrf_token(client)
    expected = TABLE[route]
    letters = [c for c in ANYONE if c not in expected] + [c for c in ANYONE if c in expected]
    wrong = []
    first_allowed = True
    for letter in letters:
        allowed = letter in expected
        if allowed and route in FRESH and not first_allowed:
            restore_world(db, settings)
        first_allowed = first_allowed and not allowed
        response = call(client, world, route, letter, csrf)
        name = CALLERS[letter]
        assert response.status_code < 500, (
            f"{route} as {name}: {response.status_code}\n" + (response.text[:600])
        )
        if denied(route, response) == allowed:
            wrong.append(f"{name} was {'denied' if allowed else 'let through'}: {said(response)}")
    assert not wrong, f"{route}:\n  " + "\n  ".join(wrong)


# --- API token scopes -------------------------------------------------------------------------


def _token(db: Session, user_id: int, scope: Scope) -> dict[str, str]:
    user = db.get(User, user_id)
    assert user is not None
    secret, _ = accounts.create_api_token(db, user, f"{scope.value} scope", scope)
    db.commit()
    return {"Authorization": f"Bearer {secret}"}


def test_token_scopes_limit_what_a_token_does(db: Session, app_client: TestClient) -> None:
    client = app_client
    world = _world(db, client)
    requester, admin = world.callers["R"].user_id, world.callers["A"].user_id
    assert requester is not None and admin is not None
    project = f"{API_PREFIX}/projects/{world.ids['project_id']}"

    read = _token(db, requester, Scope.READ)
    assert client.get(project, headers=read).status_code == 200
    refused = client.patch(project, json={}, headers=read)
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "insufficient_scope", refused.text
    assert client.patch(project, json={}, headers=_token(db, requester, Scope.WRITE)).is_success

    users = f"{API_PREFIX}/users"
    refused = client.get(users, headers=_token(db, admin, Scope.WRITE))
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "insufficient_scope", refused.text
    assert client.get(users, headers=_token(db, admin, Scope.ADMIN)).status_code == 200
