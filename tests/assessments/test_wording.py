"""Words on the test pages say what is true (issue 19.8): lockout counts, the next attempt
line while one is open, and demo descriptions that count the real questions."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.assessments import service
from labelpool.assessments.models import AssessmentTest
from labelpool.assessments.retake import AttemptRecord, RetakePolicy, retake_status
from labelpool.config import Settings
from labelpool.db.types import utcnow
from labelpool.demo.seed import NUMBER_WORDS, seed_demo
from tests.assessments.builders import make_test
from tests.factories import PASSWORD, csrf_token, log_in

T0 = utcnow()


def _failed() -> AttemptRecord:
    return AttemptRecord(T0, T0 + timedelta(minutes=1), False)


def test_lockout_message_counts_the_attempts() -> None:
    three = retake_status(RetakePolicy(max_attempts=3), [_failed()] * 3, T0)
    assert three.reason.startswith("You have used all 3 attempts without passing")
    one = retake_status(RetakePolicy(max_attempts=1), [_failed()], T0)
    assert one.reason.startswith("You have used your only attempt without passing")
    assert "used attempt" not in one.reason


def _facts(html: str) -> dict[str, str]:
    pairs = re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", html, flags=re.S)
    return {k.strip(): re.sub(r"<[^>]+>", "", v).strip() for k, v in pairs}


def test_an_open_attempt_is_not_a_next_attempt_that_never_opens(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, max_attempts=3, cooldown_seconds=3600)
    log_in(client, contributor.email, PASSWORD)
    before = _facts(client.get(f"/tests/{test.id}").text)
    assert before["Next attempt opens"] == "Now"

    started = client.post(
        f"/tests/{test.id}/attempts",
        data={"csrf_token": csrf_token(client)},
        follow_redirects=False,
    )
    assert started.status_code == 303
    page = client.get(f"/tests/{test.id}").text
    facts = _facts(page)
    assert "Next attempt opens" not in facts and "Never" not in page
    assert facts["Attempt"] == "You have an attempt in progress"
    listing = _facts(client.get("/tests").text)
    assert "Next attempt" not in listing and listing["Attempt"] == "You have an attempt in progress"

    attempt_id = int(started.headers["location"].split("/")[2])
    client.post(f"/attempts/{attempt_id}/submit", data={"csrf_token": csrf_token(client)})
    cooling = _facts(client.get(f"/tests/{test.id}").text)
    assert re.search(r"\(in (1 hour|59 min)", cooling["Next attempt opens"])


def test_a_locked_test_says_so_with_the_number_of_attempts(
    client: TestClient, db: Session, organization: Organization, requester: User, contributor: User
) -> None:
    test = make_test(db, requester, organization, max_attempts=1)
    attempt = service.start_attempt(db, contributor, test)
    service.submit_attempt(db, contributor, attempt)  # nothing answered: failed
    db.commit()
    log_in(client, contributor.email, PASSWORD)
    page = client.get(f"/tests/{test.id}").text
    assert "You have used your only attempt without passing" in page
    assert _facts(page)["Next attempt opens"] == "Never: the test is locked for you"


def test_demo_test_descriptions_count_their_questions(db: Session, settings: Settings) -> None:
    seed_demo(db, settings)
    db.commit()
    tests = list(db.scalars(select(AssessmentTest).order_by(AssessmentTest.id)))
    assert tests
    for test in tests:
        pool = len(service.question_ids_of(db, test))
        numbers = [
            NUMBER_WORDS.index(w.lower())
            for w in re.findall(r"[A-Za-z]+", test.description)
            if w.lower() in NUMBER_WORDS[1:]
        ]
        assert numbers, test.description
        assert numbers[0] == (test.subset_size or pool), test.description
        assert all(n <= pool for n in numbers), test.description
        if test.subset_size and test.subset_size < pool:
            assert pool in numbers, f"{test.description} names the pool of {pool}"
