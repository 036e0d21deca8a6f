"""Helpers shared by the control kinds: label lists, value checks, pairwise agreement, matching.

Conventions every kind follows (implemented once in `SimpleKind`):

- `validate_answer(config, None)` means "not answered": an error when the control is required,
  otherwise None comes back (rating with `na_option` accepts None as "not applicable").
- `score` and `agreement` accept None for "not answered": two empty answers (None, "", [])
  agree fully, an empty answer against a non-empty one scores 0.
- `agreement` is the mean over all pairs of answers of the symmetrised score.
- `export` returns a deep copy of the (normalised) answer.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from labelpool.controls.base import JSON, AnswerError, ControlConfig, ControlKind

C = TypeVar("C", bound=ControlConfig)

MATCH_THRESHOLD = 0.5
"""Minimum IoU for two boxes / regions / tracks with the same label to count as a match."""


class LabelDef(BaseModel):
    """One label a labeler can put on a span, box, region or track."""

    model_config = ConfigDict(extra="forbid")

    value: str = Field(min_length=1, max_length=200)
    label: str = Field(min_length=1, max_length=500)
    color: str | None = Field(default=None, max_length=50)


def check_unique_values(values: Sequence[Any], what: str) -> None:
    """Raise ValueError naming the repeated value(s) when `values` has duplicates."""
    seen: set[Any] = set()
    repeated: list[str] = []
    for value in values:
        if value in seen and str(value) not in repeated:
            repeated.append(str(value))
        seen.add(value)
    if repeated:
        raise ValueError(f"{what} must be unique; repeated: {', '.join(repeated)}")


class LabelledConfig(ControlConfig):
    """Config of the annotation kinds (spans, boxes, regions, tracks): a list of labels and the
    data field holding the text or media, both required."""

    labels: list[LabelDef] = Field(min_length=1, max_length=200)
    target: str = Field(min_length=1, description="The item data field with the text or media.")

    @field_validator("labels")
    @classmethod
    def _labels_unique(cls, labels: list[LabelDef]) -> list[LabelDef]:
        check_unique_values([item.value for item in labels], "label values")
        return labels

    def label_values(self) -> list[str]:
        return [item.value for item in self.labels]


def listing(values: Sequence[Any]) -> str:
    """'a, b, c' for messages."""
    return ", ".join(str(value) for value in values)


def quoted(value: Any) -> str:
    """A value as shown in a message: strings in quotes, the rest as JSON-ish text."""
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= 60 else f"'{value[:57]}...'"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    return str(value)


def type_name(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def is_empty(answer: JSON) -> bool:
    """None, blank text, an empty list or object: nothing was answered."""
    if answer is None:
        return True
    if isinstance(answer, str):
        return not answer.strip()
    if isinstance(answer, list | dict):
        return len(answer) == 0
    return False


def is_number(value: Any) -> bool:
    """A finite int or float (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return math.isfinite(value)


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_object(
    control: str, what: str, value: Any, required: Sequence[str], optional: Sequence[str] = ()
) -> Mapping[str, Any]:
    """Check `value` is an object with the `required` keys and no keys beyond `optional`."""
    if not isinstance(value, Mapping):
        raise AnswerError(control, f"{what} should be an object, got {type_name(value)}")
    missing = [key for key in required if key not in value]
    if missing:
        raise AnswerError(control, f"{what} is missing {listing(missing)}")
    unknown = sorted(str(key) for key in value if key not in required and key not in optional)
    if unknown:
        allowed = listing([*required, *optional])
        raise AnswerError(
            control, f"{what} has unknown field(s) {listing(unknown)} ({allowed} allowed)"
        )
    return value


def check_list(control: str, value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise AnswerError(control, f"expected a list of {what}, got {type_name(value)}")
    return value


def mean_pairwise(answers: Sequence[JSON], score: Callable[[JSON, JSON], float]) -> float:
    """Mean over unordered pairs of the symmetrised score; 1.0 with fewer than two answers."""
    if len(answers) < 2:
        return 1.0
    total = 0.0
    count = 0
    for a, b in combinations(answers, 2):
        total += (score(a, b) + score(b, a)) / 2
        count += 1
    return total / count


def clip01(value: float) -> float:
    return float(min(1.0, max(0.0, value)))


def matched_f1(similarity: np.ndarray[Any, Any], eligible: np.ndarray[Any, Any]) -> float:
    """F1 of a one-to-one matching, weighted by the mean similarity of the matched pairs.

    `similarity[i, j]` compares answer item i with gold item j; only `eligible` pairs may match.
    The matching maximises the total similarity (Hungarian algorithm). With n answer items,
    m gold items and k matches: F1 = 2k / (n + m); the score is F1 * mean similarity of the k
    matches. Both empty → 1, one empty → 0.
    """
    from scipy.optimize import linear_sum_assignment

    n_answer, n_gold = similarity.shape
    if n_answer == 0 and n_gold == 0:
        return 1.0
    if n_answer == 0 or n_gold == 0:
        return 0.0
    weights = np.where(eligible, similarity, 0.0)
    rows, cols = linear_sum_assignment(weights, maximize=True)
    matched = [float(similarity[r, c]) for r, c in zip(rows, cols, strict=True) if eligible[r, c]]
    if not matched:
        return 0.0
    f1 = 2 * len(matched) / (n_answer + n_gold)
    return clip01(f1 * (sum(matched) / len(matched)))


def label_matched_f1(
    answer: Sequence[Mapping[str, Any]],
    gold: Sequence[Mapping[str, Any]],
    similarity: Callable[[Mapping[str, Any], Mapping[str, Any]], float],
) -> float:
    """:func:`matched_f1` of labelled objects: a match needs the same label and a similarity of
    at least ``MATCH_THRESHOLD``."""
    shape = (len(answer), len(gold))
    scores = np.array([[similarity(a, g) for g in gold] for a in answer]).reshape(shape)
    same = np.array([[a["label"] == g["label"] for g in gold] for a in answer], dtype=bool)
    return matched_f1(scores, same.reshape(shape) & (scores >= MATCH_THRESHOLD))


@dataclass(frozen=True)
class ShapeCount:
    """How a shape kind words its number of shapes: 'draw at least 2 boxes (1 drawn)'."""

    verb: str  # draw | mark
    done: str  # drawn | marked
    one: str  # box
    many: str  # boxes

    def check_bounds(self, minimum: int, maximum: int | None) -> None:
        """A config's min_<many> and max_<many> (ValueError when they cross)."""
        if maximum is not None and minimum > maximum:
            low, high = f"min_{self.many}", f"max_{self.many}"
            raise ValueError(f"{low} ({minimum}) is more than {high} ({maximum})")

    def none_given(self, control: str, required: bool, minimum: int) -> None:
        """An empty answer: an error when the control is required."""
        if required:
            least = max(1, minimum)
            raise AnswerError(
                control,
                f"{self.verb} at least one {self.one}"
                if least == 1
                else f"{self.verb} at least {least} {self.many}",
            )

    def check(self, control: str, n: int, minimum: int, maximum: int | None) -> None:
        if n < minimum:
            raise AnswerError(
                control, f"{self.verb} at least {minimum} {self.many} ({n} {self.done})"
            )
        if maximum is not None and n > maximum:
            raise AnswerError(
                control, f"{self.verb} at most {maximum} {self.many} ({n} {self.done})"
            )


def check_label(control: str, what: str, label: Any, labels: Sequence[Any]) -> Any:
    """``label`` when it is one of the control's ``labels``."""
    if label not in labels:
        raise AnswerError(
            control, f"{what}: {quoted(label)} is not one of the labels {listing(labels)}"
        )
    return label


def box_iou(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """Intersection over union of two boxes {x, y, w, h}."""
    ix = max(0.0, min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"]))
    iy = max(0.0, min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"]))
    inter = ix * iy
    union = a["w"] * a["h"] + b["w"] * b["h"] - inter
    return float(inter / union) if union > 0 else 0.0


def check_box_fields(control: str, what: str, box: Mapping[str, Any]) -> dict[str, float]:
    """x, y ≥ 0 and w, h > 0, all finite numbers; returns them as a dict."""
    out: dict[str, float] = {}
    for key in ("x", "y", "w", "h"):
        value = box[key]
        if not is_number(value):
            raise AnswerError(control, f"{what}: {key} should be a number, got {quoted(value)}")
        out[key] = value
    if out["x"] < 0 or out["y"] < 0:
        raise AnswerError(control, f"{what} starts outside the image (x and y must be 0 or more)")
    if out["w"] <= 0 or out["h"] <= 0:
        raise AnswerError(control, f"{what} has no area (width and height must be more than 0)")
    return out


class SimpleKind(ControlKind[C]):
    """A control kind with the shared conventions described in this module's docstring.

    Subclasses implement `check(config, answer, data)` for a non-None answer and
    `similarity(config, answer, gold)` for two non-empty answers.
    """

    def validate_answer(
        self, config: C, answer: JSON, data: Mapping[str, Any] | None = None
    ) -> JSON:
        if answer is None:
            return self.missing(config)
        return self.check(config, answer, data)

    def missing(self, config: C) -> JSON:
        if config.required:
            raise AnswerError(config.name, "an answer is required")
        return None

    def check(self, config: C, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        raise NotImplementedError

    def similarity(self, config: C, answer: JSON, gold: JSON) -> float:
        raise NotImplementedError

    def similarity_in(
        self, config: C, answer: JSON, gold: JSON, data: Mapping[str, Any] | None
    ) -> float:
        """Like `similarity`, using the item data when the kind can (spans: text tokens)."""
        return self.similarity(config, answer, gold)

    def score(self, config: C, answer: JSON, gold: JSON) -> float:
        return self.score_in(config, answer, gold, None)

    def score_in(
        self, config: C, answer: JSON, gold: JSON, data: Mapping[str, Any] | None
    ) -> float:
        """`score` with the item data at hand (only spans uses it, for whitespace tokens)."""
        if is_empty(answer) and is_empty(gold):
            return 1.0
        if is_empty(answer) or is_empty(gold):
            return 0.0
        return clip01(self.similarity_in(config, answer, gold, data))

    def agreement(self, config: C, answers: Sequence[JSON]) -> float:
        return self.agreement_in(config, answers, None)

    def agreement_in(
        self, config: C, answers: Sequence[JSON], data: Mapping[str, Any] | None
    ) -> float:
        return mean_pairwise(answers, lambda a, b: self.score_in(config, a, b, data))

    def export(self, config: C, answer: JSON) -> JSON:
        return copy.deepcopy(answer)


@runtime_checkable
class DiscreteKind(Protocol):
    """A kind whose answers take a few known values, so later controls can depend on them."""

    def possible_values(self, config: Any) -> list[Any]:
        """The values a `show_if` condition on this control may list."""
        ...

    def answer_values(self, config: Any, answer: JSON) -> list[Any]:
        """The values a (valid) answer carries, to test a `show_if` condition against."""
        ...


def same_value(a: Any, b: Any) -> bool:
    """Equality that keeps true/false apart from 1/0 and text apart from numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, str) != isinstance(b, str):
        return False
    return bool(a == b)
