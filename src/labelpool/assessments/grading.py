"""Test questions and grading (pure): check a question, score an answer, grade an attempt.

A question is one item (`data`), one control config of any kind (`control`) and its correct
answer. Answers are checked and scored by the controls package, so every control kind works
and partial credit counts: a rating one point off, a multi-choice with one of two labels, a
transcript with one wrong word all score between 0 and 1. An attempt's score is the mean over
its questions (unanswered questions score 0); it passes when score x 100 reaches the pass mark.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from labelpool.controls.base import JSON
from labelpool.controls.schema import (
    LabelSchema,
    ResponseError,
    SchemaError,
    parse_schema,
    score_response,
    validate_response,
)


class QuestionError(ValueError):
    """A question or an answer does not fit; the message says what to fix."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def question_schema(control: Mapping[str, Any], data: Mapping[str, Any]) -> LabelSchema:
    """The one-control label schema of a question; its target must be a field of `data`."""
    if not isinstance(control, Mapping):
        raise QuestionError(
            "The control should be an object with a name, kind and title.", "control"
        )
    if control.get("show_if") is not None:
        raise QuestionError("A test question has one control, so it cannot use show_if.", "control")
    try:
        return parse_schema({"controls": [dict(control)]}, data_fields=list(data))
    except SchemaError as exc:
        problems = "; ".join(p.removeprefix("controls[0] ") for p in exc.problems)
        raise QuestionError(f"The control is not valid: {problems}", "control") from None


def check_answer(schema: LabelSchema, data: Mapping[str, Any], answer: JSON) -> JSON:
    """The answer normalised by its control kind, or QuestionError naming the problem."""
    name = schema.controls[0].name
    try:
        return validate_response(schema, {name: answer}, data).get(name)
    except ResponseError as exc:
        problems = "; ".join(e.problem for e in exc.errors)
        raise QuestionError(
            f"That answer does not fit the question: {problems}.", "answer"
        ) from None


def check_question(
    control: Mapping[str, Any], data: Mapping[str, Any], correct_answer: JSON
) -> tuple[LabelSchema, JSON]:
    """Validate a whole question; return its schema and the normalised correct answer."""
    if not isinstance(data, Mapping) or not data:
        raise QuestionError("The item data should be an object with at least one field.", "data")
    schema = question_schema(control, data)
    try:
        correct = check_answer(schema, data, correct_answer)
    except QuestionError as exc:
        raise QuestionError(
            str(exc).replace("That answer", "The correct answer"), "correct_answer"
        ) from None
    return schema, correct


def score_answer(
    control: Mapping[str, Any], data: Mapping[str, Any], answer: JSON, correct: JSON
) -> float:
    """Score in [0, 1] of a (valid) answer against the correct answer."""
    schema = question_schema(control, data)
    name = schema.controls[0].name
    overall = score_response(schema, {name: answer}, {name: correct}, data).overall
    return float(min(1.0, max(0.0, overall if overall is not None else 0.0)))


def select_questions(
    pool: Sequence[int], seed: int, *, subset_size: int | None, shuffle: bool
) -> list[int]:
    """The questions of one attempt, deterministic for a given seed.

    `pool` is in the test's order. With `subset_size`, a random subset of that many is drawn;
    without `shuffle` the chosen questions keep the test's order.
    """
    rng = random.Random(seed)
    chosen = list(pool)
    if subset_size is not None and subset_size < len(chosen):
        chosen = rng.sample(chosen, subset_size)
        if not shuffle:
            order = {q: i for i, q in enumerate(pool)}
            chosen.sort(key=order.__getitem__)
    elif shuffle:
        rng.shuffle(chosen)
    return chosen


@dataclass(frozen=True)
class SectionResult:
    section: str
    questions: int
    score: float  # mean score of the questions linked to this section


@dataclass(frozen=True)
class Grade:
    score: float  # 0..1
    percent: float  # 0..100, one decimal
    passed: bool
    sections: list[SectionResult]
    restudy: list[str]  # section numbers where the contributor lost points, weakest first


def passes(score: float, pass_mark: int) -> bool:
    return round(score * 100, 6) >= pass_mark


def grade(
    questions: Sequence[tuple[int, str | None]],
    scores: Mapping[int, float],
    pass_mark: int,
) -> Grade:
    """Grade an attempt: `questions` are (question id, guideline section) in attempt order,
    `scores` the score per answered question id. A section is worth restudying when its
    questions scored below 1 on average."""
    if not questions:
        return Grade(0.0, 0.0, False, [], [])
    values = [scores.get(qid, 0.0) for qid, _ in questions]
    score = sum(values) / len(values)
    by_section: dict[str, list[float]] = {}
    for (_, section), value in zip(questions, values, strict=True):
        if section:
            by_section.setdefault(section, []).append(value)
    sections = [
        SectionResult(section, len(v), sum(v) / len(v)) for section, v in by_section.items()
    ]
    restudy = [
        s.section
        for s in sorted(sections, key=lambda s: (s.score, _sort_key(s.section)))
        if s.score < 1.0 - 1e-9
    ]
    sections.sort(key=lambda s: _sort_key(s.section))
    return Grade(score, round(score * 100, 1), passes(score, pass_mark), sections, restudy)


def _sort_key(number: str) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in number.split("."))
    except ValueError:
        return (1 << 30,)


def skill_level(score: float) -> int:
    """A 0-100 skill level from a test score in [0, 1]."""
    return round(min(1.0, max(0.0, score)) * 100)
