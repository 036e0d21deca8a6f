"""The guidelines API: documents, versions and diffs, project links, examples, questions and
answers; other organizations' ids are 404 and contributors only read and ask."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts import service as accounts
from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.notifications import service as notifications
from tests.assessments.builders import GUIDELINES_V1, make_project, make_test, org_with_requester
from tests.factories import api_token, make_active_contributor, make_organization, make_user

V2 = GUIDELINES_V1.replace("Likes or dislikes.", "Likes, praise, dislikes or complaints.")


class Api:
    """Calls /api/v1 as one user; checks the status and returns the JSON body."""

    def __init__(self, client: TestClient, db: Session, user: User) -> None:
        self.client, self.headers = client, api_token(db, user)

    def __call__(self, method: str, path: str, json: Any = None, expect: int = 200) -> Any:
        response = self.client.request(method, f"/api/v1{path}", json=json, headers=self.headers)
        assert response.status_code == expect, response.text
        return response.json() if response.content else None

    def error(self, method: str, path: str, json: Any = None, expect: int = 422) -> Any:
        """The error object of a refused call."""
        return self(method, path, json, expect=expect)["error"]


@pytest.fixture
def as_requester(client: TestClient, db: Session, requester: User) -> Api:
    return Api(client, db, requester)


@pytest.fixture
def guidelines(as_requester: Api) -> dict[str, Any]:
    """Sentiment guidelines, version 1, followed by no project."""
    created: dict[str, Any] = as_requester(
        "POST", "/guidelines", {"title": "Sentiment", "body": GUIDELINES_V1}, expect=201
    )
    return created


def _in_use(db: Session, requester: User, organization: Organization, gid: int) -> None:
    """A published test on the guidelines puts them in use: contributors may read them."""
    make_test(db, requester, organization, questions=1, guidelines_id=gid)


def test_create_read_and_list(
    as_requester: Api, guidelines: dict[str, Any], organization: Organization
) -> None:
    gid = guidelines["id"]
    assert guidelines["title"] == "Sentiment"
    assert guidelines["organization_id"] == organization.id, "the only organization managed"
    assert guidelines["current_version"] == 1 and guidelines["project_ids"] == []
    version = guidelines["version"]
    assert (version["number"], version["material"], version["note"]) == (1, False, "First version.")
    assert version["body"] == GUIDELINES_V1.strip()
    assert version["changes"] == {
        "added": ["1", "2", "2.1", "2.2", "3"],
        "removed": [],
        "changed": [],
    }
    assert guidelines["preamble"] == "# Sentiment guidelines\n\nRead the whole text first."
    sections = {s["number"]: s for s in guidelines["sections"]}
    assert list(sections) == ["1", "2", "2.1", "2.2", "3"]
    assert sections["2.1"] == {
        "number": "2.1",
        "title": "Positive and negative",
        "level": 2,
        "body": "Likes or dislikes.",
        "examples": [],
        "faq": [],
    }
    assert as_requester("GET", f"/guidelines/{gid}") == guidelines
    listed = as_requester("GET", "/guidelines")
    assert [(g["id"], g["title"], g["current_version"]) for g in listed] == [(gid, "Sentiment", 1)]
    assert set(listed[0]) == {
        "id",
        "organization_id",
        "title",
        "current_version",
        "created_at",
        "updated_at",
    }


def test_create_refuses_what_cannot_be_guidelines(
    client: TestClient, db: Session, as_requester: Api, requester: User
) -> None:
    error = as_requester.error("POST", "/guidelines", {"title": "T", "body": "no sections"})
    assert error["code"] == "invalid_input" and error["details"] == {"field": "body"}
    assert "numbered sections" in error["message"]
    error = as_requester.error("POST", "/guidelines", {"title": "   ", "body": GUIDELINES_V1})
    assert error["message"] == "'title': String should have at least 1 character."
    stranger = make_organization(db, "Elsewhere")
    error = as_requester.error(
        "POST",
        "/guidelines",
        {"organization_id": stranger.id, "title": "T", "body": GUIDELINES_V1},
        expect=404,
    )
    assert error["message"] == (
        f"You cannot write guidelines for an organization with id {stranger.id}."
    )
    accounts.add_membership(db, requester, stranger, Role.REQUESTER)
    db.commit()
    error = as_requester.error("POST", "/guidelines", {"title": "T", "body": GUIDELINES_V1})
    assert error["details"] == {"field": "organization_id"}, "two organizations: say which"
    chosen = as_requester(
        "POST",
        "/guidelines",
        {"organization_id": stranger.id, "title": "T", "body": GUIDELINES_V1},
        expect=201,
    )
    assert chosen["organization_id"] == stranger.id


def test_versions_are_published_listed_read_and_compared(
    as_requester: Api, guidelines: dict[str, Any]
) -> None:
    gid = guidelines["id"]
    published = as_requester(
        "POST", f"/guidelines/{gid}/versions", {"body": V2, "note": " Clearer "}, expect=201
    )
    assert published["version"]["number"] == 2 and published["version"]["note"] == "Clearer"
    assert published["version"]["changes"] == {"added": [], "removed": [], "changed": ["2.1"]}
    diff = published["diff"]
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert (diff["added"], diff["removed"], diff["changed"]) == ([], [], ["2.1"])
    assert "-Likes or dislikes.\n+Likes, praise, dislikes or complaints.\n" in diff["text_diff"]
    assert (published["notified"], published["refreshers_required"]) == (0, 0)
    assert as_requester("GET", f"/guidelines/{gid}")["current_version"] == 2

    versions = as_requester("GET", f"/guidelines/{gid}/versions")
    assert [(v["number"], v["note"]) for v in versions] == [(2, "Clearer"), (1, "First version.")]
    assert "body" not in versions[0], "the list leaves the text out"
    first = as_requester("GET", f"/guidelines/{gid}/versions/1")
    assert first["body"] == GUIDELINES_V1.strip() and first["number"] == 1
    missing = as_requester.error("GET", f"/guidelines/{gid}/versions/3", expect=404)
    assert missing["message"] == "These guidelines have no version 3; the latest is 2."

    same = as_requester.error("POST", f"/guidelines/{gid}/versions", {"body": V2}, expect=409)
    assert same["message"] == "Nothing changed: the text is the same as the current version."
    bad = as_requester.error("POST", f"/guidelines/{gid}/versions", {"body": "no sections"})
    assert bad["details"] == {"field": "body"}

    v3 = V2 + "\n## 4. Questions\nAsk under the section.\n"
    assert as_requester(
        "POST", f"/guidelines/{gid}/versions", {"body": v3, "material": True}, expect=201
    )["diff"]["added"] == ["4"]
    latest = as_requester("GET", f"/guidelines/{gid}/diff")
    assert (latest["from_version"], latest["to_version"], latest["added"]) == (2, 3, ["4"])
    whole = as_requester("GET", f"/guidelines/{gid}/diff?from=1&to=3")
    assert (whole["added"], whole["changed"]) == (["4"], ["2.1"])
    none = as_requester("GET", f"/guidelines/{gid}/diff?from=2&to=2")
    assert (none["added"], none["removed"], none["changed"], none["text_diff"]) == ([], [], [], "")
    as_requester.error("GET", f"/guidelines/{gid}/diff?to=9", expect=404)


def test_projects_follow_and_stop_following(
    client: TestClient,
    db: Session,
    as_requester: Api,
    guidelines: dict[str, Any],
    requester: User,
    organization: Organization,
) -> None:
    gid = guidelines["id"]
    project = make_project(db, requester, organization)
    linked = as_requester("POST", f"/guidelines/{gid}/projects", {"project_id": project.id})
    assert linked["project_ids"] == [project.id]
    assert as_requester("GET", f"/guidelines/{gid}")["project_ids"] == [project.id]
    unlinked = as_requester("DELETE", f"/guidelines/{gid}/projects/{project.id}")
    assert unlinked["project_ids"] == []
    error = as_requester.error("DELETE", f"/guidelines/{gid}/projects/{project.id}", expect=404)
    assert error["message"] == f"Project {project.id} does not follow these guidelines."

    other_org, other_requester = org_with_requester(db, "Elsewhere")
    theirs = make_project(db, other_requester, other_org)
    as_requester.error("POST", f"/guidelines/{gid}/projects", {"project_id": theirs.id}, expect=404)
    as_requester.error("POST", f"/guidelines/{gid}/projects", {"project_id": 0})

    created = as_requester(
        "POST",
        "/guidelines",
        {"title": "Followed", "body": GUIDELINES_V1, "project_ids": [project.id]},
        expect=201,
    )
    assert created["project_ids"] == [project.id]
    moved = as_requester("POST", f"/guidelines/{gid}/projects", {"project_id": project.id})
    assert moved["project_ids"] == [project.id]
    followed = as_requester("GET", f"/guidelines/{created['id']}")
    assert followed["project_ids"] == [], "a project follows one set of guidelines"


def test_examples_are_added_shown_under_their_section_and_removed(
    as_requester: Api, guidelines: dict[str, Any]
) -> None:
    gid = guidelines["id"]
    example = {
        "section": "2.2",
        "data": {"text": "The shop opens at nine."},
        "answer": "neutral",
        "explanation": " A fact, no attitude. ",
    }
    added = as_requester("POST", f"/guidelines/{gid}/examples", example, expect=201)
    assert {k: v for k, v in added.items() if k != "id"} == {
        **example,
        "explanation": "A fact, no attitude.",
    }
    sections = {s["number"]: s for s in as_requester("GET", f"/guidelines/{gid}")["sections"]}
    assert sections["2.2"]["examples"] == [added] and sections["2.1"]["examples"] == []

    unknown = as_requester.error("POST", f"/guidelines/{gid}/examples", {**example, "section": "9"})
    assert (
        unknown["message"]
        == "Section 9 is not in the current version; sections: 1, 2, 2.1, 2.2, 3."
    )
    empty = as_requester.error("POST", f"/guidelines/{gid}/examples", {**example, "data": {}})
    assert empty["details"] == {"field": "data"}
    blank = as_requester.error(
        "POST", f"/guidelines/{gid}/examples", {**example, "explanation": "  "}
    )
    assert blank["details"] == {"field": "explanation"}

    assert as_requester("DELETE", f"/guidelines/{gid}/examples/{added['id']}", expect=204) is None
    sections = {s["number"]: s for s in as_requester("GET", f"/guidelines/{gid}")["sections"]}
    assert sections["2.2"]["examples"] == []
    gone = as_requester.error("DELETE", f"/guidelines/{gid}/examples/{added['id']}", expect=404)
    assert gone["message"] == f"No example with id {added['id']} in these guidelines."


def test_questions_are_asked_answered_and_become_the_faq(
    client: TestClient,
    db: Session,
    as_requester: Api,
    guidelines: dict[str, Any],
    requester: User,
    organization: Organization,
    contributor: User,
) -> None:
    gid = guidelines["id"]
    me = Api(client, db, contributor)
    me.error("GET", f"/guidelines/{gid}", expect=404)  # not in use yet
    assert me("GET", "/guidelines") == []
    _in_use(db, requester, organization, gid)
    assert [g["id"] for g in me("GET", "/guidelines")] == [gid]

    asked = me(
        "POST",
        f"/guidelines/{gid}/questions",
        {"section": "3", "question": " Is irony sarcasm? "},
        expect=201,
    )
    assert (asked["section"], asked["version_number"], asked["question"]) == (
        "3",
        1,
        "Is irony sarcasm?",
    )
    assert asked["answer"] is None and asked["answered_at"] is None
    (told,) = notifications.unread(db, requester.id)
    assert told.title == "New question on section 3 of 'Sentiment'"
    assert told.link == f"/guidelines/{gid}#section-3"
    error = me.error("POST", f"/guidelines/{gid}/questions", {"section": "7", "question": "?"})
    assert error["details"] == {"field": "section"}

    other = Api(client, db, make_active_contributor(db, email="other@example.org"))
    assert other("GET", f"/guidelines/{gid}/questions") == [], "not answered, not theirs"
    assert [q["id"] for q in me("GET", f"/guidelines/{gid}/questions")] == [asked["id"]]
    inbox = as_requester("GET", f"/guidelines/{gid}/questions?unanswered=true")
    assert [q["id"] for q in inbox] == [asked["id"]]

    answered = as_requester(
        "POST",
        f"/guidelines/{gid}/questions/{asked['id']}/answer",
        {"answer": " Yes, label it alike. "},
    )
    assert answered["answer"] == "Yes, label it alike." and answered["answered_at"] is not None
    assert as_requester("GET", f"/guidelines/{gid}/questions?unanswered=true") == []
    assert [q["id"] for q in as_requester("GET", f"/guidelines/{gid}/questions")] == [asked["id"]]
    assert [q["id"] for q in other("GET", f"/guidelines/{gid}/questions")] == [asked["id"]]
    sections = {s["number"]: s for s in other("GET", f"/guidelines/{gid}")["sections"]}
    assert [(q["question"], q["answer"]) for q in sections["3"]["faq"]] == [
        ("Is irony sarcasm?", "Yes, label it alike.")
    ]
    (reply,) = notifications.unread(db, contributor.id)
    assert reply.title == "Your question on section 3 of 'Sentiment' was answered"

    as_requester.error("POST", f"/guidelines/{gid}/questions/{asked['id']}/answer", {"answer": ""})
    missing = as_requester.error(
        "POST", f"/guidelines/{gid}/questions/999999/answer", {"answer": "x"}, expect=404
    )
    assert missing["message"] == "No question with id 999999 on these guidelines."


def test_another_organizations_ids_are_404(
    client: TestClient, db: Session, as_requester: Api, guidelines: dict[str, Any]
) -> None:
    gid = guidelines["id"]
    example = as_requester(
        "POST",
        f"/guidelines/{gid}/examples",
        {"section": "1", "data": {"text": "x"}, "explanation": "Why."},
        expect=201,
    )
    question = as_requester(
        "POST", f"/guidelines/{gid}/questions", {"section": "1", "question": "Why?"}, expect=201
    )
    other_org, other_requester = org_with_requester(db, "Elsewhere")
    theirs = make_project(db, other_requester, other_org)
    them = Api(client, db, other_requester)
    assert gid not in [g["id"] for g in them("GET", "/guidelines")]
    calls: list[tuple[str, str, Any]] = [
        ("GET", f"/guidelines/{gid}", None),
        ("GET", f"/guidelines/{gid}/versions", None),
        ("GET", f"/guidelines/{gid}/versions/1", None),
        ("POST", f"/guidelines/{gid}/versions", {"body": V2}),
        ("GET", f"/guidelines/{gid}/diff", None),
        ("POST", f"/guidelines/{gid}/projects", {"project_id": theirs.id}),
        ("DELETE", f"/guidelines/{gid}/projects/{theirs.id}", None),
        (
            "POST",
            f"/guidelines/{gid}/examples",
            {"section": "1", "data": {"a": 1}, "explanation": "x"},
        ),
        ("DELETE", f"/guidelines/{gid}/examples/{example['id']}", None),
        ("GET", f"/guidelines/{gid}/questions", None),
        ("POST", f"/guidelines/{gid}/questions", {"section": "1", "question": "Hm?"}),
        ("POST", f"/guidelines/{gid}/questions/{question['id']}/answer", {"answer": "No."}),
    ]
    for method, path, body in calls:
        error = them.error(method, path, body, expect=404)
        assert error["message"] == f"No guidelines with id {gid}.", (method, path)
    assert as_requester("GET", f"/guidelines/{gid}")["current_version"] == 1, "nothing changed"


def test_a_contributor_reads_and_asks_but_cannot_write(
    client: TestClient,
    db: Session,
    as_requester: Api,
    guidelines: dict[str, Any],
    requester: User,
    organization: Organization,
    contributor: User,
) -> None:
    gid = guidelines["id"]
    _in_use(db, requester, organization, gid)
    project = make_project(db, requester, organization)
    example = as_requester(
        "POST",
        f"/guidelines/{gid}/examples",
        {"section": "1", "data": {"text": "x"}, "explanation": "Why."},
        expect=201,
    )
    me = Api(client, db, contributor)
    question = me(
        "POST", f"/guidelines/{gid}/questions", {"section": "1", "question": "Why?"}, expect=201
    )
    calls: list[tuple[str, str, Any]] = [
        ("POST", f"/guidelines/{gid}/versions", {"body": V2}),
        ("POST", f"/guidelines/{gid}/projects", {"project_id": project.id}),
        ("DELETE", f"/guidelines/{gid}/projects/{project.id}", None),
        (
            "POST",
            f"/guidelines/{gid}/examples",
            {"section": "1", "data": {"a": 1}, "explanation": "x"},
        ),
        ("DELETE", f"/guidelines/{gid}/examples/{example['id']}", None),
        ("POST", f"/guidelines/{gid}/questions/{question['id']}/answer", {"answer": "Because."}),
    ]
    for method, path, body in calls:
        error = me.error(method, path, body, expect=403)
        assert error["message"] == (
            "Only the organization's requesters and admins can change these guidelines."
        ), (method, path)
    refused = me.error("POST", "/guidelines", {"title": "Mine", "body": GUIDELINES_V1})
    assert refused["details"] == {"field": "organization_id"}
    me.error(
        "POST",
        "/guidelines",
        {"organization_id": organization.id, "title": "Mine", "body": GUIDELINES_V1},
        expect=404,
    )
    after = as_requester("GET", f"/guidelines/{gid}")
    assert after["current_version"] == 1 and after["project_ids"] == []
    assert [e["id"] for e in after["sections"][0]["examples"]] == [example["id"]]
    assert after["sections"][0]["faq"] == [], "the question is still unanswered"


def test_an_admin_manages_any_organizations_guidelines(
    client: TestClient, db: Session, guidelines: dict[str, Any]
) -> None:
    gid = guidelines["id"]
    admin = Api(client, db, make_user(db, role=Role.ADMIN))
    assert [g["id"] for g in admin("GET", "/guidelines")] == [gid]
    published = admin("POST", f"/guidelines/{gid}/versions", {"body": V2}, expect=201)
    assert published["version"]["number"] == 2
