"""Small helpers that build raw control configs and data fields, so templates read cleanly.

Every helper returns plain JSON-ready dicts with the exact config keys of
`labelpool.controls` (None values are left out).
"""

from __future__ import annotations

from typing import Any

from labelpool.controls.fields import DataField, FieldKind

Option = tuple[str, str] | tuple[str, str, str]
ScalePoint = tuple[int, str] | tuple[int, str, str]


def data(
    name: str,
    kind: FieldKind,
    description: str,
    example: Any = None,
    *,
    required: bool = True,
) -> DataField:
    return DataField(
        name=name, kind=kind, required=required, description=description, example=example
    )


def when(control: str, *values: str | int) -> dict[str, Any]:
    """A `show_if` condition: show only when `control`'s answer is (or contains) one of values."""
    return {"control": control, "in": list(values)}


def options(*items: Option) -> list[dict[str, str]]:
    """Choice options from (value, label) or (value, label, hint) tuples."""
    out: list[dict[str, str]] = []
    for item in items:
        option = {"value": item[0], "label": item[1]}
        if len(item) == 3:
            option["hint"] = item[2]
        out.append(option)
    return out


def labels(*items: tuple[str, str] | tuple[str, str, str]) -> list[dict[str, str]]:
    """Span / box / region / track labels from (value, label) or (value, label, color)."""
    out: list[dict[str, str]] = []
    for item in items:
        label = {"value": item[0], "label": item[1]}
        if len(item) == 3:
            label["color"] = item[2]
        out.append(label)
    return out


def scale(*points: ScalePoint) -> list[dict[str, Any]]:
    """Rating scale points from (value, label) or (value, label, description), ascending."""
    out: list[dict[str, Any]] = []
    for point in points:
        entry: dict[str, Any] = {"value": point[0], "label": point[1]}
        if len(point) == 3:
            entry["description"] = point[2]
        out.append(entry)
    return out


def control(
    kind: str,
    name: str,
    title: str,
    *,
    target: str | None = None,
    section: str | None = None,
    description: str | None = None,
    required: bool = True,
    show_if: dict[str, Any] | None = None,
    **specific: Any,
) -> dict[str, Any]:
    """A raw control config; `section` becomes `guideline_section`."""
    config: dict[str, Any] = {"name": name, "kind": kind, "title": title}
    if description is not None:
        config["description"] = description
    if target is not None:
        config["target"] = target
    config["required"] = required
    if show_if is not None:
        config["show_if"] = show_if
    if section is not None:
        config["guideline_section"] = section
    config.update({key: value for key, value in specific.items() if value is not None})
    return config


def choice(name: str, title: str, opts: list[dict[str, str]], **kw: Any) -> dict[str, Any]:
    return control("choice", name, title, options=opts, **kw)


def rating(name: str, title: str, points: list[dict[str, Any]], **kw: Any) -> dict[str, Any]:
    return control("rating", name, title, scale=points, **kw)


def text(name: str, title: str, **kw: Any) -> dict[str, Any]:
    return control("text", name, title, **kw)


def spans(name: str, title: str, labs: list[dict[str, str]], **kw: Any) -> dict[str, Any]:
    return control("spans", name, title, labels=labs, **kw)


def boxes(name: str, title: str, labs: list[dict[str, str]], **kw: Any) -> dict[str, Any]:
    return control("boxes", name, title, labels=labs, **kw)


def regions(name: str, title: str, labs: list[dict[str, str]], **kw: Any) -> dict[str, Any]:
    return control("regions", name, title, labels=labs, **kw)


def tracks(name: str, title: str, labs: list[dict[str, str]], **kw: Any) -> dict[str, Any]:
    return control("tracks", name, title, labels=labs, **kw)


def ranking(name: str, title: str, **kw: Any) -> dict[str, Any]:
    return control("ranking", name, title, **kw)


def pairwise(name: str, title: str, **kw: Any) -> dict[str, Any]:
    return control("pairwise", name, title, **kw)


def guidelines(text_: str) -> str:
    """Guidelines Markdown with the common indentation and outer blank lines removed."""
    import textwrap

    return textwrap.dedent(text_).strip() + "\n"
