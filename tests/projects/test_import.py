"""Importing items: every format, row errors that name the row and field, all-or-nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from labelpool.errors import InvalidInput
from labelpool.projects.importing.service import import_file
from labelpool.projects.models import ImportStatus, Item, Prediction, Project


def _jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def _items(db: Session, project: Project) -> list[Item]:
    return list(db.scalars(select(Item).where(Item.project_id == project.id).order_by(Item.id)))


def test_jsonl_flat_and_nested_rows_with_ids_gold_and_predictions(
    db: Session, project: Project, tmp_path: Path
) -> None:
    source = _jsonl(
        tmp_path / "items.jsonl",
        [
            {"text": "Great phone", "id": "a1", "stars": 5},
            {"data": {"text": "Broke in a week"}, "id": 2, "gold": {"sentiment": "negative"}},
            {
                "text": "It is a phone",
                "predictions": {"model": "v3", "score": 0.8, "answers": {"sentiment": "neutral"}},
            },
        ],
    )
    run = import_file(db, None, project, source)
    db.commit()
    assert (run.status, run.rows_read, run.rows_imported, run.rows_invalid) == (
        ImportStatus.SUCCEEDED,
        3,
        3,
        0,
    )
    items = _items(db, project)
    assert [i.data["text"] for i in items] == ["Great phone", "Broke in a week", "It is a phone"]
    assert [i.external_id for i in items] == ["a1", "2", None]
    assert items[0].data == {"text": "Great phone", "stars": 5}
    assert [i.is_gold for i in items] == [False, True, False]
    assert items[1].gold == {"sentiment": "negative"}
    prediction = db.scalar(select(Prediction).where(Prediction.item_id == items[2].id))
    assert prediction is not None
    assert (prediction.model_version, prediction.score) == ("v3", 0.8)
    assert prediction.answers == {"sentiment": "neutral"}
    db.refresh(project)
    assert (project.item_count, project.gold_count) == (3, 1)


def test_a_file_with_bad_rows_imports_nothing_and_names_each_problem(
    db: Session, project: Project, tmp_path: Path
) -> None:
    source = _jsonl(
        tmp_path / "items.jsonl",
        [
            {"text": "fine"},
            {"text": ""},
            {"txt": "typo"},
            '{"text": "broken',
            {"text": "ok", "stars": "five"},
            {"text": "ok", "gold": {"sentiment": "happy"}},
            {"text": "ok", "gold": {"mood": "x"}},
            [1, 2],
        ],
    )
    run = import_file(db, None, project, source)
    db.commit()
    assert run.status == ImportStatus.FAILED
    assert (run.rows_read, run.rows_imported, run.rows_invalid) == (8, 0, 7)
    assert "7 of 8 rows have problems, so nothing was imported" in (run.message or "")
    problems = {(e["row"], e["field"]): e["problem"] for e in run.errors}
    assert problems[(2, "text")] == "must not be empty"
    assert problems[(3, "text")] == "is missing"
    assert problems[(4, None)].startswith("is not valid JSON")
    assert problems[(5, "stars")] == "must be a number, got text"
    assert "happy" in problems[(6, "gold.sentiment")]
    assert "is not a control of this project" in problems[(7, "gold.mood")]
    assert problems[(8, None)] == "must be an object with the item's fields"
    assert _items(db, project) == []
    db.refresh(project)
    assert project.item_count == 0


def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(
    db: Session, project: Project, tmp_path: Path
) -> None:
    source = _jsonl(tmp_path / "items.jsonl", [{"text": "one"}, {"text": 3}, {"text": "three"}])
    run = import_file(db, None, project, source, skip_invalid=True)
    db.commit()
    assert (run.status, run.rows_imported, run.rows_invalid) == (ImportStatus.SUCCEEDED, 2, 1)
    assert run.errors == [{"row": 2, "field": "text", "problem": "must be text, got a number"}]
    assert [i.data["text"] for i in _items(db, project)] == ["one", "three"]


def test_duplicate_ids_in_the_file_and_in_the_project_are_refused(
    db: Session, project: Project, tmp_path: Path
) -> None:
    first = _jsonl(tmp_path / "a.jsonl", [{"text": "x", "id": "k1"}, {"text": "y", "id": "k1"}])
    run = import_file(db, None, project, first)
    assert run.status == ImportStatus.FAILED
    assert run.errors == [{"row": 2, "field": "id", "problem": "'k1' appears twice in the file"}]

    import_file(db, None, project, _jsonl(tmp_path / "b.jsonl", [{"text": "x", "id": "k1"}]))
    db.commit()
    again = import_file(
        db,
        None,
        project,
        _jsonl(tmp_path / "c.jsonl", [{"text": "n", "id": "k2"}, {"text": "x", "id": "k1"}]),
    )
    db.commit()
    assert again.status == ImportStatus.FAILED
    assert again.errors == [{"row": 2, "field": "id", "problem": "'k1' is already in the project"}]
    assert [i.external_id for i in _items(db, project)] == ["k1"]


def test_later_imports_follow_in_order_with_their_predictions(
    db: Session, project: Project, tmp_path: Path
) -> None:
    import_file(db, None, project, _jsonl(tmp_path / "a.jsonl", [{"text": "a"}, {"text": "b"}]))
    second = [{"text": c, "predictions": {"sentiment": "neutral"}} for c in "cd"]
    import_file(db, None, project, _jsonl(tmp_path / "b.jsonl", second))
    db.commit()
    items = _items(db, project)
    assert [i.data["text"] for i in items] == ["a", "b", "c", "d"]
    predicted = db.scalars(select(Prediction.item_id).order_by(Prediction.item_id)).all()
    assert predicted == [items[2].id, items[3].id]


def test_csv_with_numbers_gold_and_prediction_columns(
    db: Session, project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "items.csv"
    source.write_text(
        "id,text,stars,gold.sentiment,prediction.sentiment\n"
        'r1,"Loved it, truly",5,positive,\n'
        "r2,Meh,2.5,,neutral\n"
    )
    run = import_file(db, None, project, source)
    db.commit()
    assert run.status == ImportStatus.SUCCEEDED, run.errors
    items = _items(db, project)
    assert items[0].data == {"text": "Loved it, truly", "stars": 5}
    assert items[0].gold == {"sentiment": "positive"}
    assert items[1].data == {"text": "Meh", "stars": 2.5}
    assert db.scalar(select(func.count()).select_from(Prediction)) == 1


def test_csv_errors_use_file_line_numbers(db: Session, project: Project, tmp_path: Path) -> None:
    source = tmp_path / "items.csv"
    source.write_text("text,stars\nfine,1\n,2\nok,lots\nextra,1,2\n")
    run = import_file(db, None, project, source)
    assert run.status == ImportStatus.FAILED
    assert [(e["row"], e["field"]) for e in run.errors] == [(3, "text"), (4, "stars"), (5, None)]
    assert run.errors[2]["problem"] == "has 3 cells but the header has 2 columns"


def test_csv_without_a_required_column_is_refused_naming_it(
    db: Session, project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "items.csv"
    source.write_text("body,stars\nhello,1\n")
    run = import_file(db, None, project, source)
    assert run.status == ImportStatus.FAILED
    assert "no column for the required field(s) text" in (run.message or "")


def test_tsv(db: Session, project: Project, tmp_path: Path) -> None:
    source = tmp_path / "items.tsv"
    source.write_text("text\tstars\nTabbed, with comma\t4\n")
    run = import_file(db, None, project, source)
    assert run.status == ImportStatus.SUCCEEDED
    assert _items(db, project)[0].data == {"text": "Tabbed, with comma", "stars": 4}


def test_json_array(db: Session, project: Project, tmp_path: Path) -> None:
    source = tmp_path / "items.json"
    source.write_text(json.dumps([{"text": "a"}, {"text": "b", "id": "x"}]))
    assert import_file(db, None, project, source).rows_imported == 2
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": "not an array"}')
    run = import_file(db, None, project, bad)
    assert run.status == ImportStatus.FAILED
    assert "must hold a JSON array" in (run.message or "")


def test_parquet(db: Session, project: Project, tmp_path: Path) -> None:
    source = tmp_path / "items.parquet"
    table = pa.table(
        {"text": ["first", "second", None], "stars": [1, 2, 3], "id": ["p1", "p2", "p3"]}
    )
    pq.write_table(table, source)
    run = import_file(db, None, project, source)
    assert run.status == ImportStatus.FAILED
    assert run.errors == [{"row": 3, "field": "text", "problem": "is missing"}]
    run = import_file(db, None, project, source, skip_invalid=True)
    assert run.rows_imported == 2
    assert [i.data for i in _items(db, project)] == [
        {"text": "first", "stars": 1},
        {"text": "second", "stars": 2},
    ]


def test_not_a_parquet_file(db: Session, project: Project, tmp_path: Path) -> None:
    source = tmp_path / "items.parquet"
    source.write_bytes(b"PAR1 nope")
    run = import_file(db, None, project, source)
    assert run.status == ImportStatus.FAILED
    assert "not a readable Parquet file" in (run.message or "")


def test_url_lists_fill_the_single_media_field(
    db: Session, requester: Any, organization: Any, tmp_path: Path
) -> None:
    from labelpool.projects import service

    images = service.create_project(
        db,
        requester,
        organization.id,
        name="Tags",
        data_fields=[{"name": "image", "kind": "image"}],
        label_schema={
            "controls": [
                {
                    "name": "tag",
                    "kind": "choice",
                    "title": "Tag?",
                    "target": "image",
                    "options": [{"value": "cat", "label": "Cat"}, {"value": "dog", "label": "Dog"}],
                }
            ]
        },
    )
    source = tmp_path / "urls.txt"
    source.write_text("# my images\nhttps://example.org/1.jpg\n\nhttps://example.org/2.png\n")
    run = import_file(db, None, images, source)
    assert run.rows_imported == 2
    assert [i.data for i in _items(db, images)] == [
        {"image": "https://example.org/1.jpg"},
        {"image": "https://example.org/2.png"},
    ]


def test_url_lists_need_a_single_field_project(
    db: Session, project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "urls.txt"
    source.write_text("https://example.org/a\n")
    run = import_file(db, None, project, source)
    assert run.status == ImportStatus.FAILED
    assert "import CSV or JSON Lines instead" in (run.message or "")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.jsonl", b"", "The file has no items."),
        ("blank.csv", b"", "is empty"),
        ("latin1.csv", "text\ncaf\xe9\n".encode("latin-1"), "is not UTF-8"),
        ("latin1.jsonl", '{"text": "caf\xe9"}\n'.encode("latin-1"), "is not UTF-8"),
    ],
)
def test_unusable_files_fail_with_a_message(
    db: Session, project: Project, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    run = import_file(db, None, project, source)
    assert run.status == ImportStatus.FAILED
    assert message in (run.message or "")


def test_unknown_extensions_ask_for_the_format(
    db: Session, project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "items.xlsx"
    source.write_bytes(b"PK")
    with pytest.raises(InvalidInput, match="Cannot tell the format"):
        import_file(db, None, project, source)
    with pytest.raises(InvalidInput, match="Unknown import format 'xls'"):
        import_file(db, None, project, source, fmt="xls")


def test_finished_projects_take_no_items(db: Session, project: Project, tmp_path: Path) -> None:
    from labelpool.projects.models import ProjectStatus

    project.status = ProjectStatus.CANCELLED
    with pytest.raises(InvalidInput, match="cancelled"):
        import_file(db, None, project, _jsonl(tmp_path / "a.jsonl", [{"text": "a"}]))


def test_stored_data_round_trips_exactly(db: Session, project: Project, tmp_path: Path) -> None:
    rows = [
        {
            "text": 'Quotes " and \\\\ backslashes, ünïcödé, emoji 🎉, tabs\tand\nnewlines',
            "stars": 4.5,
        },
        {"text": "big numbers", "stars": 12345678901234},
        {"text": "nested", "source": "https://example.org/a?b=c&d=e"},
    ]
    run = import_file(db, None, project, _jsonl(tmp_path / "a.jsonl", rows))
    db.commit()
    assert run.rows_imported == 3
    db.expire_all()
    assert [i.data for i in _items(db, project)] == rows


def test_a_batch_whose_ids_all_exist_is_skipped_cleanly(
    db: Session, project: Project, tmp_path: Path
) -> None:
    import_file(db, None, project, _jsonl(tmp_path / "a.jsonl", [{"text": "x", "id": "k1"}]))
    db.commit()
    run = import_file(
        db,
        None,
        project,
        _jsonl(tmp_path / "b.jsonl", [{"text": "x", "id": "k1"}]),
        skip_invalid=True,
    )
    assert (run.rows_imported, run.rows_invalid) == (0, 1)
