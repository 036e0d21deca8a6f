"""The label schema: a project's list of controls, and what to do with a whole response.

A schema is JSON ``{"controls": [control config, ...]}`` (see `base.py` for the shared fields
and each kind's module for its own). `parse_schema` checks it and reports every problem at
once; `validate_response` checks a contributor's answers against it, applying conditional
logic (`show_if`); `score_response`, `agreement_for` and `export_response` work per control.

Conditional controls: a control with ``"show_if": {"control": "a", "in": [...]}`` is shown only
when the earlier control ``a`` (a choice, rating or pairwise control) was answered with one of
the listed values (for multi-choice: when any selected value is listed; for pairwise: the
winner). A hidden control must be left unanswered; if ``a`` is hidden, so is every control
that depends on it.

Problems are reported as sentences: schema problems name the control as
``controls[INDEX] 'NAME'`` (0-based index) and the field; answer problems are `AnswerError`s
whose message starts with the control name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import ValidationError

from labelpool.controls.base import JSON, AnswerError, ControlConfig, ControlKind
from labelpool.controls.common import DiscreteKind, SimpleKind, is_empty, listing, same_value
from labelpool.controls.registry import KINDS, kind_for


class SchemaError(ValueError):
    """A label schema is invalid. `problems` holds one sentence per problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"the label schema has {count} problem{'s' if count != 1 else ''}: "
            + "; ".join(self.problems)
        )


class ResponseError(ValueError):
    """A response does not fit the schema. `errors` holds every problem found."""

    def __init__(self, errors: list[AnswerError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(error) for error in self.errors))

    def by_control(self) -> dict[str, list[str]]:
        """Problems grouped by control name (for showing next to each question)."""
        grouped: dict[str, list[str]] = {}
        for error in self.errors:
            grouped.setdefault(error.control, []).append(error.problem)
        return grouped


@dataclass(frozen=True)
class LabelSchema:
    """A checked label schema: control configs in display order."""

    controls: tuple[ControlConfig, ...]

    @property
    def names(self) -> list[str]:
        return [config.name for config in self.controls]

    def control(self, name: str) -> ControlConfig:
        for config in self.controls:
            if config.name == name:
                return config
        raise KeyError(f"there is no control named '{name}'; controls: {listing(self.names)}")

    def kind(self, name: str) -> ControlKind[Any]:
        return kind_for(self.control(name).kind)

    def data_fields(self) -> list[str]:
        """The item data fields the controls look at, in order of first use."""
        fields: list[str] = []
        for config in self.controls:
            for field in _targets(config):
                if field not in fields:
                    fields.append(field)
        return fields

    def to_json(self) -> dict[str, Any]:
        """Plain JSON that `parse_schema` turns back into an equal schema."""
        return {
            "controls": [
                config.model_dump(mode="json", by_alias=True, exclude_none=True)
                for config in self.controls
            ]
        }


@dataclass(frozen=True)
class ResponseScore:
    """Gold score per control (only controls with a gold answer) and their mean."""

    controls: dict[str, float]
    overall: float | None


def _targets(config: ControlConfig) -> list[str]:
    fields = [config.target] if config.target else []
    extra = getattr(config, "targets", None)
    if isinstance(extra, list | tuple):
        fields.extend(str(field) for field in extra)
    return fields


def _path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _sentence(error: Mapping[str, Any], kind: str, model: type[ControlConfig]) -> str:
    """One pydantic error as words: 'options[1].value is required'."""
    loc = tuple(error.get("loc", ()))
    path = _path(loc)
    kind_of_error = error.get("type", "")
    message = str(error.get("msg", "is invalid"))
    if kind_of_error == "missing":
        return f"{path} is required"
    if kind_of_error == "extra_forbidden":
        if len(loc) == 1:
            known = ", ".join(model.model_fields)
            return f"'{path}' is not a field of a {kind} control (fields: {known})"
        return f"'{path}' is not an allowed field"
    ctx = error.get("ctx") or {}
    if kind_of_error == "too_short" and "min_length" in ctx:
        text = f"needs at least {ctx['min_length']} item(s), got {ctx.get('actual_length')}"
    elif kind_of_error == "too_long" and "max_length" in ctx:
        text = f"allows at most {ctx['max_length']} item(s), got {ctx.get('actual_length')}"
    elif kind_of_error == "string_too_short" and ctx.get("min_length") == 1:
        text = "must not be empty"
    elif kind_of_error == "value_error":
        text = message.removeprefix("Value error, ")
    else:
        text = message.replace("Input should be", "should be")
        text = text[:1].lower() + text[1:]
    if not path:
        return text
    return f"{path}: {text}" if kind_of_error == "value_error" else f"{path} {text}"


