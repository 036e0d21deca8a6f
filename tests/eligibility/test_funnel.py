"""The requester's funnel and capacity forecast (issue 21.3): how many active contributors meet
each rule alone and cumulatively, the rule that removes the most, the forecast from declared
hours and measured pace, the deadline flag, who may see it, and its cost in queries."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.accounts.roles import Role
from labelpool.assessments.qualifications import set_skill_level
from labelpool.contributors import service as contributors
from labelpool.contributors.enums import CheckName, DeviceKind, OperatingSystem, Proficiency
from labelpool.contributors.settings import ReviewSettings
from labelpool.db.engine import make_session_factory
from labelpool.db.types import utcnow
from labelpool.eligibility import service
from labelpool.eligibility.facts_batch import active_pool_facts
from labelpool.eligibility.funnel import (
    ESTIMATE,
    MEASURED,
    choose_pace,
    count_funnel,
    forecast,
    funnel_of,
    template_estimate,
)
from labelpool.eligibility.rules import ContributorFacts, Requirements, evaluate
from labelpool.errors import InvalidInput
from labelpool.projects import service as projects
from labelpool.projects.models import Project, ProjectStatus
from labelpool.work import claims, submissions
from tests.assessments.builders import make_test, org_with_requester
from tests.factories import api_token, log_in, make_active_contributor, make_user
from tests.work.helpers import Setup, work_project

GOOD = {"sentiment": "positive"}
LAPTOP = (DeviceKind.LAPTOP, OperatingSystem.LINUX)
PHONE = (DeviceKind.PHONE, OperatingSystem.ANDROID)
# Germans and Kenyans, German at fluent level, ten hours a week.
RULES = Requirements.model_validate(
    {
        "countries_allowed": ["DE", "KE"],
        "languages": [{"language": "de", "minimum": "fluent"}],
        "min_weekly_hours": 10,
    }
)


def contributor(
    db: Session,
    *,
    country: str = "KE",
    languages: Sequence[tuple[str, Proficiency]] = (("en", Proficiency.FLUENT),),
    devices: Sequence[tuple[DeviceKind, OperatingSystem]] = (LAPTOP,),
    hours: int | None = 20,
) -> User:
    """An active contributor with this profile (the review passes again where it reopens)."""
    user = make_active_contributor(db, country=country)
    settings = ReviewSettings()
    contributors.update_profile(
        db,
        user,
        contributors.ProfileInput(
            country=country,
            languages=list(languages),
            primary_domain="general",
            secondary_skills=["search-evaluation"],
            experience="Two years of data annotation for search and e-commerce.",
            devices=list(devices),
            headphones=True,
            microphone=True,
            weekly_hours=hours,
            time_zone="Europe/Berlin",
        ),
        settings,
    )
    if not contributors.is_active(db, user.id):
        contributors.pass_check(
            db,
            user.id,
            CheckName.LANGUAGE_VERIFIED,
            "Checked for the tests.",
            None,
            settings=settings,
        )
    db.commit()
    assert contributors.is_active(db, user.id)
    return user


def five_contributors(db: Session) -> dict[str, User]:
    """a: Kenyan, no German (fails only the language); b, c: German speakers at 10 and 30
    hours (eligible); d: French, basic German, 5 hours (fails three); e: Kenyan, no German, 5
    hours (fails two)."""
    return {
        "a": contributor(db, country="KE", hours=20),
        "b": contributor(db, country="DE", languages=[("de", Proficiency.FLUENT)], hours=10),
        "c": contributor(
            db,
            country="DE",
            languages=[("de", Proficiency.NATIVE)],
            devices=[LAPTOP, PHONE],
            hours=30,
        ),
        "d": contributor(db, country="FR", languages=[("de", Proficiency.BASIC)], hours=5),
        "e": contributor(db, country="KE", hours=5),
    }


def project_with(db: Session, rules: Requirements, *, items: int = 10, overlap: int = 1) -> Setup:
    setup = work_project(db, items=items, overlap=overlap)
    service.save_requirements(db, setup.requester, setup.project, rules)
    db.commit()
    return setup


def every_kind_of_rule(db: Session, setup: Setup, **more: Any) -> Requirements:
    """RULES plus a skill, a test of the project's organization, a device and a limit of
    projects at once, saved as the project's requirements."""
    organization = db.get(Organization, setup.project.organization_id)
    assert organization is not None
    test = make_test(db, setup.requester, organization, title="Grammar check")
    rules = Requirements.model_validate(
        {
            **RULES.model_dump(mode="json"),
            "skills": [{"skill": "grammar", "minimum": 50}],
            "tests": [test.id],
            "max_active_projects": 1,
            **more,
        }
    )
    service.save_requirements(db, setup.requester, setup.project, rules)
    db.commit()
    return rules


