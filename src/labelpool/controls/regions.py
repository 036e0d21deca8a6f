"""regions: labelled time segments of audio or video, with an optional text note each.

Config::

    {"name": "segments", "kind": "regions", "title": "Mark who speaks when",
     "target": "audio", "labels": [{"value": "speaker_1", "label": "Speaker 1"}, ...],
     "allow_text": true}

With `allow_text` each region may carry a `text` (e.g. the transcript of the segment).

Answer: a list of ``{"start": seconds, "end": seconds, "label": str, "text"?: str}`` with
``0 <= start < end``; not checked against the media duration. Regions may overlap (speaker
turns do). Normalised to start order, text stripped. A required control needs at least one
region.

Score: regions are matched one-to-one (Hungarian algorithm on temporal IoU); a match needs
the same label and IoU ≥ 0.5. Score = F1 of the matches * mean IoU of the matched pairs (like
boxes); both empty → 1. The text notes are not scored. Agreement: mean pairwise score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from labelpool.controls.base import JSON, AnswerError
from labelpool.controls.common import (
    LabelledConfig,
    SimpleKind,
    check_label,
    check_list,
    check_object,
    is_number,
    label_matched_f1,
    quoted,
    type_name,
)


class RegionsConfig(LabelledConfig):
    kind: Literal["regions"] = "regions"
    allow_text: bool = False


def time_iou(a: Mapping[str, Any], b: Mapping[str, Any]) -> float:
    """Intersection over union of two time intervals [start, end)."""
    inter = max(0.0, min(a["end"], b["end"]) - max(a["start"], b["start"]))
    union = (a["end"] - a["start"]) + (b["end"] - b["start"]) - inter
    return float(inter / union) if union > 0 else 0.0


def regions_score(answer: Sequence[Mapping[str, Any]], gold: Sequence[Mapping[str, Any]]) -> float:
    """Temporal-IoU-matched F1 * mean IoU of the matches (see the module docstring)."""
    return label_matched_f1(answer, gold, time_iou)


class RegionsKind(SimpleKind[RegionsConfig]):
    kind = "regions"
    config_model = RegionsConfig

    def check(self, config: RegionsConfig, answer: JSON, data: Mapping[str, Any] | None) -> JSON:
        name = config.name
        regions = check_list(name, answer, "regions")
        if not regions:
            if config.required:
                raise AnswerError(name, "mark at least one region")
            return []
        labels = config.label_values()
        optional = ["text"] if config.allow_text else []
        out: list[dict[str, Any]] = []
        for number, raw in enumerate(regions, start=1):
            what = f"region {number}"
            if isinstance(raw, Mapping) and "text" in raw and not config.allow_text:
                raise AnswerError(name, f"{what}: this control does not take text notes")
            region = check_object(name, what, raw, ["start", "end", "label"], optional)
            start, end = region["start"], region["end"]
            for key, value in (("start", start), ("end", end)):
                if not is_number(value):
                    raise AnswerError(
                        name, f"{what}: {key} should be a time in seconds, got {quoted(value)}"
                    )
            if start < 0:
                raise AnswerError(name, f"{what}: start ({start} s) cannot be negative")
            if end <= start:
                raise AnswerError(name, f"{what}: end ({end} s) must be after start ({start} s)")
            label = check_label(name, what, region["label"], labels)
            item: dict[str, Any] = {"start": start, "end": end, "label": label}
            if region.get("text") is not None:
                if not isinstance(region["text"], str):
                    raise AnswerError(
                        name, f"{what}: text should be text, got {type_name(region['text'])}"
                    )
                item["text"] = region["text"].strip()
            out.append(item)
        out.sort(key=lambda r: (r["start"], r["end"], r["label"]))
        return out

    def similarity(self, config: RegionsConfig, answer: JSON, gold: JSON) -> float:
        return regions_score(answer, gold)