def _label(index: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, Mapping) else None
    return f"controls[{index}] '{name}'" if isinstance(name, str) else f"controls[{index}]"


def parse_schema(raw: Any, data_fields: Sequence[str] | None = None) -> LabelSchema:
    """Check a label schema; raise SchemaError listing every problem.

    With `data_fields`, every control's `target` (and pairwise `targets`) must be one of them.
    """
    if isinstance(raw, LabelSchema):
        raw = raw.to_json()
    if not isinstance(raw, Mapping):
        raise SchemaError(['the label schema should be an object like {"controls": [...]}'])
    problems: list[str] = []
    unknown_keys = sorted(str(key) for key in raw if key != "controls")
    if unknown_keys:
        problems.append(f"unknown top-level field(s) {listing(unknown_keys)}; only 'controls'")
    items = raw.get("controls")
    if not isinstance(items, list):
        problems.append("'controls' should be a list of controls")
        raise SchemaError(problems)
    if not items:
        problems.append("add at least one control")
        raise SchemaError(problems)

    configs: list[ControlConfig | None] = []
    names: list[str | None] = []
    for index, item in enumerate(items):
        label = _label(index, item)
        configs.append(None)
        names.append(item.get("name") if isinstance(item, Mapping) else None)
        if not isinstance(item, Mapping):
            problems.append(f"{label} should be an object with a name, kind and title")
            continue
        kind_name = item.get("kind")
        if kind_name is None:
            problems.append(f"{label}: kind is required; known kinds: {listing(sorted(KINDS))}")
            continue
        if not isinstance(kind_name, str) or kind_name not in KINDS:
            problems.append(
                f"{label}: '{kind_name}' is not a control kind; known kinds: "
                f"{listing(sorted(KINDS))}"
            )
            continue
        kind = KINDS[kind_name]
        try:
            configs[index] = kind.parse_config(item)
        except ValidationError as exc:
            for error in exc.errors():
                problems.append(f"{label}: {_sentence(error, kind_name, kind.config_model)}")

    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not isinstance(name, str):
            continue
        if name in seen:
            problems.append(
                f"{_label(index, items[index])}: the name '{name}' is already used by "
                f"controls[{seen[name]}]; names must be unique"
            )
        else:
            seen[name] = index

    for index, config in enumerate(configs):
        if config is None:
            continue
        label = _label(index, items[index])
        if data_fields is not None:
            for field in _targets(config):
                if field not in data_fields:
                    problems.append(
                        f"{label}: target '{field}' is not a data field of this project "
                        f"(data fields: {listing(data_fields) or 'none'})"
                    )
        if config.show_if is not None:
            problems.extend(_check_condition(label, index, config, names, configs))

    if problems:
        raise SchemaError(problems)
    return LabelSchema(controls=tuple(cast(list[ControlConfig], configs)))


def _check_condition(
    label: str,
    index: int,
    config: ControlConfig,
    names: list[str | None],
    configs: list[ControlConfig | None],
) -> list[str]:
    assert config.show_if is not None
    source_name = config.show_if.control
    if source_name not in names:
        return [f"{label}: show_if refers to '{source_name}', which is not a control here"]
    source_index = names.index(source_name)
    if source_index == index:
        return [f"{label}: show_if refers to the control itself"]
    if source_index > index:
        return [
            f"{label}: show_if refers to '{source_name}', which comes after it; a condition "
            "can only depend on an earlier control"
        ]
    source = configs[source_index]
    if source is None:
        return []  # its own problems are reported already
    kind = KINDS[source.kind]
    if not isinstance(kind, DiscreteKind):
        return [
            f"{label}: show_if refers to '{source_name}', a {source.kind} control; conditions "
            "can only depend on choice, rating or pairwise controls"
        ]
    possible = kind.possible_values(source)
    wrong = [
        value
        for value in config.show_if.in_
        if not any(same_value(value, option) for option in possible)
    ]
    if wrong:
        return [
            f"{label}: show_if value(s) {listing([repr(value) for value in wrong])} are not "
            f"possible answers of '{source_name}' ({listing(possible)})"
        ]
    return []


def _visibility(
    schema: LabelSchema, config: ControlConfig, answers: Mapping[str, JSON], invalid: set[str]
) -> bool | None:
    """True if shown, False if hidden, None if unknown (the control it depends on is invalid)."""
    condition = config.show_if
    if condition is None:
        return True
    if condition.control in invalid:
        return None
    if condition.control not in answers:
        return False
    source = schema.control(condition.control)
    kind = kind_for(source.kind)
    values = cast(DiscreteKind, kind).answer_values(source, answers[condition.control])
    return any(same_value(value, wanted) for value in values for wanted in condition.in_)


