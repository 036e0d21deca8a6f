"""View shaping for a project's items and schema tabs: item fields, media, answers, controls."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from labelpool.config import Settings
from labelpool.media.service import ItemMediaLinks
from labelpool.projects.importing.limits import MORE, preview
from labelpool.projects.models import Item, Project
from labelpool.web.markdown import markdown_html

KIND_LABELS = {
    "choice": "Choice",
    "rating": "Rating",
    "text": "Text",
    "spans": "Text spans",
    "boxes": "Boxes",
    "polygons": "Polygons",
    "keypoints": "Keypoints",
    "regions": "Time regions",
    "tracks": "Tracks",
    "ranking": "Ranking",
    "pairwise": "Pairwise",
}
SHAPE_NOUNS = {  # kind: (one, many) for "3 boxes: Car, Car, Person"
    "boxes": ("box", "boxes"),
    "polygons": ("polygon", "polygons"),
    "keypoints": ("point", "points"),
    "spans": ("span", "spans"),
    "tracks": ("track", "tracks"),
}
SHOWN_CONTROL_KEYS = {
    "name",
    "kind",
    "title",
    "description",
    "target",
    "targets",
    "required",
    "show_if",
    "guideline_section",
    "options",
    "labels",
    "scale",
}


def control_summary(control: Mapping[str, Any]) -> str:
    kind = str(control.get("kind", ""))
    label = KIND_LABELS.get(kind, kind)
    if kind == "choice":
        count = len(control.get("options", []))
        return f"{'Multi' if control.get('multiple') else 'Single'} choice ({count})"
    if kind == "rating":
        values = [p.get("value") for p in control.get("scale", []) if isinstance(p, dict)]
        return f"Rating {values[0]} to {values[-1]}" if values else "Rating"
    return label


def _label_of(control: Mapping[str, Any], value: Any) -> str:
    for key in ("options", "scale", "labels"):
        for option in control.get(key) or []:
            if option.get("value") == value:
                return str(option.get("label", value))
    return str(value)


def _compact(value: Any, limit: int = 300) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _answer_text(control: Mapping[str, Any] | None, answer: Any) -> str:
    """A gold answer in words: option labels, scale labels, counts of boxes and regions."""
    if control is None:
        return _compact(answer)
    kind = control.get("kind")
    if kind in ("choice", "rating"):
        values = answer if isinstance(answer, list) else [answer]
        return ", ".join(_label_of(control, v) for v in values)
    if kind == "text" and isinstance(answer, str):
        return answer
    if kind == "regions" and isinstance(answer, list):
        parts = [
            f"{_label_of(control, r.get('label'))} {r.get('start')}\u2013{r.get('end')} s"
            for r in answer
            if isinstance(r, dict)
        ]
        return "; ".join(parts) if parts else "No regions"
    if kind in SHAPE_NOUNS and isinstance(answer, list):
        noun, nouns = SHAPE_NOUNS[kind]
        labels = ", ".join(
            _label_of(control, a.get("label")) for a in answer if isinstance(a, dict)
        )
        count = len(answer)
        return f"{count} {noun if count == 1 else nouns}" + (f": {labels}" if labels else "")
    if kind == "pairwise" and isinstance(answer, dict) and "winner" in answer:
        winner = answer["winner"]
        verdict = "Tie" if winner == "tie" else f"{str(winner).upper()} is better"
        return verdict + (f" ({answer['strength']})" if answer.get("strength") else "")
    if kind == "ranking" and isinstance(answer, list):
        return "Order: " + " > ".join(str(i + 1) if isinstance(i, int) else str(i) for i in answer)
    return _compact(answer)


MEDIA_FIELD_KINDS = ("image", "audio", "video")


def _media_field_view(kind: str, value: Any, links: ItemMediaLinks) -> dict[str, Any]:
    """A media field: the file, a link, or "unavailable" for a reference that is not ours."""
    if isinstance(value, str) and value.startswith("media:"):
        src = links.url(value)
        if src is None:
            return {"display": "unavailable", "value": value}
        return {"display": kind, "src": src, "value": value}
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return {"display": kind, "src": value, "value": value}
    return {"display": "text", "src": None, "value": str(value)}


def _field_value(kind: str, value: Any, links: ItemMediaLinks) -> dict[str, Any]:
    """How to show one field of an item; `display` picks the template branch."""
    if value is None or value == "":
        return {"display": "missing"}
    if kind in MEDIA_FIELD_KINDS:
        return _media_field_view(kind, value, links)
    if kind == "url" and isinstance(value, str) and value.startswith(("http://", "https://")):
        return {"display": "url", "value": value}
    if kind == "number" and isinstance(value, int | float):
        return {"display": "number", "value": value}
    if kind == "conversation" and isinstance(value, list):
        turns = [
            {"role": str(t.get("role", "")), "content": str(t.get("content", ""))}
            for t in value
            if isinstance(t, dict)
        ]
        return {"display": "conversation", "turns": turns}
    if kind == "responses" and isinstance(value, list):
        responses = [r.get("text", "") if isinstance(r, dict) else str(r) for r in value]
        return {"display": "responses", "responses": responses}
    if kind == "markdown" and isinstance(value, str):
        return {"display": "markdown", "html": markdown_html(value, shift=3)}
    if kind == "text" and isinstance(value, str):
        return {"display": "text", "value": value}
    return {"display": "json", "value": json.dumps(value, indent=2, ensure_ascii=False)}


def item_view(
    item: Item,
    fields: list[dict[str, Any]],
    controls: Mapping[str, Mapping[str, Any]],
    links: ItemMediaLinks,
) -> dict[str, Any]:
    known = {f["name"] for f in fields}
    data, shortened = preview(item.data or {}, first=known)
    more_keys = data.pop(MORE, None) if shortened else None
    shown = [
        {
            "name": f["name"],
            "kind": f["kind"],
            **_field_value(f["kind"], data.get(f["name"]), links),
        }
        for f in fields
        if f["name"] in data or f.get("required", True)
    ]
    shown += [
        {"name": name, "kind": "json", **_field_value("json", value, links)}
        for name, value in data.items()
        if name not in known
    ]
    gold = [
        {
            "control": name,
            "title": (controls.get(name) or {}).get("title", name),
            "answer": _answer_text(controls.get(name), answer),
        }
        for name, answer in (item.gold or {}).items()
    ]
    return {
        "id": item.id,
        "external_id": item.external_id,
        "is_gold": item.is_gold,
        "fields": shown,
        "gold": gold,
        "shortened": shortened,
        "more_keys": more_keys,
    }


def media_links(
    db: Session,
    settings: Settings,
    project: Project,
    fields: list[dict[str, Any]],
    items: list[Item],
) -> ItemMediaLinks:
    """Signed URLs for the media fields of `items`: only the project's organization's files."""
    names = [f["name"] for f in fields if f["kind"] in MEDIA_FIELD_KINDS]
    values = [(item.data or {}).get(name) for item in items for name in names]
    return ItemMediaLinks(
        db,
        project.organization_id,
        settings.signing_key,
        values,
        ttl_seconds=settings.media.media_url_ttl_seconds,
    )


def _condition_text(condition: Any, controls: Mapping[str, Mapping[str, Any]]) -> str | None:
    if not isinstance(condition, dict) or "control" not in condition:
        return None
    name = str(condition["control"])
    target = controls.get(name)
    values = [_label_of(target or {}, v) for v in condition.get("in", [])]
    title = (target or {}).get("title", name)
    answers = " or ".join(f"“{v}”" for v in values)
    return f"Shown only when “{title}” ({name}) is {answers}."


SETTING_WORDS = {
    "na_option": "N/A allowed",
    "multiline": "multi-line",
    "multiple": "several answers",
    "allow_text": "free text allowed",
    "allow_tie": "ties allowed",
    "allow_overlap": "overlaps allowed",
}


def _setting_text(key: str, value: Any) -> str:
    words = SETTING_WORDS.get(key, key.replace("_", " "))
    if value is True:
        return words
    return f"{words}: {value if isinstance(value, str | int | float) else _compact(value, 80)}"


def control_view(
    control: Mapping[str, Any], controls: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    kind = str(control.get("kind", ""))
    choices = control.get("options") or control.get("labels") or []
    scale = control.get("scale") or []
    targets = control.get("targets") or ([control["target"]] if control.get("target") else [])
    return {
        "name": control.get("name"),
        "kind": kind,
        "kind_label": control_summary(control),
        "title": control.get("title", ""),
        "description": control.get("description"),
        "targets": targets,
        "required": control.get("required", True),
        "section": control.get("guideline_section"),
        "condition": _condition_text(control.get("show_if"), controls),
        "choices": [
            {"value": c.get("value"), "label": c.get("label"), "hint": c.get("hint")}
            for c in choices
            if isinstance(c, dict)
        ],
        "choices_title": "Labels" if control.get("labels") else "Options",
        "scale": [
            {"value": p.get("value"), "label": p.get("label"), "description": p.get("description")}
            for p in scale
            if isinstance(p, dict)
        ],
        "settings": [
            _setting_text(k, v)
            for k, v in control.items()
            if k not in SHOWN_CONTROL_KEYS and v is not None and v is not False
        ],
    }
