"""Schemathesis against /openapi.json as every kind of caller: no 5xx, answers match the spec.

A bounded run per operation keeps CI fast (`LABELPOOL_FUZZ_EXAMPLES`, default 4 per operation
and caller); `make fuzz` runs the same test with many more examples and prints the figures.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core.result import Err
from sqlalchemy.orm import Session

from labelpool.accounts.roles import Role
from labelpool.config import Settings
from tests.assessments.builders import make_guidelines, make_project, make_test, org_with_requester
from tests.factories import api_token, make_active_contributor, make_user

EXAMPLES = int(os.environ.get("LABELPOOL_FUZZ_EXAMPLES", "4"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


CALLERS = ["anonymous", "applicant", "contributor", "reviewer", "requester", "admin"]


def _caller_headers(db: Session, caller: str) -> dict[str, str]:
    """An API token for one kind of caller (anonymous: none), beside data worth reaching.

    Staff belong to an organization with a project, guidelines and a published test, so the
    small ids the fuzzer tries first lead somewhere.
    """
    organization, requester = org_with_requester(db, "Fuzz")
    project = make_project(db, requester, organization)
    make_guidelines(db, requester, organization, [project])
    make_test(db, requester, organization)
    if caller == "anonymous":
        return {}
    if caller == "requester":
        return api_token(db, requester)
    if caller == "contributor":
        return api_token(db, make_active_contributor(db))
    if caller == "applicant":
        return api_token(db, make_user(db, role=Role.CONTRIBUTOR))
    if caller == "reviewer":
        return api_token(db, make_user(db, role=Role.REVIEWER, organization=organization))
    return api_token(db, make_user(db, role=Role.ADMIN))


@pytest.fixture
def fuzz_app(settings: Settings) -> Iterator[FastAPI]:
    from labelpool.app import create_app

    app = create_app(settings)
    yield app
    app.state.engine.dispose()


def _fuzz_operation(operation: Any, headers: dict[str, str], statuses: Counter[str]) -> None:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not os.environ.get("LABELPOOL_FUZZ_RANDOM"),
        suppress_health_check=list(HealthCheck),
        database=None,
        phases=[Phase.explicit, Phase.generate],  # report the first failure, unshrunk
    )
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        statuses[f"{response.status_code // 100}xx"] += 1
        case.validate_response(response, checks=CHECKS)

    run()


@pytest.mark.parametrize("caller", CALLERS)
def test_api_as_every_caller(caller: str, fuzz_app: FastAPI, db: Session) -> None:
    headers = _caller_headers(db, caller)
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)
    failures = []
    operations = 0
    statuses: Counter[str] = Counter()
    started = time.perf_counter()
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"an operation of the schema is invalid: {result.err()}")
            continue
        operation = result.ok()
        operations += 1
        try:
            _fuzz_operation(operation, headers, statuses)
        except Exception as exc:  # every operation's failure is collected
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    figures = ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
    print(
        f"\nfuzz as {caller}: {operations} operations, {sum(statuses.values())} requests "
        f"({figures}) in {time.perf_counter() - started:.1f} s, {len(failures)} failing"
    )
    assert operations > 60
    assert failures == [], "\n\n".join(failures)
