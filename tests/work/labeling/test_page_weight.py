"""The labeling page stays light (issue 22, point 9): for a project of any control kind its own
JavaScript and CSS stay under 150 KB uncompressed, because widgets load on demand."""

from __future__ import annotations

import re

from benchmarks.page_weight import STATIC, WIDGET_KINDS, page_bytes, page_files

REGISTRY = STATIC / "js" / "controls" / "registry.js"


def test_every_widget_kind_of_the_registry_is_weighed() -> None:
    listed = re.search(r"export const KINDS = \[([^\]]*)\]", REGISTRY.read_text())
    assert listed is not None
    assert set(re.findall(r'"([a-z_]+)"', listed.group(1))) == set(WIDGET_KINDS)


def test_each_kinds_page_is_under_150_kb() -> None:
    for kind in WIDGET_KINDS:
        assert page_bytes(kind) < 150_000, kind


def test_a_choice_page_carries_no_drawing_widget() -> None:
    names = {path.name for path in page_files("choice")}
    assert "choice.js" in names and "page.js" in names and "labeling.css" in names
    assert not names & {"spans.js", "boxes.js", "image_stage.js", "regions.js", "tracks.js"}
