"""choice: one option, or several with partial credit."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.choice import ChoiceConfig, ChoiceKind

KIND = ChoiceKind()

SENTIMENT = {
    "name": "sentiment",
    "kind": "choice",
    "title": "What is the sentiment?",
    "target": "text",
    "options": [
        {"value": "positive", "label": "Positive", "hint": "pleased, happy"},
        {"value": "negative", "label": "Negative"},
        {"value": "neutral", "label": "Neutral"},
    ],
}
TAGS = {
    "name": "tags",
    "kind": "choice",
    "title": "What is in the image?",
    "multiple": True,
    "min_selected": 1,
    "max_selected": 3,
    "options": [{"value": v, "label": v.title()} for v in ("cat", "dog", "car", "tree")],
}


def single() -> ChoiceConfig:
    return KIND.parse_config(SENTIMENT)


def multi(**changes: object) -> ChoiceConfig:
    return KIND.parse_config({**TAGS, **changes})


# config


def test_a_valid_config_keeps_its_options_and_defaults_to_single_choice() -> None:
    config = single()
    assert config.values() == ["positive", "negative", "neutral"]
    assert config.options[0].hint == "pleased, happy"
    assert config.multiple is False
    assert config.required is True


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"options": [{"value": "a", "label": "A"}]}, "at least 2"),
        (
            {"options": [{"value": "a", "label": "A"}, {"value": "a", "label": "Again"}]},
            "option values must be unique; repeated: a",
        ),
        ({"min_selected": 1}, "only apply when multiple is true"),
        ({"allow_other": True}, "allow_other"),
        ({"options": [{"value": "a"}, {"value": "b", "label": "B"}]}, "label"),
        ({"name": "Bad Name"}, "not a valid control name"),
    ],
)
def test_invalid_configs_are_refused_with_the_reason(
    changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        KIND.parse_config({**SENTIMENT, **changes})


def test_multi_choice_bounds_must_be_consistent() -> None:
    with pytest.raises(
        ValidationError, match=r"min_selected \(3\) is more than max_selected \(2\)"
    ):
        multi(min_selected=3, max_selected=2)
    with pytest.raises(ValidationError, match=r"max_selected \(5\) is more than the 4 options"):
        multi(max_selected=5)


# answers


def test_single_choice_accepts_one_option_value() -> None:
    assert KIND.validate_answer(single(), "negative") == "negative"


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("happy", "sentiment: 'happy' is not one of the options positive, negative, neutral"),
        (["positive"], "sentiment: choose one option, not a list"),
        (3, "sentiment: expected one of the options, got a number"),
        (None, "sentiment: an answer is required"),
        ("", "sentiment: an answer is required"),
    ],
)
def test_single_choice_refuses(answer: object, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(single(), answer)
    assert str(info.value) == message
    assert info.value.control == "sentiment"


def test_optional_single_choice_may_be_left_empty() -> None:
    config = KIND.parse_config({**SENTIMENT, "required": False})
    assert KIND.validate_answer(config, None) is None
    assert KIND.validate_answer(config, "") is None


def test_multi_choice_answer_is_normalised_to_option_order() -> None:
    assert KIND.validate_answer(multi(), ["tree", "cat"]) == ["cat", "tree"]


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        ("cat", "tags: expected a list of selected options, got text"),
        (["cat", "cat"], "tags: 'cat' is selected more than once"),
        (["cat", "horse"], "tags: 'horse' is not one of the options cat, dog, car, tree"),
        ([], "tags: select at least one option"),
        (["cat", "dog", "car", "tree"], "tags: select at most 3 options (4 selected)"),
    ],
)
def test_multi_choice_refuses(answer: object, message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(multi(), answer)
    assert str(info.value) == message


def test_multi_choice_min_selected() -> None:
    with pytest.raises(AnswerError, match=r"select at least 2 options \(1 selected\)"):
        KIND.validate_answer(multi(min_selected=2), ["dog"])


def test_optional_multi_choice_accepts_no_selection() -> None:
    assert KIND.validate_answer(multi(required=False, min_selected=2), []) == []


# scoring and agreement


def test_single_choice_scores_exact_match() -> None:
    assert KIND.score(single(), "positive", "positive") == 1.0
    assert KIND.score(single(), "negative", "positive") == 0.0


def test_multi_choice_scores_partial_credit_as_jaccard() -> None:
    config = multi()
    # {cat, dog} vs {cat, tree}: 1 shared of 3 distinct
    assert KIND.score(config, ["cat", "dog"], ["cat", "tree"]) == pytest.approx(1 / 3)
    assert KIND.score(config, ["cat", "dog"], ["dog", "cat"]) == 1.0
    assert KIND.score(config, ["car"], ["cat"]) == 0.0
    assert KIND.score(config, [], []) == 1.0
    assert KIND.score(config, [], ["cat"]) == 0.0


def test_agreement_is_mean_pairwise_score() -> None:
    # pairs: (pos,pos)=1, (pos,neg)=0, (pos,neg)=0 → 1/3
    assert KIND.agreement(single(), ["positive", "positive", "negative"]) == pytest.approx(1 / 3)
    assert KIND.agreement(single(), ["positive"]) == 1.0
    assert KIND.agreement(single(), []) == 1.0
    # {cat,dog},{cat},{dog}: 1/2, 1/2, 0 → 1/3
    assert KIND.agreement(multi(), [["cat", "dog"], ["cat"], ["dog"]]) == pytest.approx(1 / 3)


def test_export_round_trips_the_answer() -> None:
    answer = KIND.validate_answer(multi(), ["dog", "cat"])
    exported = KIND.export(multi(), answer)
    assert exported == ["cat", "dog"]
    assert KIND.validate_answer(multi(), exported) == answer


def test_possible_values_for_conditions() -> None:
    assert KIND.possible_values(single()) == ["positive", "negative", "neutral"]
    assert KIND.answer_values(multi(), ["cat", "dog"]) == ["cat", "dog"]
    assert KIND.answer_values(single(), "neutral") == ["neutral"]
