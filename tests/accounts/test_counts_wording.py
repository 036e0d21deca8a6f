"""Counts are shown with the right noun: "1 item", "2 items" (pages, flashes, import runs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from labelpool.projects.importing.service import import_file
from labelpool.text import plural
from labelpool.web.render import templates
from tests.assessments.builders import make_project, org_with_requester


@pytest.mark.parametrize(
    ("count", "expected"),
    [(0, "0 items"), (1, "1 item"), (2, "2 items"), (1200, "1,200 items")],
)
def test_plural(count: int, expected: str) -> None:
    assert plural(count, "item") == expected


def test_irregular_plurals_and_the_template_filter() -> None:
    assert plural(2, "box", "boxes") == "2 boxes" and plural(1, "box", "boxes") == "1 box"
    page = templates.env.from_string('{{ 1|plural("question") }} / {{ 3|plural("question") }}')
    assert page.render() == "1 question / 3 questions"


def test_an_import_of_one_item_and_one_bad_row_says_so_in_the_singular(
    db: Session, tmp_path: Path
) -> None:
    organization, requester = org_with_requester(db)
    project = make_project(db, requester, organization)
    source = tmp_path / "one.csv"
    source.write_text("text,note\ngood,a\n,b\n")
    refused = import_file(db, requester, project, source)
    assert refused.message is not None
    assert refused.message.startswith("1 of 2 rows has problems, so nothing was imported.")
    run = import_file(db, requester, project, source, skip_invalid=True)
    assert run.message == "Imported 1 item; skipped 1 invalid row."