def steps_of(project: Project, db: Session) -> dict[str, tuple[int, int, int, int]]:
    """{rule key: (alone, cumulative, removed, only blocker)}."""
    report = funnel_of(db, project)
    return {s.key: (s.alone, s.cumulative, s.removed, s.only_blocker) for s in report.funnel.steps}


# --- the funnel ----------------------------------------------------------------------------


def test_funnel_counts_each_rule_alone_and_cumulatively(db: Session) -> None:
    five_contributors(db)
    setup = project_with(db, RULES)
    report = funnel_of(db, setup.project)
    funnel = report.funnel
    assert funnel.active == 5
    # In the explainer's order; "account active" holds for every active contributor.
    assert [s.key for s in funnel.steps] == [
        "refreshers_done",
        "countries_allowed",
        "language:de",
        "min_weekly_hours",
    ]
    assert steps_of(setup.project, db) == {
        "refreshers_done": (5, 5, 0, 0),
        "countries_allowed": (4, 4, 1, 0),  # d lives in France
        "language:de": (2, 2, 2, 1),  # only b and c speak German well enough; a fails only it
        "min_weekly_hours": (3, 2, 0, 0),  # d and e give 5 hours
    }
    assert funnel.eligible == 2
    assert funnel.removes_most is not None
    assert funnel.removes_most.key == "language:de"
    assert funnel.removes_most.label == "Speaks German at least at fluent level"


def test_the_batch_loader_agrees_with_the_explainer(db: Session) -> None:
    """Every active contributor's rules, read for the whole pool at once, come out as the
    explainer reads them for one contributor."""
    people = five_contributors(db)
    admin = make_user(db, role=Role.ADMIN)
    set_skill_level(db, admin, people["b"].id, "grammar", 80)
    set_skill_level(db, admin, people["c"].id, "grammar", 40)
    db.commit()
    setup = work_project(db)
    rules = every_kind_of_rule(db, setup, devices=["phone"])
    pool = active_pool_facts(db, rules, setup.project.id)
    assert sorted(f.user_id for f in pool) == sorted(u.id for u in people.values())
    for facts in pool:
        batched = {r.key: r.met for r in evaluate(rules, facts, project_id=setup.project.id)}
        user = next(u for u in people.values() if u.id == facts.user_id)
        one_by_one = {r.key: r.met for r in service.explain(db, user, setup.project)}
        assert batched == one_by_one, user.email


def test_removes_most_falls_back_to_the_rule_most_fail_when_none_is_the_only_one() -> None:
    """Nobody fails exactly one rule: the rule the most contributors fail removes the most."""
    rules = Requirements(countries_allowed=["DE"], min_weekly_hours=10)
    pool = [
        ContributorFacts(1, True, country="FR", weekly_hours=5),
        ContributorFacts(2, True, country="FR", weekly_hours=5),
        ContributorFacts(3, True, country="DE", weekly_hours=20),
        ContributorFacts(4, True, country="US", weekly_hours=12),
    ]
    funnel, eligible = count_funnel(rules, pool, project_id=1)
    assert [f.user_id for f in eligible] == [3]
    by_key = {s.key: s for s in funnel.steps}
    assert by_key["countries_allowed"].only_blocker == 1  # 4 fails only the country
    assert funnel.removes_most is not None and funnel.removes_most.key == "countries_allowed"
    pool[3] = ContributorFacts(4, True, country="US", weekly_hours=2)
    funnel, _ = count_funnel(rules, pool, project_id=1)
    assert all(s.only_blocker == 0 for s in funnel.steps)
    # Countries and hours both keep 3 out; the earlier rule is named.
    assert funnel.removes_most is not None and funnel.removes_most.key == "countries_allowed"
    assert funnel.removes_most.failing == 3


