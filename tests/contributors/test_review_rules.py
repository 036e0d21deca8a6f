"""Pure rules: completeness, each automatic check, the state transition table, settings."""

from __future__ import annotations

import pytest

from labelpool.contributors.enums import (
    CheckName,
    CheckStatus,
    ContributorState,
    DeviceKind,
    OperatingSystem,
    Proficiency,
)
from labelpool.contributors.review import (
    ProfileFacts,
    completeness_decision,
    device_decision,
    evaluate_rules,
    identity_decision,
    language_decision,
    location_decision,
    profile_completeness,
)
from labelpool.contributors.settings import ReviewSettings
from labelpool.contributors.states import ADMIN_MOVES, ALLOWED, transition_problem
from tests.contributors.helpers import complete_facts

S = ContributorState


def test_complete_profile_is_100_percent_with_nothing_missing() -> None:
    result = profile_completeness(complete_facts())
    assert result.percent == 100
    assert result.missing == []
    assert result.complete


def test_empty_profile_names_every_missing_item() -> None:
    result = profile_completeness(ProfileFacts())
    assert result.percent == 0
    joined = " ".join(result.missing)
    for words in (
        "country",
        "language",
        "primary domain",
        "experience",
        "device",
        "hours",
        "time zone",
    ):
        assert words in joined
    assert len(result.missing) == 7


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"country": None}, "country"),
        ({"languages": []}, "language"),
        ({"primary_domain": None}, "primary domain"),
        ({"experience": "short"}, "you have 5"),
        ({"devices": []}, "device"),
        ({"weekly_hours": None}, "hours a week"),
        ({"time_zone": None}, "time zone"),
    ],
)
def test_each_missing_item_is_named_alone(change: dict[str, object], words: str) -> None:
    result = profile_completeness(complete_facts(**change))
    assert len(result.missing) == 1
    assert words in result.missing[0]
    assert result.percent == 86


def test_headphones_and_secondary_skills_are_optional() -> None:
    assert profile_completeness(
        complete_facts(headphones=False, microphone=False, secondary_skills=[])
    ).complete


def test_location_rules() -> None:
    everyone = ReviewSettings(review_allowed_countries=[], review_blocked_countries=[])
    assert location_decision("DE", everyone).status == CheckStatus.PASSED
    assert location_decision(None, everyone).status == CheckStatus.PENDING
    blocked = ReviewSettings(review_blocked_countries=["KP"])
    decision = location_decision("KP", blocked)
    assert decision.status == CheckStatus.FAILED
    assert "North Korea (KP)" in decision.reason
    allowed = ReviewSettings(review_allowed_countries="us, gb")
    assert location_decision("GB", allowed).status == CheckStatus.PASSED
    refused = location_decision("DE", allowed)
    assert refused.status == CheckStatus.FAILED
    assert "United States (US)" in refused.reason and "Germany (DE)" in refused.reason


def test_blocked_wins_over_allowed() -> None:
    settings = ReviewSettings(review_allowed_countries=["DE"], review_blocked_countries=["DE"])
    assert location_decision("DE", settings).status == CheckStatus.FAILED


def test_device_rules() -> None:
    default = ReviewSettings()
    laptop = [(DeviceKind.LAPTOP, OperatingSystem.MACOS)]
    phone = [(DeviceKind.PHONE, OperatingSystem.ANDROID)]
    assert device_decision(laptop, default).status == CheckStatus.PASSED
    failed = device_decision(phone, default)
    assert failed.status == CheckStatus.FAILED
    assert "desktop or laptop" in failed.reason and "phone" in failed.reason
    assert device_decision([], default).status == CheckStatus.PENDING
    anything = ReviewSettings(review_required_devices=[])
    assert device_decision(phone, anything).status == CheckStatus.PASSED
    phones = ReviewSettings(review_required_devices="phone")
    assert device_decision(phone, phones).status == CheckStatus.PASSED


def test_completeness_rule_lists_missing() -> None:
    decision = completeness_decision(complete_facts(time_zone=None))
    assert decision.status == CheckStatus.FAILED
    assert "time zone" in decision.reason
    assert completeness_decision(complete_facts()).status == CheckStatus.PASSED


def test_language_and_identity_go_to_a_person() -> None:
    assert language_decision(complete_facts()).status == CheckStatus.NEEDS_REVIEW
    assert "German (de)" in language_decision(complete_facts()).reason
    assert language_decision(complete_facts(languages=[])).status == CheckStatus.PENDING
    assert identity_decision(False).status == CheckStatus.PENDING
    assert identity_decision(True).status == CheckStatus.NEEDS_REVIEW


def test_evaluate_rules_decides_only_rule_checks() -> None:
    decisions = evaluate_rules(complete_facts(), ReviewSettings())
    assert set(decisions) == {
        CheckName.PROFILE_COMPLETE,
        CheckName.LOCATION_ELIGIBLE,
        CheckName.DEVICE_ELIGIBLE,
    }
    assert all(d.status == CheckStatus.PASSED for d in decisions.values())


def test_settings_reject_unknown_codes() -> None:
    with pytest.raises(ValueError, match="XX"):
        ReviewSettings(review_blocked_countries=["XX"])
    with pytest.raises(ValueError, match="toaster"):
        ReviewSettings(review_required_devices=["toaster"])


def test_settings_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABELPOOL_REVIEW_BLOCKED_COUNTRIES", "kp,IR")
    monkeypatch.setenv("LABELPOOL_REVIEW_ALLOWED_COUNTRIES", "")
    monkeypatch.setenv("LABELPOOL_IDENTITY_RETENTION_DAYS", "30")
    settings = ReviewSettings()
    assert settings.review_blocked_countries == ["KP", "IR"]
    assert settings.review_allowed_countries == []
    assert settings.identity_retention_days == 30


ALL_PAIRS = [(a, b) for a in S for b in S]


@pytest.mark.parametrize(("current", "target"), ALL_PAIRS)
def test_transition_table(current: ContributorState, target: ContributorState) -> None:
    allowed = {
        (S.APPLIED, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, S.ACTIVE),
        (S.UNDER_REVIEW, S.SUSPENDED),
        (S.ACTIVE, S.SUSPENDED),
        (S.ACTIVE, S.UNDER_REVIEW),  # the system, when a check stops passing
        (S.SUSPENDED, S.ACTIVE),
    }
    problem = transition_problem(current, target)
    if (current, target) in allowed:
        assert problem is None
    else:
        assert problem is not None
        assert current.value.replace("_", " ") in problem


def test_admin_moves_are_allowed_moves_but_not_submitting() -> None:
    for current, target in ADMIN_MOVES:
        assert target in ALLOWED[current]
    assert (S.APPLIED, S.UNDER_REVIEW) not in ADMIN_MOVES


def test_proficiency_rank() -> None:
    assert Proficiency.NATIVE.rank > Proficiency.FLUENT.rank > Proficiency.BASIC.rank
    assert Proficiency.BASIC.rank == 1
