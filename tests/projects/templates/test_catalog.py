"""The template catalog: every template is complete, valid and realistic.

The label schema checks import `labelpool.controls.schema` lazily (inside the tests) so the
catalog tests can be collected even while the control kinds are being written.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from labelpool.controls.fields import FieldKind, field_problem
from labelpool.projects.templates import (
    TEMPLATES,
    ProjectTemplate,
    TaskFamily,
    UnknownTemplate,
    get_template,
    list_templates,
    template_summary,
)

REQUIRED_KEYS = [
    "image-tagging",
    "object-identification",
    "scene-classification",
    "content-categorization",
    "image-bounding-boxes",
    "video-object-tracking",
    "video-action-recognition",
    "video-event-tagging",
    "audio-transcription",
    "speech-segments",
    "speaker-identification",
    "sound-classification",
    "speech-emotion",
    "text-sentiment",
    "text-intent",
    "spam-detection",
    "harmful-content",
    "named-entities",
    "keyword-highlighting",
    "grammar-issues",
    "question-categorization",
    "search-relevance",
    "ad-evaluation",
    "ai-response-rating",
    "side-by-side-comparison",
    "response-ranking",
    "conversation-rating",
    "fact-checking",
    "content-generation",
    "quality-verification",
]

# Keys beyond the required ones. Keys are stable: projects store them, so once published a
# key is never renamed or removed (add new templates instead).
EXTRA_KEYS = [
    "translation-quality",
    "summarization-rating",
    "next-reply-preference",
    "image-captioning",
    "text-summarization",
]

# Which data field kinds each control kind may look at (kinds not listed: any field).
TARGET_KINDS: dict[str, set[FieldKind]] = {
    "boxes": {FieldKind.IMAGE},
    "tracks": {FieldKind.VIDEO},
    "regions": {FieldKind.AUDIO, FieldKind.VIDEO},
    "spans": {FieldKind.TEXT},
    "ranking": {FieldKind.RESPONSES},
}
PAIRWISE_SIDE_KINDS = {FieldKind.TEXT, FieldKind.MARKDOWN, FieldKind.IMAGE, FieldKind.AUDIO}

SECTION_HEADING = re.compile(r"^#{2,4}\s+(\d+(?:\.\d+)*)\.?\s+\S", re.MULTILINE)
EXAMPLE_MARK = re.compile(r"Example|→|✔")

ALL = list(TEMPLATES.values())


def ids(template: ProjectTemplate) -> str:
    return template.key


def sections(guidelines: str) -> list[str]:
    return SECTION_HEADING.findall(guidelines)


def section_text(guidelines: str, number: str) -> str:
    """The text of a top-level section `## N.` (with its subsections)."""
    top = number.split(".")[0]
    parts = re.split(r"(?m)^(?=## )", guidelines)
    for part in parts:
        if re.match(rf"## {top}\.\s", part):
            return part
    raise AssertionError(f"no section {top}")


def schema_module() -> Any:
    return pytest.importorskip("labelpool.controls.schema")


# --- keys and families ---------------------------------------------------------------------


def test_every_required_key_exists() -> None:
    missing = [key for key in REQUIRED_KEYS if key not in TEMPLATES]
    assert not missing, f"missing templates: {missing}"


def test_keys_are_stable() -> None:
    """Published keys never disappear (a rename would break stored projects)."""
    assert set(REQUIRED_KEYS + EXTRA_KEYS) <= set(TEMPLATES)


def test_keys_are_lower_kebab_case_and_match_the_registry() -> None:
    for key, template in TEMPLATES.items():
        assert key == template.key
        assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", key), key


def test_keys_are_unique_across_family_modules() -> None:
    from labelpool.projects.templates import (
        audio,
        comparison,
        conversation,
        generation,
        image,
        rating,
        text,
        video,
    )

    modules = (image, video, audio, text, rating, comparison, conversation, generation)
    keys = [t.key for module in modules for t in module.TEMPLATES]
    assert len(keys) == len(set(keys)) == len(TEMPLATES)


def test_every_family_has_templates() -> None:
    for family in TaskFamily:
        assert list_templates(family), f"no template in family {family}"
    assert sum(len(list_templates(f)) for f in TaskFamily) == len(TEMPLATES)


def test_list_templates_filters_by_family_name_or_enum() -> None:
    assert list_templates() == ALL
    audio = list_templates("audio")
    assert audio == list_templates(TaskFamily.AUDIO)
    assert {t.key for t in audio} >= {"audio-transcription", "speech-segments"}
    assert all(t.family is TaskFamily.AUDIO for t in audio)


def test_list_templates_refuses_unknown_family() -> None:
    with pytest.raises(ValueError, match=r"unknown task family 'pictures'.*image, video"):
        list_templates("pictures")


def test_get_template_returns_the_template() -> None:
    assert get_template("text-sentiment") is TEMPLATES["text-sentiment"]


def test_get_template_unknown_key_suggests_close_matches() -> None:
    with pytest.raises(UnknownTemplate) as info:
        get_template("image-taging")
    error = info.value
    assert isinstance(error, KeyError)
    assert error.key == "image-taging"
    assert error.suggestions[0] == "image-tagging"
    assert str(error).startswith("no project template 'image-taging'; did you mean 'image-tagging'")


def test_get_template_suggests_kebab_case_for_snake_case() -> None:
    with pytest.raises(UnknownTemplate) as info:
        get_template("named_entities")
    assert info.value.suggestions == ["named-entities"]


def test_get_template_without_close_match_points_to_the_list() -> None:
    with pytest.raises(KeyError) as info:
        get_template("zzzz")
    assert "labelpool templates list" in str(info.value)


# --- per template ----------------------------------------------------------------------------


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_descriptive_text_is_present(template: ProjectTemplate) -> None:
    assert isinstance(template.family, TaskFamily)
    assert template.title.strip() and template.description.strip()
    assert 40 <= len(template.instructions) <= 400
    assert "\n" not in template.instructions  # one paragraph
    for field in template.data_fields:
        assert field.description, f"{template.key}.{field.name} has no description"


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_controls_pass_parse_schema(template: ProjectTemplate) -> None:
    schema = schema_module()
    parsed = schema.parse_schema({"controls": list(template.controls)}, template.field_names)
    assert parsed.names == [c["name"] for c in template.controls]


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_data_fields_are_unique_and_examples_valid(template: ProjectTemplate) -> None:
    names = template.field_names
    assert len(names) == len(set(names))
    assert any(f.required for f in template.data_fields)
    for field in template.data_fields:
        if field.example is not None:
            assert field_problem(field, field.example) is None, (template.key, field.name)


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_sample_items_fit_the_data_fields(template: ProjectTemplate) -> None:
    assert 2 <= len(template.sample_items) <= 3
    fields = {f.name: f for f in template.data_fields}
    for index, item in enumerate(template.sample_items):
        unknown = set(item) - set(fields)
        assert not unknown, f"{template.key} item {index}: unknown fields {unknown}"
        for field in fields.values():
            if field.name not in item:
                assert not field.required, f"{template.key} item {index}: {field.name} missing"
                continue
            problem = field_problem(field, item[field.name])
            assert problem is None, f"{template.key} item {index}.{field.name}: {problem}"
            if field.kind in (FieldKind.IMAGE, FieldKind.AUDIO, FieldKind.VIDEO):
                value = item[field.name]
                assert value.startswith("https://example.org/") or not value.startswith(
                    ("http://", "https://", "/")
                ), f"{template.key}: media should be a relative path or on example.org"


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_control_targets_name_fields_of_the_right_kind(template: ProjectTemplate) -> None:
    kinds = {f.name: f.kind for f in template.data_fields}
    for control in template.controls:
        kind = control["kind"]
        target = control.get("target")
        if kind in TARGET_KINDS:
            assert target is not None, f"{template.key}.{control['name']} needs a target"
        if target is not None:
            assert target in kinds, f"{template.key}.{control['name']}: unknown {target}"
            allowed = TARGET_KINDS.get(kind)
            if allowed is not None:
                assert kinds[target] in allowed, (
                    f"{template.key}.{control['name']}: a {kind} control cannot target "
                    f"a {kinds[target]} field"
                )
        if kind == "pairwise":
            sides = control["targets"]
            assert len(sides) == 2 and sides[0] != sides[1]
            for side in sides:
                assert kinds.get(side) in PAIRWISE_SIDE_KINDS, (template.key, side)
            assert kinds[sides[0]] == kinds[sides[1]]


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_guidelines_have_numbered_sections_and_examples(template: ProjectTemplate) -> None:
    text = template.guidelines
    numbers = sections(text)
    top = [n for n in numbers if "." not in n]
    assert top[:2] == ["1", "2"], f"{template.key}: sections should start ## 1., ## 2."
    assert top == [str(i) for i in range(1, len(top) + 1)], f"{template.key}: {top}"
    assert re.search(r"(?m)^## 1\. Task$", text), f"{template.key}: first section is the task"
    assert EXAMPLE_MARK.search(text)
    assert 15 <= len(text.splitlines()) <= 45, f"{template.key}: {len(text.splitlines())} lines"
    assert all(len(line) <= 100 for line in text.splitlines())


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_every_control_points_at_a_guideline_section_with_an_example(
    template: ProjectTemplate,
) -> None:
    numbers = set(sections(template.guidelines))
    for control in template.controls:
        section = control.get("guideline_section")
        assert section, f"{template.key}.{control['name']} has no guideline_section"
        assert section in numbers, f"{template.key}.{control['name']}: no section {section}"
        assert EXAMPLE_MARK.search(section_text(template.guidelines, section)), (
            f"{template.key}: section {section} has no example"
        )


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_choice_options_are_worded(template: ProjectTemplate) -> None:
    for control in template.controls:
        assert control["title"].strip()
        if control["kind"] == "choice":
            labels = [o["label"] for o in control["options"]]
            assert len(labels) == len(set(labels)), f"{template.key}.{control['name']}"
        if control["kind"] == "rating":
            values = [p["value"] for p in control["scale"]]
            assert values == sorted(values)


# --- answers: "for every template: accepts a valid answer, rejects an invalid one" ---------


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_sample_answer_is_accepted(template: ProjectTemplate) -> None:
    schema = schema_module()
    parsed = schema.parse_schema(template.schema, template.field_names)
    result = schema.validate_response(parsed, template.sample_answer, template.sample_items[0])
    assert set(result) == set(template.sample_answer)
    # the sample answer is its own gold: it scores 1 against itself
    score = schema.score_response(parsed, result, result, template.sample_items[0])
    assert score.overall == pytest.approx(1.0)
    json.dumps(schema.export_response(parsed, result))


def _wrong(control: dict[str, Any], answer: Any) -> Any:
    """A plausible but invalid answer for one control, given a valid one."""
    kind = control["kind"]
    if kind == "choice":
        return ["not_an_option"] if control.get("multiple") else "not_an_option"
    if kind == "rating":
        return max(p["value"] for p in control["scale"]) + 1
    if kind == "pairwise":
        return {"winner": "c"}
    if kind == "ranking":
        return [0, 0]
    if kind == "text":
        return "x" * (control.get("max_length", 10000) + 1)
    if kind in ("spans", "boxes", "regions", "tracks"):
        assert answer, f"{control['name']}: give the sample answer at least one item"
        broken = copy.deepcopy(answer)
        broken[0]["label"] = "not_a_label"
        return broken
    raise AssertionError(f"no invalid answer for kind {kind}")


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_invalid_answers_are_refused(template: ProjectTemplate) -> None:
    schema = schema_module()
    parsed = schema.parse_schema(template.schema, template.field_names)
    item = template.sample_items[0]
    controls = {c["name"]: c for c in template.controls}
    checked = 0
    for name, answer in template.sample_answer.items():
        if answer in ("", [], None):
            continue
        broken = dict(template.sample_answer)
        broken[name] = _wrong(controls[name], answer)
        with pytest.raises(schema.ResponseError) as info:
            schema.validate_response(parsed, broken, item)
        assert name in info.value.by_control(), f"{template.key}: {info.value}"
        checked += 1
    assert checked >= 1
    with pytest.raises(schema.ResponseError):
        schema.validate_response(parsed, {**template.sample_answer, "bogus": 1}, item)


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_missing_required_answers_are_refused(template: ProjectTemplate) -> None:
    schema = schema_module()
    parsed = schema.parse_schema(template.schema, template.field_names)
    required = [c["name"] for c in template.controls if c["required"] and "show_if" not in c]
    for name in required:
        # controls shown only when `name` was answered become hidden and must go too
        hidden = {
            c["name"] for c in template.controls if c.get("show_if", {}).get("control") == name
        }
        partial = {k: v for k, v in template.sample_answer.items() if k != name and k not in hidden}
        with pytest.raises(schema.ResponseError, match=name):
            schema.validate_response(parsed, partial, template.sample_items[0])


def test_conditional_controls_are_used_in_rubric_templates() -> None:
    conditional = {t.key for t in ALL if any("show_if" in control for control in t.controls)}
    assert {
        "spam-detection",
        "harmful-content",
        "ai-response-rating",
        "quality-verification",
    } <= conditional


def test_hidden_conditional_answer_is_refused() -> None:
    schema = schema_module()
    template = get_template("spam-detection")
    parsed = schema.parse_schema(template.schema, template.field_names)
    answer = {"is_spam": "not_spam", "spam_type": ["phishing"]}
    with pytest.raises(schema.ResponseError, match="spam_type"):
        schema.validate_response(parsed, answer, template.sample_items[1])
    assert schema.validate_response(parsed, {"is_spam": "not_spam"}) == {"is_spam": "not_spam"}


# --- summaries -------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ALL, ids=ids)
def test_summary_is_json_ready(template: ProjectTemplate) -> None:
    summary = template_summary(template)
    assert json.loads(json.dumps(summary)) == summary
    assert summary["key"] == template.key
    assert summary["family"] == template.family.value
    assert [f["name"] for f in summary["data_fields"]] == template.field_names
    assert {"kind", "required", "description"} <= set(summary["data_fields"][0])
    assert summary["controls"] == list(template.controls)
    assert summary["guidelines"] == template.guidelines
    assert summary["sample_answer"] == template.sample_answer


def test_summary_is_a_copy() -> None:
    template = get_template("text-sentiment")
    summary = template_summary(template)
    summary["controls"][0]["title"] = "changed"
    summary["sample_items"][0]["text"] = "changed"
    assert template.controls[0]["title"] != "changed"
    assert template.sample_items[0]["text"] != "changed"
    assert template.schema["controls"] is not template.controls