def test_no_rule_removes_anyone_when_everyone_meets_every_rule() -> None:
    pool = [ContributorFacts(n, True, country="DE", weekly_hours=20) for n in range(3)]
    funnel, eligible = count_funnel(Requirements(countries_allowed=["DE"]), pool, project_id=1)
    assert funnel.eligible == len(eligible) == 3
    assert funnel.removes_most is None
    empty, _ = count_funnel(Requirements(countries_allowed=["DE"]), [], project_id=1)
    assert empty.active == 0 and empty.removes_most is None
    assert [s.key for s in empty.steps] == ["refreshers_done", "countries_allowed"]


# --- the forecast --------------------------------------------------------------------------


def test_forecast_uses_the_template_estimate_then_the_measured_pace(db: Session) -> None:
    people = five_contributors(db)
    setup = project_with(db, RULES, items=10, overlap=1)
    before = funnel_of(db, setup.project).forecast
    seconds, basis = template_estimate(setup.project)
    assert before.pace.source == ESTIMATE and before.pace.responses == 0
    # A text task of one question: the text family's 20 seconds.
    assert seconds == 20 and before.pace.seconds == 20
    assert (
        basis == before.pace.basis == "estimate for the “Text sentiment” template with 1 question"
    )
    assert before.eligible == 2 and before.weekly_hours == 40 and before.without_hours == 0
    assert before.remaining_items == 10 and before.remaining_answers == 10
    per_day = 40 / 7 * 3600 / seconds
    assert before.answers_per_day == pytest.approx(per_day)
    assert before.items_per_day == pytest.approx(per_day)
    assert before.days_to_finish == pytest.approx(10 / per_day)
    assert not before.flagged and before.deadline is None

    # b answers three items taking 30, 90 and 60 seconds; c holds a live lease on a fourth.
    for n, active_seconds in enumerate((30, 90, 60)):
        claimed = claims.claim(db, people["b"], setup.project.id)
        submissions.submit(db, people["b"], claimed.assignment.id, GOOD, active_seconds, f"k{n}")
    claims.claim(db, people["c"], setup.project.id)
    db.commit()
    after = funnel_of(db, setup.project).forecast
    assert after.pace.source == MEASURED
    assert after.pace.responses == 3 and after.pace.seconds == 60  # the median
    assert after.pace.basis == "median of 3 counted responses"
    # Three items are answered; the one leased to c still wants its answer.
    assert after.remaining_items == 6 and after.remaining_answers == 7
    assert after.answers_per_day == pytest.approx(40 / 7 * 3600 / 60)
    assert after.items_per_day == pytest.approx(after.answers_per_day)  # overlap 1


def test_contributors_without_declared_hours_add_no_capacity() -> None:
    now = utcnow()
    pace = choose_pace(None, 0, (36, "estimate for a text task with 1 question"))
    outlook = forecast(
        eligible_hours=[14, None],
        pool_hours=[14, None, 40],
        pace=pace,
        remaining_items=100,
        remaining_answers=100,
        overlap=2,
        now=now,
        deadline=None,
        removes_most=None,
    )
    assert outlook.without_hours == 1 and outlook.weekly_hours == 14
    assert outlook.hours_per_day == 2 and outlook.answers_per_day == 200  # 2 h at 36 s
    assert outlook.items_per_day == 100 and outlook.days_to_finish == 0.5
    assert outlook.finish_at == now + timedelta(hours=12)


def test_the_median_of_an_even_number_of_responses_is_the_mean_of_the_middle_two(
    db: Session,
) -> None:
    people = five_contributors(db)
    setup = project_with(db, RULES, items=10, overlap=2)
    for user, times in ((people["b"], (10, 40)), (people["c"], (20, 100))):
        for n, active_seconds in enumerate(times):
            claimed = claims.claim(db, user, setup.project.id)
            submissions.submit(db, user, claimed.assignment.id, GOOD, active_seconds, f"k{n}")
    db.commit()
    outlook = funnel_of(db, setup.project).forecast
    assert outlook.pace.responses == 4 and outlook.pace.seconds == 30  # (20 + 40) / 2
    assert outlook.items_per_day == pytest.approx(outlook.answers_per_day / 2)


