"""Grading (pure): questions of any control kind, partial credit, subsets and shuffles."""

from __future__ import annotations

import pytest

from labelpool.assessments.grading import (
    QuestionError,
    check_question,
    grade,
    passes,
    score_answer,
    select_questions,
    skill_level,
)
from tests.assessments.builders import RATING_CONTROL, SENTIMENT_CONTROL, TAGS_CONTROL, TEXT_CONTROL

DATA = {"text": "Cheap, but it arrived late."}


def test_questions_are_checked_by_the_controls_package() -> None:
    schema, correct = check_question(RATING_CONTROL, DATA, "4")
    assert correct == 4 and schema.controls[0].name == "quality"
    with pytest.raises(QuestionError, match="target 'body' is not a data field") as bad:
        check_question({**SENTIMENT_CONTROL, "target": "body"}, DATA, "negative")
    assert bad.value.field == "control"
    with pytest.raises(QuestionError, match="The correct answer does not fit") as wrong:
        check_question(SENTIMENT_CONTROL, DATA, "angry")
    assert wrong.value.field == "correct_answer"
    with pytest.raises(QuestionError) as no_data:
        check_question(SENTIMENT_CONTROL, {}, "negative")
    assert no_data.value.field == "data"


def test_partial_credit_by_kind() -> None:
    assert score_answer(SENTIMENT_CONTROL, DATA, "negative", "negative") == 1.0
    assert score_answer(SENTIMENT_CONTROL, DATA, "positive", "negative") == 0.0
    assert score_answer(RATING_CONTROL, DATA, 3, 4) == pytest.approx(0.75)
    assert score_answer(TAGS_CONTROL, DATA, ["price"], ["price", "delivery"]) == pytest.approx(0.5)
    assert score_answer(TEXT_CONTROL, DATA, "pangolin umbrella", "pangolin umbrella seventeen") == (
        pytest.approx(2 / 3)
    )


def test_grade_means_scores_counts_unanswered_as_zero_and_lists_sections_to_restudy() -> None:
    questions = [(1, "2.1"), (2, "2.1"), (3, "3"), (4, None), (5, "1")]
    result = grade(questions, {1: 1.0, 2: 0.5, 3: 0.0, 4: 1.0, 5: 1.0}, pass_mark=70)
    assert result.score == pytest.approx(0.7)
    assert result.percent == 70.0 and result.passed
    assert [(s.section, s.questions, s.score) for s in result.sections] == [
        ("1", 1, 1.0),
        ("2.1", 2, 0.75),
        ("3", 1, 0.0),
    ]
    assert result.restudy == ["3", "2.1"]  # weakest first
    unanswered = grade(questions, {1: 1.0}, pass_mark=70)
    assert unanswered.score == pytest.approx(0.2) and not unanswered.passed
    assert grade([], {}, 50).passed is False
    assert passes(0.7, 70) and not passes(0.6999, 70)
    assert skill_level(0.666) == 67 and skill_level(1.2) == 100


def test_subset_and_shuffle_are_deterministic_per_seed() -> None:
    pool = list(range(10, 30))
    first = select_questions(pool, 1234, subset_size=5, shuffle=True)
    assert first == select_questions(pool, 1234, subset_size=5, shuffle=True)
    assert len(set(first)) == 5 and set(first) <= set(pool)
    ordered = select_questions(pool, 1234, subset_size=5, shuffle=False)
    assert sorted(ordered) == ordered and set(ordered) == set(first)
    shuffled = select_questions(pool, 99, subset_size=None, shuffle=True)
    assert sorted(shuffled) == pool and shuffled != pool
    assert select_questions(pool, 99, subset_size=None, shuffle=False) == pool
    assert select_questions(pool, 5, subset_size=50, shuffle=False) == pool
    draws = {tuple(select_questions(pool, seed, subset_size=5, shuffle=True)) for seed in range(20)}
    assert len(draws) > 15  # different seeds draw different subsets
