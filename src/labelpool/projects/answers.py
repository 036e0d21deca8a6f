"""Bridges from a project's stored label schema to the pure control kinds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from labelpool.controls.base import AnswerError
from labelpool.controls.registry import kind_for
from labelpool.controls.schema import LabelSchema, SchemaError, parse_schema
from labelpool.errors import InvalidInput
from labelpool.projects.importing.rows import AnswerCheck


def checked_schema(label_schema: Mapping[str, Any], field_names: Sequence[str]) -> LabelSchema:
    """Parse a label schema, turning its problems into one InvalidInput listing them all."""
    try:
        return parse_schema(label_schema, list(field_names))
    except SchemaError as exc:
        problems = [str(p) for p in exc.problems]
        raise InvalidInput(
            "The label schema has problems: " + "; ".join(problems[:5]),
            details={"label_schema": problems},
        ) from None


def answer_checker(schema: LabelSchema) -> tuple[list[str], AnswerCheck]:
    """Control names and a function validating one control's answer (for gold, predictions)."""
    configs = {config.name: config for config in schema.controls}

    def check(name: str, answer: Any, data: Mapping[str, Any]) -> Any:
        config = configs[name]
        try:
            return kind_for(config.kind).validate_answer(config, answer, data)
        except AnswerError as exc:
            raise ValueError(exc.problem) from None

    return list(configs), check