def test_a_deadline_the_pool_cannot_meet_is_flagged_naming_the_rule_that_starves_it(
    db: Session,
) -> None:
    five_contributors(db)
    setup = project_with(db, RULES, items=5000, overlap=1)
    deadline = utcnow() + timedelta(days=2)
    projects.update_project(db, setup.requester, setup.project, {"deadline": deadline})
    db.commit()
    outlook = funnel_of(db, setup.project).forecast
    assert outlook.deadline == deadline
    assert outlook.flagged
    assert outlook.finish_at is not None and outlook.finish_at > deadline
    assert outlook.starving_rule is not None and outlook.starving_rule.key == "language:de"
    # 5,000 answers in two days need 2,500 a day; each eligible contributor gives 20 hours a
    # week on average, at the template's pace.
    seconds, _ = template_estimate(setup.project)
    each = 20 / 7 * 3600 / seconds
    assert outlook.more_contributors == math.ceil((2500 - 2 * each) / each)
    assert outlook.message is not None
    assert "German" in outlook.message and "more contributors" in outlook.message

    projects.update_project(
        db, setup.requester, setup.project, {"deadline": utcnow() + timedelta(days=3650)}
    )
    db.commit()
    relaxed = funnel_of(db, setup.project).forecast
    assert not relaxed.flagged and relaxed.starving_rule is None and relaxed.message is None


def test_no_eligible_contributor_misses_any_deadline(db: Session) -> None:
    contributor(db, country="FR")
    setup = project_with(db, RULES)
    setup.project.deadline = utcnow() + timedelta(days=30)
    db.commit()
    outlook = funnel_of(db, setup.project).forecast
    assert outlook.eligible == 0 and outlook.answers_per_day == 0
    assert outlook.finish_at is None and outlook.flagged
    assert outlook.message is not None and outlook.message.startswith(
        "No active contributor meets every rule"
    )
    assert outlook.more_contributors is not None and outlook.more_contributors >= 1


def test_a_passed_deadline_with_work_left_is_flagged(db: Session) -> None:
    five_contributors(db)
    setup = project_with(db, RULES)
    setup.project.deadline = utcnow() - timedelta(hours=1)  # set before it passed
    db.commit()
    outlook = funnel_of(db, setup.project).forecast
    assert outlook.flagged and outlook.more_contributors is None
    assert outlook.message is not None and "has passed" in outlook.message


def test_a_deadline_must_be_in_the_future_with_its_time_zone(db: Session) -> None:
    setup = work_project(db)
    with pytest.raises(InvalidInput, match="in the future"):
        projects.update_project(
            db, setup.requester, setup.project, {"deadline": utcnow() - timedelta(days=1)}
        )
    with pytest.raises(InvalidInput, match="time zone"):
        projects.update_project(
            db, setup.requester, setup.project, {"deadline": utcnow().replace(tzinfo=None)}
        )


# --- the API and who may see it --------------------------------------------------------------


def test_funnel_api_for_staff(client: TestClient, db: Session) -> None:
    five_contributors(db)
    setup = project_with(db, RULES)
    url = f"/api/v1/projects/{setup.project.id}/funnel"
    deadline = (utcnow() + timedelta(days=1)).replace(microsecond=0)
    patched = client.patch(
        f"/api/v1/projects/{setup.project.id}",
        json={"deadline": deadline.isoformat()},
        headers=api_token(db, setup.requester),
    )
    assert patched.status_code == 200, patched.text
    body = client.get(url, headers=api_token(db, setup.requester)).json()
    assert body["active_contributors"] == 5 and body["eligible"] == 2
    assert body["removes_most"] == "language:de"
    language = next(s for s in body["steps"] if s["key"] == "language:de")
    assert language == {
        "key": "language:de",
        "label": "Speaks German at least at fluent level",
        "alone": 2,
        "failing": 3,
        "cumulative": 2,
        "removed": 2,
        "only_blocker": 1,
    }
    forecast = body["forecast"]
    assert forecast["pace"]["source"] == "estimate" and forecast["pace"]["responses"] == 0
    assert forecast["eligible_contributors"] == 2 and forecast["weekly_hours"] == 40
    assert forecast["remaining_answers"] == 10 and forecast["items_per_day"] > 0
    assert forecast["estimated_finish_at"] is not None
    assert forecast["deadline_missed"] is False and forecast["message"] is None

    cleared = client.patch(
        f"/api/v1/projects/{setup.project.id}",
        json={"deadline": None},
        headers=api_token(db, setup.requester),
    )
    assert cleared.status_code == 200 and cleared.json()["deadline"] is None

    # The organization's reviewers and platform admins see it too.
    organization = db.get(Organization, setup.project.organization_id)
    reviewer = make_user(db, role=Role.REVIEWER, organization=organization)
    assert client.get(url, headers=api_token(db, reviewer)).status_code == 200
    admin = make_user(db, role=Role.ADMIN)
    assert client.get(url, headers=api_token(db, admin)).status_code == 200


