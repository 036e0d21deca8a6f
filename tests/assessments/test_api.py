"""The tests API end to end, and that answers never reach a taker before they submit."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from tests.assessments.builders import (
    GUIDELINES_V1,
    SENTIMENT_CONTROL,
    TEXT_CONTROL,
    make_project,
)
from tests.factories import api_token, make_user

SECRET = "EXPLAINED-zq81"
TEXT_ANSWER = "pangolin umbrella seventeen"


class Recorder:
    """Calls the API as one user and keeps every response body, to scan for leaks."""

    def __init__(self, client: TestClient, headers: dict[str, str]) -> None:
        self.client, self.headers = client, headers
        self.bodies: list[str] = []

    def __call__(self, method: str, url: str, json: Any = None, expect: int = 200) -> Any:
        response = self.client.request(method, url, json=json, headers=self.headers)
        assert response.status_code == expect, response.text
        self.bodies.append(response.text)
        return response.json() if response.content else None

    def leaked(self, *secrets: str) -> list[str]:
        return [s for s in secrets for body in self.bodies if s in body]


def build(
    client: TestClient, db: Session, requester: User, organization: Organization, **settings: Any
) -> tuple[Recorder, dict[str, Any]]:
    as_requester = Recorder(client, api_token(db, requester))
    project = make_project(db, requester, organization)
    guidelines = as_requester(
        "POST",
        "/api/v1/guidelines",
        {"title": "Sentiment", "body": GUIDELINES_V1, "project_ids": [project.id]},
        expect=201,
    )
    test = as_requester(
        "POST",
        "/api/v1/tests",
        {
            "title": "Review qualification",
            "kind": "qualification",
            "project_id": project.id,
            "guidelines_id": guidelines["id"],
            "pass_mark": 50,
            **settings,
        },
        expect=201,
    )
    tid = test["id"]
    as_requester(
        "POST",
        f"/api/v1/tests/{tid}/questions",
        {
            "data": {"text": "Oh great, it broke."},
            "control": {**SENTIMENT_CONTROL, "guideline_section": "3"},
            "correct_answer": "negative",
            "explanation": f"{SECRET}-1 sarcasm",
        },
        expect=201,
    )
    as_requester(
        "POST",
        f"/api/v1/tests/{tid}/questions",
        {
            "data": {"text": TEXT_ANSWER.upper()},
            "control": TEXT_CONTROL,
            "correct_answer": TEXT_ANSWER,
            "explanation": f"{SECRET}-2 copy the words",
            "guideline_section": "1",
        },
        expect=201,
    )
    as_requester("POST", f"/api/v1/tests/{tid}/status", {"status": "published"})
    return as_requester, {"test": test, "guidelines": guidelines, "project": project}


def test_exam_flow_never_sends_answers_or_explanations_to_the_taker(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    as_requester, built = build(
        client, db, requester, organization, cooldown_seconds=3600, max_attempts=2
    )
    tid = built["test"]["id"]
    manager_view = as_requester("GET", f"/api/v1/tests/{tid}/questions")
    assert [q["correct_answer"] for q in manager_view] == ["negative", TEXT_ANSWER]

    me = Recorder(client, api_token(db, contributor))
    listed = me("GET", "/api/v1/tests")
    (card,) = [t for t in listed if t["id"] == tid]
    assert card["status"]["can_start"] and card["status"]["attempts_left"] == 2
    assert card["retake_policy"].startswith("Wait 1 hour")
    me("GET", f"/api/v1/tests/{tid}/questions", expect=404)  # not a member of the organization
    attempt = me("POST", f"/api/v1/tests/{tid}/attempts", expect=201)
    again = me("POST", f"/api/v1/tests/{tid}/attempts", expect=409)
    assert again["error"]["code"] == "attempt_in_progress"
    questions = {q["control"]["kind"]: q for q in attempt["questions"]}
    assert all(q["feedback"] is None for q in attempt["questions"])
    saved = me(
        "PUT",
        f"/api/v1/attempts/{attempt['id']}/answers/{questions['choice']['id']}",
        {"answer": "negative"},
    )
    assert saved == {"question_id": questions["choice"]["id"], "saved": True, "feedback": None}
    bad = me(
        "PUT",
        f"/api/v1/attempts/{attempt['id']}/answers/{questions['choice']['id']}",
        {"answer": "furious"},
        expect=422,
    )
    assert bad["error"]["details"] == {"field": "answer"}
    me(
        "PUT",
        f"/api/v1/attempts/{attempt['id']}/answers/{questions['text']['id']}",
        {"answer": "pangolin"},
    )
    me("GET", f"/api/v1/attempts/{attempt['id']}")
    me("GET", f"/api/v1/tests/{tid}")
    me("GET", f"/api/v1/tests/{tid}/attempts")
    assert me.leaked(SECRET, TEXT_ANSWER) == []

    result = me("POST", f"/api/v1/attempts/{attempt['id']}/submit")["result"]
    assert result["passed"] and result["percent"] == 66.7  # 1 + 1/3 over 2: partial credit
    assert [(s["section"], s["title"]) for s in result["restudy"]] == [("1", "Task")]
    # Exam mode keeps the answers secret after submission too.
    assert me.leaked(SECRET, TEXT_ANSWER) == []
    assert [q["key"] for q in me("GET", "/api/v1/me/qualifications")] == [
        built["test"]["qualification_key"]
    ]
    status = me("GET", f"/api/v1/tests/{tid}")["status"]
    assert (status["state"], status["can_start"]) == ("passed", False)


def test_training_feedback_only_after_each_answer(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    _, built = build(client, db, requester, organization, mode="training")
    me = Recorder(client, api_token(db, contributor))
    attempt = me("POST", f"/api/v1/tests/{built['test']['id']}/attempts", expect=201)
    first, second = attempt["questions"]
    assert me.leaked(SECRET) == []
    answered = me(
        "PUT",
        f"/api/v1/attempts/{attempt['id']}/answers/{first['id']}",
        {"answer": "positive" if first["control"]["kind"] == "choice" else "pangolin"},
    )
    feedback = answered["feedback"]
    assert feedback["correct"] is False and SECRET in feedback["explanation"]
    assert feedback["section_title"] in ("Task", "Edge cases")
    view = me("GET", f"/api/v1/attempts/{attempt['id']}")
    assert view["questions"][0]["feedback"] is not None
    assert view["questions"][1]["feedback"] is None
    other_secret = f"{SECRET}-2" if first["control"]["kind"] == "choice" else f"{SECRET}-1"
    assert other_secret not in view["questions"][1].__repr__()
    assert other_secret not in me.bodies[-1]
    final = me(
        "PUT",
        f"/api/v1/attempts/{attempt['id']}/answers/{first['id']}",
        {"answer": "x"},
        expect=409,
    )
    assert final["error"]["code"] == "already_answered"
    assert second["feedback"] is None


def test_cooldown_status_and_lockout_over_the_api(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    _, built = build(client, db, requester, organization, cooldown_seconds=600, max_attempts=1)
    tid = built["test"]["id"]
    me = Recorder(client, api_token(db, contributor))
    attempt = me("POST", f"/api/v1/tests/{tid}/attempts", expect=201)
    result = me("POST", f"/api/v1/attempts/{attempt['id']}/submit")["result"]
    assert result["passed"] is False and result["answered"] == 0
    card = me("GET", f"/api/v1/tests/{tid}")
    assert card["status"]["state"] == "locked" and card["status"]["attempts_left"] == 0
    assert card["status"]["next_attempt_at"] is None
    locked = me("POST", f"/api/v1/tests/{tid}/attempts", expect=409)
    assert locked["error"]["code"] == "test_locked"
    assert me("GET", "/api/v1/me/qualifications") == []


def test_guidelines_api_versions_faq_and_refreshers(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    as_requester, built = build(client, db, requester, organization, pass_mark=100)
    gid, tid, pid = built["guidelines"]["id"], built["test"]["id"], built["project"].id
    me = Recorder(client, api_token(db, contributor))
    attempt = me("POST", f"/api/v1/tests/{tid}/attempts", expect=201)
    for q in attempt["questions"]:
        answer = "negative" if q["control"]["kind"] == "choice" else TEXT_ANSWER
        me("PUT", f"/api/v1/attempts/{attempt['id']}/answers/{q['id']}", {"answer": answer})
    assert me("POST", f"/api/v1/attempts/{attempt['id']}/submit")["result"]["passed"]

    detail = me("GET", f"/api/v1/guidelines/{gid}")  # readable: a published test uses it
    assert [s["number"] for s in detail["sections"]] == ["1", "2", "2.1", "2.2", "3"]
    asked = me(
        "POST",
        f"/api/v1/guidelines/{gid}/questions",
        {"section": "3", "question": "Irony?"},
        expect=201,
    )
    inbox = as_requester("GET", f"/api/v1/guidelines/{gid}/questions?unanswered=true")
    assert [q["id"] for q in inbox] == [asked["id"]]
    as_requester(
        "POST",
        f"/api/v1/guidelines/{gid}/questions/{asked['id']}/answer",
        {"answer": "Same as sarcasm."},
    )
    faq = me("GET", f"/api/v1/guidelines/{gid}")["sections"][4]["faq"]
    assert [(q["question"], q["answer"]) for q in faq] == [("Irony?", "Same as sarcasm.")]
    as_requester(
        "POST",
        f"/api/v1/guidelines/{gid}/examples",
        {
            "section": "3",
            "data": {"text": "Oh great"},
            "answer": "negative",
            "explanation": "Sarcasm.",
        },
        expect=201,
    )
    me(
        "POST",
        f"/api/v1/guidelines/{gid}/examples",
        {"section": "3", "data": {"t": 1}, "explanation": "x"},
        expect=403,
    )

    new_body = GUIDELINES_V1.replace("not the words", "never the literal words")
    published = as_requester(
        "POST",
        f"/api/v1/guidelines/{gid}/versions",
        {"body": new_body, "material": True},
        expect=201,
    )
    assert published["diff"]["changed"] == ["3"] and published["refreshers_required"] == 1
    diff = me("GET", f"/api/v1/guidelines/{gid}/diff")
    assert (diff["from_version"], diff["to_version"], diff["changed"]) == (1, 2, ["3"])
    assert "+Sarcasm: label the meaning, never the literal words." in diff["text_diff"]
    check = me("GET", f"/api/v1/me/projects/{pid}/claim-check")
    assert check["allowed"] is False and "sections 3" in check["reason"]
    (pending,) = me("GET", "/api/v1/me/refreshers")
    assert (pending["sections"], pending["question_count"]) == (["3"], 1)
    refresher = me("POST", f"/api/v1/tests/{tid}/refresher", expect=201)
    assert [q["control"]["kind"] for q in refresher["questions"]] == ["choice"]
    assert refresher["purpose"] == "refresher"
    me(
        "PUT",
        f"/api/v1/attempts/{refresher['id']}/answers/{refresher['questions'][0]['id']}",
        {"answer": "negative"},
    )
    assert me("POST", f"/api/v1/attempts/{refresher['id']}/submit")["result"]["passed"]
    assert me("GET", f"/api/v1/me/projects/{pid}/claim-check") == {"allowed": True, "reason": ""}


def test_skills_by_hand_and_tenancy(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    admin = make_user(db, role=Role.ADMIN)
    as_admin = Recorder(client, api_token(db, admin))
    as_admin(
        "PUT", f"/api/v1/users/{contributor.id}/skills/grammar", {"level": 72, "reason": "essay"}
    )
    assert [
        (s["skill_key"], s["level"], s["source"])
        for s in as_admin("GET", f"/api/v1/users/{contributor.id}/skills")
    ] == [("grammar", 72, "manual")]
    me = Recorder(client, api_token(db, contributor))
    assert me("GET", "/api/v1/me/skills")[0]["level"] == 72
    me("PUT", f"/api/v1/users/{contributor.id}/skills/grammar", {"level": 100}, expect=403)
    _, built = build(client, db, requester, organization)
    stranger_org = make_user(db, role=Role.REQUESTER)
    other = Recorder(client, api_token(db, stranger_org))
    other("PATCH", f"/api/v1/tests/{built['test']['id']}", {"pass_mark": 1}, expect=404)
    other("GET", f"/api/v1/guidelines/{built['guidelines']['id']}", expect=404)
    # A platform-wide skill test by an admin.
    created = as_admin(
        "POST",
        "/api/v1/tests",
        {"title": "Grammar", "kind": "skill", "skill_key": "grammar"},
        expect=201,
    )
    assert created["organization_id"] is None
