"""Turning one raw record into a checked item row (pure; no web or database imports).

A record is either flat (`{"text": "...", "id": "a1"}`) or nested
(`{"data": {"text": "..."}, "id": "a1", "gold": {...}, "predictions": {...}}`).
Reserved keys: `id` (the requester's own id, unique in the project), `gold` (known answers by
control name: makes a gold item), `predictions` (pre-annotations by control name, or
`{"model": "v3", "score": 0.9, "answers": {...}}`, or a list of those).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from labelpool.controls.fields import DataField, FieldKind, field_problem
from labelpool.text import one_line_ending

RESERVED_KEYS = frozenset({"id", "data", "gold", "predictions"})
MAX_ERRORS_KEPT = 100

# Checks one control's answer: returns the normalised answer or raises ValueError.
AnswerCheck = Callable[[str, Any, Mapping[str, Any]], Any]


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    problem: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "problem": self.problem}

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", field '{self.field}'" if self.field else "")
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class PredictionRow:
    model_version: str
    answers: dict[str, Any]
    score: float | None


class CheckedRow(NamedTuple):
    """A row ready to store (a tuple: a million of them are made per import, so they are cheap)."""

    row: int
    external_id: str | None
    data: dict[str, Any]
    gold: dict[str, Any] | None = None
    predictions: tuple[PredictionRow, ...] = ()


class RowChecker:
    """Checks records against a project's data fields and (for gold/predictions) its controls."""

    def __init__(
        self,
        fields: Sequence[DataField],
        control_names: Sequence[str] = (),
        check_answer: AnswerCheck | None = None,
    ) -> None:
        self.fields = list(fields)
        self.control_names = frozenset(control_names)
        self.check_answer = check_answer
        self._quick = [
            (f.name, f.required, f.kind in (FieldKind.TEXT, FieldKind.MARKDOWN), _quick_check(f))
            for f in self.fields
        ]

    def check(self, row: int, record: Any) -> CheckedRow | list[RowError]:
        """The checked row, or every problem found in the record.

        The common case (a flat record that is fine) is decided inline without building error
        lists; anything unusual goes to the full check, which also explains the problems.
        """
        if type(record) is dict and not ("data" in record or "gold" in record):
            for name, required, is_text, ok in self._quick:
                value = record.get(name)
                if value is None:
                    if required:
                        break
                elif is_text:
                    if type(value) is not str or not value or value.isspace() or "\r" in value:
                        break  # the full check explains, or normalises the line endings
                elif not ok(value):
                    break
            else:
                raw_id = record.get("id")
                if raw_id is None:
                    external_id = None
                elif type(raw_id) is str and 0 < len(raw_id) <= 200 and not raw_id[0].isspace():
                    external_id = raw_id.rstrip()
                    del record["id"]
                else:
                    return self._full_check(row, record)
                if "predictions" not in record:
                    return CheckedRow(row, external_id, record)
                record["id"] = raw_id
        return self._full_check(row, record)

    def _full_check(self, row: int, record: Any) -> CheckedRow | list[RowError]:
        if not isinstance(record, dict):
            return [RowError(row, None, "must be an object with the item's fields")]
        nested = record.get("data")
        if isinstance(nested, dict):
            data = nested
        elif "data" in record and not any(f.name == "data" for f in self.fields):
            return [RowError(row, "data", "must be an object holding the item's fields")]
        else:
            data = {k: v for k, v in record.items() if k not in RESERVED_KEYS}
        errors: list[RowError] = []
        for data_field in self.fields:
            value = data.get(data_field.name)
            if value is None or value == "":
                if data_field.required:
                    missing = "is missing" if value is None else "must not be empty"
                    errors.append(RowError(row, data_field.name, missing))
                continue
            problem = field_problem(data_field, value)
            if problem is not None:
                errors.append(RowError(row, data_field.name, problem))
            elif isinstance(value, str) and "\r" in value:
                data[data_field.name] = one_line_ending(value)

        raw_id = record.get("id")
        external_id: str | None = None
        if raw_id is not None:
            if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
                errors.append(RowError(row, "id", "must be text or a whole number"))
            else:
                external_id = str(raw_id).strip()
                if not external_id or len(external_id) > 200:
                    errors.append(RowError(row, "id", "must be 1 to 200 characters"))

        gold = self._answers(row, "gold", record.get("gold"), data, errors)
        predictions = self._predictions(row, record.get("predictions"), data, errors)
        if errors:
            return errors
        return CheckedRow(
            row=row,
            external_id=external_id,
            data=data,
            gold=gold or None,
            predictions=tuple(predictions),
        )

    def _answers(
        self,
        row: int,
        what: str,
        answers: Any,
        data: Mapping[str, Any],
        errors: list[RowError],
    ) -> dict[str, Any] | None:
        if answers is None:
            return None
        if not isinstance(answers, dict) or not answers:
            errors.append(RowError(row, what, "must be an object of answers by control name"))
            return None
        checked: dict[str, Any] = {}
        for name, answer in answers.items():
            if name not in self.control_names:
                known = ", ".join(sorted(self.control_names)) or "none"
                errors.append(
                    RowError(row, f"{what}.{name}", f"is not a control of this project ({known})")
                )
                continue
            if self.check_answer is None:
                checked[name] = answer
                continue
            try:
                checked[name] = self.check_answer(name, answer, data)
            except ValueError as exc:
                errors.append(RowError(row, f"{what}.{name}", str(exc)))
        return checked

    def _predictions(
        self, row: int, raw: Any, data: Mapping[str, Any], errors: list[RowError]
    ) -> list[PredictionRow]:
        if raw is None:
            return []
        entries = raw if isinstance(raw, list) else [raw]
        found: list[PredictionRow] = []
        for entry in entries:
            if isinstance(entry, dict) and isinstance(entry.get("answers"), dict):
                model = entry.get("model", "")
                score = entry.get("score")
                if not isinstance(model, str) or (
                    score is not None
                    and (isinstance(score, bool) or not isinstance(score, int | float))
                ):
                    errors.append(
                        RowError(row, "predictions", "'model' must be text, 'score' a number")
                    )
                    continue
                answers = self._answers(row, "predictions", entry["answers"], data, errors)
                if answers:
                    found.append(PredictionRow(model[:100], answers, score))
            else:
                answers = self._answers(row, "predictions", entry, data, errors)
                if answers:
                    found.append(PredictionRow("", answers, None))
        return found


def _quick_check(data_field: DataField) -> Callable[[Any], bool]:
    """A fast yes/no test of a present value; a "no" goes to the full check for the reason."""
    if data_field.kind in (FieldKind.TEXT, FieldKind.MARKDOWN):
        return lambda value: type(value) is str and not value.isspace() and value != ""
    if data_field.kind == FieldKind.NUMBER:
        return lambda value: type(value) is int or type(value) is float
    return lambda value: field_problem(data_field, value) is None


def coerce_csv_value(kind: FieldKind, text: str) -> Any:
    """CSV cells are text: read numbers as numbers and structured kinds as JSON."""
    if text == "":
        return None
    if kind == FieldKind.NUMBER:
        try:
            return int(text)
        except ValueError:
            try:
                return float(text)
            except ValueError:
                return text  # reported as "must be a number"
    if kind in (FieldKind.CONVERSATION, FieldKind.RESPONSES, FieldKind.JSON):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            return text  # JSON fields keep it as text; lists are reported as the wrong type
    return text
