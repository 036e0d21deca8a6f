"""text: free text with length limits, scored by word error rate."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labelpool.controls.base import AnswerError
from labelpool.controls.text import TextConfig, TextKind, edit_distance, word_error_rate, words

KIND = TextKind()

TRANSCRIPT = {
    "name": "transcript",
    "kind": "text",
    "title": "Type exactly what you hear",
    "target": "audio",
    "multiline": True,
    "min_length": 2,
    "max_length": 40,
}


def config(**changes: object) -> TextConfig:
    return KIND.parse_config({**TRANSCRIPT, **changes})


def test_defaults() -> None:
    parsed = KIND.parse_config({"name": "note", "kind": "text", "title": "Note"})
    assert (parsed.min_length, parsed.max_length, parsed.multiline) == (0, 10000, False)
    assert parsed.placeholder is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_length": 50}, r"min_length \(50\) is more than max_length \(40\)"),
        ({"max_length": 0}, "greater than or equal to 1"),
        ({"min_length": -1}, "greater than or equal to 0"),
        ({"rows": 3}, "rows"),
    ],
)
def test_invalid_configs(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        config(**changes)


def test_answer_is_stripped() -> None:
    assert KIND.validate_answer(config(), "  hello there \n") == "hello there"
    assert KIND.validate_answer(config(), "line one\nline two") == "line one\nline two"


@pytest.mark.parametrize(
    ("answer", "changes", "message"),
    [
        ("   ", {}, "transcript: an answer is required; the text is empty"),
        (None, {}, "transcript: an answer is required"),
        ("a", {}, "transcript: the text is 1 characters long; write at least 2"),
        ("x" * 41, {}, "transcript: the text is 41 characters long; the limit is 40"),
        (["hi"], {}, "transcript: expected text, got a list"),
        ("one\ntwo", {"multiline": False}, "transcript: the answer should be a single line"),
    ],
)
def test_invalid_answers(answer: object, changes: dict[str, object], message: str) -> None:
    with pytest.raises(AnswerError) as info:
        KIND.validate_answer(config(**changes), answer)
    assert str(info.value) == message


def test_optional_text_may_be_blank() -> None:
    assert KIND.validate_answer(config(required=False), "  ") == ""
    assert KIND.validate_answer(config(required=False), None) is None


def test_words_ignore_case_and_punctuation() -> None:
    assert words("The cat, the HAT!  Don't stop.") == ["the", "cat", "the", "hat", "don't", "stop"]


def test_edit_distance_counts_word_edits() -> None:
    assert edit_distance(["a", "b", "c"], ["a", "b", "c"]) == 0
    assert edit_distance(["a", "x", "c", "d"], ["a", "b", "c"]) == 2  # substitute + insert
    assert edit_distance([], ["a", "b"]) == 2


def test_score_is_one_minus_word_error_rate() -> None:
    gold = "The cat sat on the mat."
    # one deletion ("the") out of 6 gold words
    assert word_error_rate("the cat sat on mat", gold) == pytest.approx(1 / 6)
    assert KIND.score(config(), "the cat sat on mat", gold) == pytest.approx(5 / 6)
    # case and punctuation do not count
    assert KIND.score(config(), "THE CAT SAT ON THE MAT", gold) == 1.0
    # one substitution + one insertion: 2/6
    assert KIND.score(config(), "the dog sat on the mat today", gold) == pytest.approx(4 / 6)
    # more errors than gold words clips at 0
    assert KIND.score(config(), "completely different words here now and more", "hi") == 0.0
    assert KIND.score(config(), "", "") == 1.0


def test_agreement_averages_both_directions_of_each_pair() -> None:
    # "a b" vs "a b c": WER one way 1/2 (score 1/2), the other 1/3 (score 2/3) → 7/12
    assert KIND.agreement(config(), ["a b", "a b c"]) == pytest.approx(7 / 12)
    assert KIND.agreement(config(), ["same words", "Same words!", "same   words"]) == 1.0


def test_export_round_trips() -> None:
    answer = KIND.validate_answer(config(), " hello world ")
    assert KIND.export(config(), answer) == "hello world"
    assert KIND.validate_answer(config(), KIND.export(config(), answer)) == answer
