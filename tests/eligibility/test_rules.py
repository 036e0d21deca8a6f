"""The pure rules (labelpool.eligibility.rules): every rule met and unmet, with its values
and next step (issue 21.1, 21.2)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from labelpool.contributors.enums import DeviceKind, Proficiency
from labelpool.eligibility.rules import (
    ContributorFacts,
    LanguageRule,
    Requirements,
    RuleResult,
    SkillRule,
    TestProgress,
    evaluate,
    unmet,
    when_text,
)

PROJECT = 7
OPENS = datetime(2026, 12, 3, 14, 0, tzinfo=UTC)


def facts(**changes: object) -> ContributorFacts:
    values: dict[str, object] = {
        "user_id": 1,
        "active": True,
        "state_label": "Active",
        "country": "KE",
        "languages": {"en": Proficiency.FLUENT, "sw": Proficiency.NATIVE},
        "skills": {"grammar": 70},
        "qualified_test_ids": frozenset({3}),
        "devices": frozenset({DeviceKind.LAPTOP}),
        "weekly_hours": 20,
    }
    values.update(changes)
    return ContributorFacts(**values)  # type: ignore[arg-type]


def result(requirements: Requirements, contributor: ContributorFacts, key: str) -> RuleResult:
    found = {r.key: r for r in evaluate(requirements, contributor, project_id=PROJECT)}
    return found[key]


def test_no_requirements_leave_the_always_on_rules() -> None:
    results = evaluate(Requirements(), facts(), project_id=PROJECT)
    assert [r.key for r in results] == ["account_active", "refreshers_done"]
    assert all(r.met for r in results)
    assert unmet(results) == []


def test_account_active() -> None:
    r = result(Requirements(), facts(active=False, state_label="Under review"), "account_active")
    assert not r.met
    assert (r.value, r.required) == ("under review", "active")
    assert r.next_step and r.next_href == "/review"


def test_refreshers_done() -> None:
    owed = facts(refreshers_owed={PROJECT: "Pass the refresher of 'Sentiment'."})
    r = result(Requirements(), owed, "refreshers_done")
    assert not r.met
    assert r.next_step == "Pass the refresher of 'Sentiment'."
    other_project = facts(refreshers_owed={PROJECT + 1: "Pass it."})
    assert result(Requirements(), other_project, "refreshers_done").met


def test_countries_allowed() -> None:
    rules = Requirements(countries_allowed=["ke", "TZ"])
    assert rules.countries_allowed == ["KE", "TZ"]
    assert result(rules, facts(), "countries_allowed").met
    r = result(rules, facts(country="DE"), "countries_allowed")
    assert not r.met
    assert r.value == "Germany"
    assert "Kenya" in r.required and "Tanzania" in r.required
    missing = result(rules, facts(country=None), "countries_allowed")
    assert not missing.met and missing.next_href == "/profile"


def test_countries_denied() -> None:
    rules = Requirements(countries_denied=["KE"])
    r = result(rules, facts(), "countries_denied")
    assert not r.met
    assert r.next_step == "This project is not open to contributors in Kenya."
    assert result(rules, facts(country="UG"), "countries_denied").met
    assert not result(rules, facts(country=None), "countries_denied").met


def test_languages_with_a_minimum_proficiency() -> None:
    rules = Requirements(
        languages=[
            LanguageRule(language="en", minimum=Proficiency.ADVANCED),
            LanguageRule(language="sw", minimum=Proficiency.NATIVE),
            LanguageRule(language="de", minimum=Proficiency.BASIC),
        ]
    )
    assert result(rules, facts(), "language:en").met  # fluent >= advanced
    assert result(rules, facts(), "language:sw").met
    de = result(rules, facts(), "language:de")
    assert not de.met
    assert (de.value, de.required) == ("not listed", "basic or better")
    assert de.next_step and "German" in de.next_step
    weak = result(rules, facts(languages={"en": Proficiency.BASIC}), "language:en")
    assert not weak.met and weak.value == "basic"


def test_skills_with_minimum_levels() -> None:
    rules = Requirements(skills=[SkillRule(skill="grammar", minimum=80)])
    r = result(rules, facts(), "skill:grammar")
    assert not r.met
    assert (r.value, r.required) == ("level 70", "level 80 or higher")
    assert result(rules, facts(skills={"grammar": 80}), "skill:grammar").met
    step = TestProgress(9, "Grammar", "Take “Grammar”: attempt 2 opens 3 Dec 14:00 UTC.", OPENS)
    with_test = result(rules, facts(skill_tests={"grammar": step}), "skill:grammar")
    assert with_test.next_step == step.next_step
    assert with_test.next_at == OPENS
    assert result(rules, facts(skills={}), "skill:grammar").value == "not measured"


def test_tests_passed_with_the_retake_step() -> None:
    step = TestProgress(
        5,
        "Sentiment qualification",
        "Take “Sentiment qualification”: attempt 2 of 3 opens 3 Dec 14:00 UTC.",
        OPENS,
        "/tests/5",
    )
    rules = Requirements(tests=[3, 5])
    contributor = facts(tests={5: step, 3: TestProgress(3, "Basics", "", None)})
    assert result(rules, contributor, "test:3").met
    r = result(rules, contributor, "test:5")
    assert not r.met
    assert r.label == "Passed “Sentiment qualification”"
    assert r.next_step == step.next_step
    assert (r.next_at, r.next_href) == (OPENS, "/tests/5")


def test_devices_any_of() -> None:
    rules = Requirements(devices=[DeviceKind.DESKTOP, DeviceKind.LAPTOP])
    assert result(rules, facts(), "devices").met
    r = result(rules, facts(devices=frozenset({DeviceKind.PHONE})), "devices")
    assert not r.met
    assert r.value == "phone"
    assert r.required == "one of: desktop, laptop"


def test_minimum_weekly_hours() -> None:
    rules = Requirements(min_weekly_hours=25)
    r = result(rules, facts(), "min_weekly_hours")
    assert not r.met
    assert (r.value, r.required) == ("20 hours a week", "at least 25 hours a week")
    assert result(rules, facts(weekly_hours=25), "min_weekly_hours").met
    assert not result(rules, facts(weekly_hours=None), "min_weekly_hours").met


def test_minimum_quality_score_is_a_hook_not_measured_yet() -> None:
    rules = Requirements(min_quality_score=80)
    r = result(rules, facts(), "min_quality_score")
    assert r.met  # nobody is held back before quality is measured
    assert r.value == "not measured yet"
    assert not result(rules, facts(quality_score=60.0), "min_quality_score").met
    assert result(rules, facts(quality_score=90.0), "min_quality_score").met
    assert "min_quality_score" not in {r.key for r in evaluate(Requirements(), facts())}


def test_maximum_projects_at_once() -> None:
    rules = Requirements(max_active_projects=2)
    assert result(rules, facts(active_project_ids=frozenset({1})), "max_active_projects").met
    busy = facts(active_project_ids=frozenset({1, 2}))
    r = result(rules, busy, "max_active_projects")
    assert not r.met
    assert r.value == "2 other projects"
    # Already working on this project: it does not count against the limit.
    mine = facts(active_project_ids=frozenset({1, PROJECT}))
    assert result(rules, mine, "max_active_projects").met


def test_rules_combine_with_and() -> None:
    rules = Requirements(countries_allowed=["KE"], min_weekly_hours=30, tests=[3])
    missing = unmet(evaluate(rules, facts(), project_id=PROJECT))
    assert [r.key for r in missing] == ["min_weekly_hours"]


@pytest.mark.parametrize(
    "body",
    [
        {"countries_allowed": ["XX"]},
        {"countries_allowed": ["KE"], "countries_denied": ["KE"]},
        {"languages": [{"language": "zz", "minimum": "basic"}]},
        {"languages": [{"language": "en"}, {"language": "en", "minimum": "native"}]},
        {"skills": [{"skill": "grammar", "minimum": 101}]},
        {"tests": [0]},
        {"devices": ["toaster"]},
        {"min_weekly_hours": 169},
        {"max_active_projects": 0},
        {"unknown_rule": True},
    ],
)
def test_invalid_requirements_are_refused(body: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        Requirements.model_validate(body)


def test_requirements_round_trip_as_json() -> None:
    rules = Requirements(
        countries_allowed=["KE"],
        languages=[LanguageRule(language="en", minimum=Proficiency.FLUENT)],
        skills=[SkillRule(skill="grammar", minimum=60)],
        tests=[4, 4, 5],
        devices=[DeviceKind.LAPTOP],
        min_weekly_hours=10,
        min_quality_score=75.5,
        max_active_projects=3,
    )
    assert rules.tests == [4, 5]
    assert Requirements.model_validate(rules.model_dump(mode="json")) == rules


def test_when_text() -> None:
    assert when_text(OPENS) == "3 Dec 14:00 UTC"