def visible_controls(schema: LabelSchema, answers: Mapping[str, JSON]) -> list[str]:
    """Names of the controls shown for these (already valid) answers, in order."""
    shown: list[str] = []
    seen: dict[str, JSON] = {}
    for config in schema.controls:
        if _visibility(schema, config, seen, set()):
            shown.append(config.name)
            if config.name in answers:
                seen[config.name] = answers[config.name]
    return shown


def _condition_text(config: ControlConfig) -> str:
    assert config.show_if is not None
    values = listing([str(value) for value in config.show_if.in_])
    joiner = "is" if len(config.show_if.in_) == 1 else "is one of"
    return f"{config.show_if.control} {joiner} {values}"


def validate_response(
    schema: LabelSchema, answers: Mapping[str, JSON], data: Mapping[str, Any] | None = None
) -> dict[str, JSON]:
    """Check a response; return the normalised answers of the visible controls.

    Visible required controls must be answered; hidden controls must be left out (None or an
    empty value is accepted and dropped); unknown names are refused; each answer is checked by
    its kind (with the item `data` when given). Raises ResponseError listing every problem.
    The result has one key per visible control that was answered (optional controls answered
    with null keep null).
    """
    if not isinstance(answers, Mapping):
        raise ResponseError(
            [AnswerError("response", "the answers should be an object of control name to answer")]
        )
    errors: list[AnswerError] = []
    known = set(schema.names)
    for key in answers:
        if key not in known:
            errors.append(
                AnswerError(str(key), "there is no question with this name in the label schema")
            )
    result: dict[str, JSON] = {}
    invalid: set[str] = set()
    for config in schema.controls:
        name = config.name
        visible = _visibility(schema, config, result, invalid)
        present = name in answers
        if visible is False:
            if present and not is_empty(answers[name]):
                errors.append(
                    AnswerError(
                        name,
                        f"this question is only asked when {_condition_text(config)}, "
                        "so leave it unanswered",
                    )
                )
            continue
        if not present:
            if visible and config.required:
                errors.append(AnswerError(name, "an answer is required"))
            continue
        try:
            result[name] = kind_for(config.kind).validate_answer(config, answers[name], data)
        except AnswerError as error:
            errors.append(error)
            invalid.add(name)
    if errors:
        raise ResponseError(errors)
    return result


def _score(
    kind: ControlKind[Any],
    config: ControlConfig,
    answer: JSON,
    gold: JSON,
    data: Mapping[str, Any] | None,
) -> float:
    if isinstance(kind, SimpleKind):
        return kind.score_in(config, answer, gold, data)
    return kind.score(config, answer, gold)


def score_response(
    schema: LabelSchema,
    answers: Mapping[str, JSON],
    gold: Mapping[str, JSON],
    data: Mapping[str, Any] | None = None,
) -> ResponseScore:
    """Score valid answers against gold answers, per control that has gold (a key in `gold`).

    A control with gold that was not answered scores 1 if the gold is empty too (None, "", [])
    and 0 otherwise. `overall` is the mean over the scored controls (None when none has gold).
    With the item `data`, spans are scored on whitespace tokens instead of characters.
    """
    scores: dict[str, float] = {}
    for config in schema.controls:
        if config.name not in gold:
            continue
        kind = kind_for(config.kind)
        scores[config.name] = _score(
            kind, config, answers.get(config.name), gold[config.name], data
        )
    overall = sum(scores.values()) / len(scores) if scores else None
    return ResponseScore(controls=scores, overall=overall)


def agreement_for(
    schema: LabelSchema,
    control_name: str,
    answers_list: Sequence[JSON],
    data: Mapping[str, Any] | None = None,
) -> float:
    """Agreement in [0, 1] among several contributors' (valid) answers to one control of one item.

    None stands for "not answered" and counts as an answer (it agrees with other empty
    answers only); filter Nones out first to ignore contributors who did not see the control.
    """
    config = schema.control(control_name)
    kind = kind_for(config.kind)
    if isinstance(kind, SimpleKind):
        return kind.agreement_in(config, list(answers_list), data)
    return kind.agreement(config, list(answers_list))


def export_response(schema: LabelSchema, answers: Mapping[str, JSON]) -> dict[str, JSON]:
    """The (valid) answers as plain JSON for export files, in schema order."""
    out: dict[str, JSON] = {}
    for config in schema.controls:
        if config.name in answers:
            out[config.name] = kind_for(config.kind).export(config, answers[config.name])
    return out
