"""How wide and how large an item may be: refused at import naming the row and the limit, and
shortened on the items page and in the items API (issue 18: a million-column CSV header made
one item whose page was 197 MB of HTML)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from labelpool.accounts.models import Organization, User
from labelpool.projects import service
from labelpool.projects.importing import limits
from labelpool.projects.importing.limits import MORE, preview
from labelpool.projects.importing.service import import_file
from labelpool.projects.models import ImportRun, ImportStatus, Item, Project
from tests.factories import api_token, log_in

WIDE = limits.MAX_KEYS_PER_ITEM + 1


def _failed(db: Session, project: Project, path: Path) -> ImportRun:
    run = import_file(db, None, project, path)
    assert run.status == ImportStatus.FAILED, run.message
    assert project.item_count == 0
    return run


def _jsonl(path: Path, *rows: Any) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


@pytest.mark.parametrize(("name", "delimiter"), [("wide.csv", ","), ("wide.tsv", "\t")])
def test_csv_and_tsv_with_too_many_columns_are_refused(
    db: Session, project: Project, tmp_path: Path, name: str, delimiter: str
) -> None:
    header = ["text", *(f"c{i}" for i in range(limits.MAX_COLUMNS))]
    path = tmp_path / name
    path.write_text(delimiter.join(header) + "\n" + delimiter.join(["hi"] * len(header)) + "\n")
    run = _failed(db, project, path)
    assert run.message is not None
    assert f"has {len(header):,} columns, more than the limit of 1,000" in run.message
    assert run.errors[0]["row"] == 1


def test_parquet_with_too_many_columns_is_refused(
    db: Session, project: Project, tmp_path: Path
) -> None:
    columns = {"text": ["hi"], **{f"c{i}": [i] for i in range(limits.MAX_COLUMNS)}}
    path = tmp_path / "wide.parquet"
    pq.write_table(pa.table(columns), path)
    run = _failed(db, project, path)
    assert "more than the limit of 1,000" in (run.message or "")


def test_rows_with_too_many_keys_are_row_errors(
    db: Session, project: Project, tmp_path: Path
) -> None:
    flat = {"text": "wide", **{f"k{i}": i for i in range(WIDE)}}
    nested = {"data": {"text": "wide", **{f"k{i}": i for i in range(WIDE)}}}
    path = _jsonl(tmp_path / "wide.jsonl", {"text": "fine"}, flat, nested)
    run = _failed(db, project, path)
    assert [(e["row"], e["problem"]) for e in run.errors] == [
        (2, f"has {WIDE + 1:,} keys, more than the limit of 1,000 per item"),
        (3, f"has {WIDE + 2:,} keys, more than the limit of 1,000 per item"),
    ]
    array = tmp_path / "wide.json"
    array.write_text(json.dumps([{"text": "fine"}, flat]))
    assert _failed(db, project, array).errors[0]["row"] == 2


def test_rows_larger_than_the_item_limit_are_row_errors(
    db: Session, project: Project, tmp_path: Path
) -> None:
    big = "x" * limits.MAX_ITEM_BYTES
    run = _failed(db, project, _jsonl(tmp_path / "big.jsonl", {"text": "ok"}, {"text": big}))
    assert run.errors == [
        {
            "row": 2,
            "field": None,
            "problem": "is 1 MB as JSON, more than the limit of 1 MB per item",
        }
    ]

    cells = ["y" * 120_000] * 10  # each cell within the CSV cell limit, the row over 1 MB
    csv_path = tmp_path / "big.csv"
    header = ",".join(["text", *(f"c{i}" for i in range(9))])
    csv_path.write_text(f"{header}\nfine,{','.join('z' * 9)}\n{','.join(cells)}\n")
    errors = _failed(db, project, csv_path).errors
    assert [e["row"] for e in errors] == [3] and "limit of 1 MB per item" in errors[0]["problem"]


def test_nesting_too_deep_to_store_is_a_row_error_not_a_crash(
    db: Session, project: Project, tmp_path: Path
) -> None:
    deep: Any = "bottom"
    for _ in range(300):
        deep = [deep]
    path = _jsonl(tmp_path / "deep.jsonl", {"text": "ok"}, {"text": "deep", "extra": deep})
    run = _failed(db, project, path)
    assert run.errors[0]["row"] == 2
    assert "cannot be stored as JSON" in run.errors[0]["problem"]


def test_url_lines_larger_than_the_item_limit_are_row_errors(
    db: Session, requester: User, organization: Organization, tmp_path: Path
) -> None:
    project = service.create_project(
        db, requester, organization.id, name="Pics", template_key="image-tagging"
    )
    path = tmp_path / "urls.txt"
    path.write_text("https://x.test/a.png\nhttps://x.test/" + "b" * limits.MAX_ITEM_BYTES + "\n")
    run = _failed(db, project, path)
    assert run.errors[0]["row"] == 2
    assert "more than the limit of 1 MB per item" in run.errors[0]["problem"]


def test_rows_within_the_limits_import_as_before(
    db: Session, project: Project, tmp_path: Path
) -> None:
    row = {"text": "t" * 600_000, **{f"k{i}": i for i in range(limits.MAX_KEYS_PER_ITEM - 1)}}
    run = import_file(db, None, project, _jsonl(tmp_path / "ok.jsonl", row))
    assert run.status == ImportStatus.SUCCEEDED, run.errors


def test_preview_leaves_small_values_alone_and_shortens_large_ones() -> None:
    small = {"text": "short", "turns": [{"role": "user", "content": "hi"}] * 300}
    assert preview(small) == (small, False)

    text = "a" * 100_000
    shown, cut = preview({"text": text, **{f"k{i}": i for i in range(5_000)}})
    assert cut
    assert shown["text"] == "a" * limits.PREVIEW_MAX_CHARS + f"{MORE} (90,000 more characters)"
    assert len(shown) == limits.PREVIEW_MAX_ENTRIES + 1
    assert shown[MORE] == f"and {5_001 - limits.PREVIEW_MAX_ENTRIES:,} more"

    shown, cut = preview(list(range(100_000)))
    assert cut and shown[-1] == f"{MORE} and {100_000 - limits.PREVIEW_MAX_ENTRIES:,} more"

    deep: Any = "x" * 70_000
    for _ in range(400):
        deep = [deep]
    shown, cut = preview(deep)
    assert cut and len(json.dumps(shown)) < 1_000


def test_every_preview_is_bounded() -> None:
    value = {f"k{i}": {f"j{j}": "v" * 5_000 for j in range(200)} for i in range(200)}
    shown, cut = preview(value)
    assert cut
    assert len(json.dumps(shown)) < 2 * limits.PREVIEW_BUDGET


@pytest.fixture
def huge_item(db: Session, project: Project) -> Item:
    """An item stored before the limits: 200,000 keys and a 2-million-character text."""
    data: dict[str, Any] = {"text": "w" * 2_000_000, **{f"c{i}": str(i) for i in range(200_000)}}
    item = Item(project_id=project.id, data=data)
    db.add(item)
    project.item_count = 1
    db.commit()
    return item


def test_the_items_page_shortens_a_huge_item(
    client: TestClient, db: Session, requester: User, project: Project, huge_item: Item
) -> None:
    log_in(client, requester.email)
    started = time.monotonic()
    page = client.get(f"/projects/{project.id}")
    assert page.status_code == 200
    assert time.monotonic() - started < 5
    assert len(page.content) < 500_000
    assert "(1,990,000 more characters)" in page.text
    assert f"{200_001 - limits.PREVIEW_MAX_ENTRIES:,} more fields are not shown" in page.text
    assert f"/api/v1/projects/{project.id}/items/{huge_item.id}" in page.text


def test_the_items_api_shortens_the_list_and_gives_one_item_whole(
    client: TestClient, db: Session, requester: User, project: Project, huge_item: Item
) -> None:
    headers = api_token(db, requester)
    listed = client.get(f"/api/v1/projects/{project.id}/items", headers=headers)
    assert listed.status_code == 200
    assert len(listed.content) < 500_000
    data = listed.json()["items"][0]["data"]
    assert data["text"].endswith("(1,990,000 more characters)")
    assert data[MORE] == f"and {200_001 - limits.PREVIEW_MAX_ENTRIES:,} more"

    whole = client.get(f"/api/v1/projects/{project.id}/items/{huge_item.id}", headers=headers)
    assert whole.status_code == 200
    assert len(whole.json()["data"]) == 200_001


def test_ordinary_items_are_listed_whole(
    client: TestClient, db: Session, requester: User, project: Project, tmp_path: Path
) -> None:
    row = {"text": "r" * 20_000, "extra": list(range(500))}
    assert import_file(db, None, project, _jsonl(tmp_path / "a.jsonl", row)).rows_imported == 1
    db.commit()
    listed = client.get(f"/api/v1/projects/{project.id}/items", headers=api_token(db, requester))
    assert listed.json()["items"][0]["data"] == row