def test_funnel_denied_to_contributors_and_other_organizations(
    client: TestClient, db: Session
) -> None:
    people = five_contributors(db)
    setup = project_with(db, RULES)
    url = f"/api/v1/projects/{setup.project.id}/funnel"
    # A contributor may know an active project exists: told who may see its funnel.
    as_contributor = client.get(url, headers=api_token(db, people["b"]))
    assert as_contributor.status_code == 403
    assert "staff" in as_contributor.json()["error"]["message"]
    # Another organization's requester: no such project.
    _, outsider = org_with_requester(db, "Other")
    hidden = client.get(url, headers=api_token(db, outsider))
    assert hidden.status_code == 404
    assert hidden.json()["error"]["message"] == f"No project with id {setup.project.id}."
    assert client.get(url).status_code == 401
    # Paused, it is still open to the crowd (403); cancelled, to contributors it is gone.
    draft = work_project(db)
    projects.change_status(db, draft.requester, draft.project, ProjectStatus.PAUSED)
    db.commit()
    paused_url = f"/api/v1/projects/{draft.project.id}/funnel"
    assert client.get(paused_url, headers=api_token(db, people["b"])).status_code == 403
    projects.change_status(db, draft.requester, draft.project, ProjectStatus.CANCELLED)
    db.commit()
    assert client.get(paused_url, headers=api_token(db, people["b"])).status_code == 404
    assert (
        client.get(
            f"/api/v1/projects/{999_999}/funnel", headers=api_token(db, outsider)
        ).status_code
        == 404
    )


# --- the page ------------------------------------------------------------------------------


def test_workforce_tab_shows_the_funnel_forecast_and_deadline_flag(
    client: TestClient, db: Session
) -> None:
    five_contributors(db)
    setup = project_with(db, RULES, items=5000)
    log_in(client, setup.requester.email)
    page = client.get(f"/projects/{setup.project.id}?tab=workforce")
    assert page.status_code == 200
    html = page.text
    assert 'aria-current="page">Workforce' in html
    assert "Eligibility funnel" in html and "Capacity forecast" in html
    assert 'data-rule="language:de" class="is-worst"' in html
    assert "Template estimate" in html
    assert 'id="deadline-flag"' not in html  # no deadline yet

    # The deadline is set on the settings tab; one the pool cannot meet shows a warning.
    when = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    form = {
        "name": setup.project.name,
        "description": "",
        "instructions": "",
        "overlap": "1",
        "lease_minutes": "10",
        "deadline": when,
        "csrf_token": client.cookies["lp_csrf"],
    }
    saved = client.post(f"/projects/{setup.project.id}/settings", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    db.expire_all()
    stored = db.get(Project, setup.project.id)
    assert stored is not None and stored.deadline is not None
    assert f"{stored.deadline:%Y-%m-%dT%H:%M}" == when
    settings_page = client.get(f"/projects/{setup.project.id}?tab=settings").text
    assert f'name="deadline" value="{when}"' in settings_page
    flagged = client.get(f"/projects/{setup.project.id}?tab=workforce").text
    assert 'id="deadline-flag" role="alert"' in flagged
    assert "will be missed" in flagged and "The rule that starves the pool" in flagged

    bad = client.post(
        f"/projects/{setup.project.id}/settings",
        data={**form, "deadline": "next tuesday"},
        follow_redirects=False,
    )
    assert bad.status_code == 422
    assert "Write the deadline as a date and time" in bad.text


# --- cost ----------------------------------------------------------------------------------


@contextmanager
def counted(engine: Engine) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_funnel_reads_a_fixed_handful_of_queries_whatever_the_pool(
    db: Session, engine: Engine
) -> None:
    setup = work_project(db)
    every_kind_of_rule(db, setup, devices=["laptop"])
    sessions = make_session_factory(engine)

    def queries() -> int:
        with sessions() as fresh:
            project = fresh.get(Project, setup.project.id)
            assert project is not None
            with counted(engine) as statements:
                funnel_of(fresh, project)
            return len(statements)

    for _ in range(5):
        contributor(db, country="DE", languages=[("de", Proficiency.FLUENT)])
    with_five = queries()
    for _ in range(15):
        contributor(db, country="DE", languages=[("de", Proficiency.FLUENT)])
    with_twenty = queries()
    assert with_five == with_twenty <= 14
