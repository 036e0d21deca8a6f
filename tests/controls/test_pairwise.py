"""pairwise: which of two responses is better, with optional tie and strength."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.pairwise import PairwiseConfig, PairwiseKind
from labelpool.controls.schema import parse_schema, validate_response

KIND = PairwiseKind()

PREFERENCE = {
    "name": "preference",
    "kind": "pairwise",
    "title": "Which response answers the prompt better?",
    "target": "prompt",
    "targets": ["response_a", "response_b"],
    "strength": ["slightly", "much"],
}


def config(**changes: object) -> PairwiseConfig:
    return KIND.parse_config({**PREFERENCE, **changes})


def test_valid_config() -> None:
    parsed = config()
    assert parsed.targets == ["response_a", "response_b"]
    assert parsed.allow_tie is True
    assert parsed.winners() == ["a", "b", "tie"]
    assert config(allow_tie=False).winners() == ["a", "b"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"targets": ["response_a"]}, "at least 2"),
        ({"targets": ["a", "b", "c"]}, "at most 2"),
        ({"targets": ["same", "same"]}, "targets must name two different data fields"),
        ({"strength": ["much", "much"]}, "strength values must be unique; repeated: much"),
        ({"strength": []}, "at least 1"),
    ],
)
def test_invalid_configs(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(**changes)


def test_targets_are_required() -> None:
    raw = {k: v for k, v in PREFERENCE.items() if k != "targets"}
    with pytest.raises(ValidationError, match="targets"):
        KIND.parse_config(raw)


def test_valid_answers() -> None:
    assert KIND.validate_answer(config(), {"winner": "a"}) == {"winner": "a"}
    assert KIND.validate_answer(config(), {"winner": "b", "strength": "much"}) == {
        "winner": "b",
        "strength": "much",
    }
    assert KIND.validate_answer(config(), {"winner": "tie", "strength": None}) == {"winner": "tie"}


@pytest.mark.parametrize(
    ("answer", "changes", "message"),
    [
        ("a", {}, "preference: the answer should be an object, got text"),
        ({}, {}, "preference: the answer is missing winner"),
        ({"winner": "c"}, {}, "preference: winner 'c' should be one of a, b, tie"),
        ({"winner": "tie"}, {"allow_tie": False}, "preference: a tie is not allowed here"),
        ({"winner": "a", "strength": "hugely"}, {}, "strength 'hugely' should be one of"),
        ({"winner": "tie", "strength": "much"}, {}, "a tie has no strength; leave it out"),
        (
            {"winner": "a", "strength": "much"},
            {"strength": None},
            "preference: this comparison does not ask how much better",
        ),
        ({"winner": "a", "why": "x"}, {}, "has unknown field(s) why (winner, strength allowed)"),
        (None, {}, "preference: an answer is required"),
    ],
)
def test_invalid_answers(answer: object, changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(**changes), answer)
    assert message in str(info.value)
    assert info.value.control == "preference"


def test_score_full_half_and_no_credit() -> None:
    parsed = config()
    assert KIND.score(parsed, {"winner": "a", "strength": "much"}, {"winner": "a"}) == 1.0
    assert KIND.score(parsed, {"winner": "tie"}, {"winner": "a"}) == 0.5
    assert KIND.score(parsed, {"winner": "b"}, {"winner": "tie"}) == 0.5
    assert KIND.score(parsed, {"winner": "b"}, {"winner": "a"}) == 0.0


def test_agreement_is_mean_pairwise_score() -> None:
    # (a,a)=1, (a,tie)=0.5, (a,tie)=0.5 → 2/3
    answers = [{"winner": "a"}, {"winner": "a"}, {"winner": "tie"}]
    assert KIND.agreement(config(), answers) == pytest.approx(2 / 3)


def test_export_round_trip() -> None:
    answer = KIND.validate_answer(config(), {"winner": "b", "strength": "slightly"})
    exported = KIND.export(config(), answer)
    assert exported == {"winner": "b", "strength": "slightly"}
    assert exported is not answer
    assert KIND.validate_answer(config(), exported) == answer


def test_a_condition_can_depend_on_the_winner() -> None:
    why = {
        "name": "why_tie",
        "kind": "text",
        "title": "Why are they equally good?",
        "show_if": {"control": "preference", "in": ["tie"]},
    }
    schema = parse_schema({"controls": [PREFERENCE, why]}, ["prompt", "response_a", "response_b"])
    assert validate_response(schema, {"preference": {"winner": "a"}}) == {
        "preference": {"winner": "a"}
    }
    result = validate_response(schema, {"preference": {"winner": "tie"}, "why_tie": "same"})
    assert result["why_tie"] == "same"


def test_schema_checks_both_targets_are_data_fields() -> None:
    from labelpool.controls.schema import SchemaError

    with pytest.raises(SchemaError) as info:
        parse_schema({"controls": [PREFERENCE]}, ["prompt", "response_a"])
    assert info.value.problems == [
        "controls[0] 'preference': target 'response_b' is not a data field of this project "
        "(data fields: prompt, response_a)"
    ]
