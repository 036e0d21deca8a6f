"""`labelpool aggregate`: output format, gold accuracy, worker estimates and bad input."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from labelpool.cli.app import app

from .conftest import load

runner = CliRunner()
METHODS = ["mv", "wawa", "ds", "one-coin-ds", "glad", "mace"]


def invoke(*args: str):
    return runner.invoke(app, ["aggregate", *args])


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


SMALL = "worker,task,label\nw1,t1,a\nw2,t1,a\nw3,t1,b\nw1,t2,b\nw2,t2,b\nw3,t2,b\nw1,t3,a\n"


@pytest.mark.parametrize("method", METHODS)
def test_small_file_every_method(tmp_path, method):
    src = write(tmp_path / "labels.csv", SMALL)
    out = tmp_path / "out.csv"
    res = invoke(str(src), "--method", method, "--out", str(out))
    assert res.exit_code == 0, res.output
    lines = out.read_text().splitlines()
    assert lines[0] == "task,label,confidence"
    rows = list(csv.DictReader(lines))
    assert [r["task"] for r in rows] == ["t1", "t2", "t3"]
    assert [r["label"] for r in rows] == ["a", "b", "a"]
    assert all(0.0 <= float(r["confidence"]) <= 1.0 for r in rows)


def test_gold_accuracy_and_workers_out(tmp_path, datasets_dir):
    out = tmp_path / "out.csv"
    workers = tmp_path / "workers.csv"
    res = invoke(
        str(datasets_dir / "dog" / "labels.csv"),
        "--method",
        "ds",
        "--out",
        str(out),
        "--gold",
        str(datasets_dir / "dog" / "gold.csv"),
        "--workers-out",
        str(workers),
    )
    assert res.exit_code == 0, res.output
    d = load("dog")
    from labelpool.aggregation import dawid_skene

    expected = d.accuracy(dawid_skene(d.workers, d.tasks, d.labels).labels)
    assert f"accuracy: {expected:.4f} ({round(expected * 807)}/807 gold tasks)" in res.output
    rows = list(csv.DictReader(out.read_text().splitlines()))
    assert len(rows) == 807
    wrows = list(csv.DictReader(workers.read_text().splitlines()))
    assert len(wrows) == 109
    assert {"worker", "answers", "skill", "p(4|4)"} <= set(wrows[0])
    assert sum(int(r["answers"]) for r in wrows) == 8070


def test_parquet_input(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"worker": ["w1", "w2", "w3"], "task": ["t1", "t1", "t1"], "label": [2, 2, 1]})
    src = tmp_path / "labels.parquet"
    pq.write_table(table, src)
    out = tmp_path / "out.csv"
    res = invoke(str(src), "--method", "mv", "--out", str(out))
    assert res.exit_code == 0, res.output
    assert out.read_text().splitlines()[1].startswith("t1,2,0.66")


def test_quoting_only_when_needed(tmp_path):
    src = write(tmp_path / "l.csv", 'worker,task,label\nw1,"t,1",x\nw2,"t,1",x\n')
    out = tmp_path / "o.csv"
    assert invoke(str(src), "--method", "mv", "--out", str(out)).exit_code == 0
    rows = list(csv.reader(out.read_text().splitlines()))
    assert rows == [["task", "label", "confidence"], ["t,1", "x", "1"]]


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("", "empty file"),
        ("worker,task,answer\nw1,t1,a\n", "missing column 'label'"),
        ("Worker,Task,Label\nw1,t1,a\n", "missing columns 'worker', 'task', 'label'"),
        ("worker,task,label\n", "no data rows"),
        ("worker,task,label\nw1,t1,a\nw2,t2,\n", "line 3: task with no label for task 't2'"),
        ("worker,task,label\nw1,t1,a\n,t2,b\n", "line 3: empty worker"),
        (b"worker,task,label\nw1,t1,a\nw2,t2,\xff\xfe\n", "not UTF-8 text (line 3)"),
        ("worker,task,label\nw1,t1,a,extra\n", "malformed CSV"),
    ],
)
def test_bad_input_one_line_error_and_no_output(tmp_path, content, needle):
    src = write(tmp_path / "labels.csv", content)
    out = tmp_path / "out.csv"
    res = invoke(str(src), "--out", str(out))
    assert res.exit_code == 1
    message = res.output.strip()
    assert needle in message
    assert message.startswith("error: ") and "\n" not in message
    assert not out.exists()
    assert os.listdir(tmp_path) == ["labels.csv"]  # no temporary file left behind


def test_unknown_method_and_missing_file(tmp_path):
    src = write(tmp_path / "labels.csv", SMALL)
    out = tmp_path / "out.csv"
    res = invoke(str(src), "--method", "em", "--out", str(out))
    assert res.exit_code == 2
    assert res.output.strip().startswith("error: unknown method 'em'")
    assert "\n" not in res.output.strip()
    res = invoke(str(tmp_path / "nope.csv"), "--out", str(out))
    assert res.exit_code == 1 and "no such file" in res.output
    assert not out.exists()


def test_existing_output_untouched_on_failure(tmp_path):
    out = write(tmp_path / "out.csv", "previous results\n")
    src = write(tmp_path / "labels.csv", "worker,task\nw1,t1\n")
    res = invoke(str(src), "--out", str(out))
    assert res.exit_code == 1
    assert out.read_text() == "previous results\n"


def test_bad_gold_file_leaves_no_results(tmp_path):
    src = write(tmp_path / "labels.csv", SMALL)
    gold = write(tmp_path / "gold.csv", "task,answer\nt1,a\n")
    res = invoke(str(src), "--out", str(tmp_path / "out.csv"), "--gold", str(gold))
    assert res.exit_code == 1 and "missing column 'label'" in res.output


def test_help_lists_every_method():
    res = invoke("--help")
    assert res.exit_code == 0
    for name in METHODS:
        assert name in res.output


def test_real_subprocess(tmp_path):
    exe = Path(sys.executable).with_name("labelpool")
    if not exe.exists():
        pytest.skip("labelpool console script not installed")
    src = tmp_path / "labels.csv"
    rows = [f"w{(t * 7 + k) % 40},t{t},{(t + (k == 2)) % 2}" for t in range(800) for k in range(3)]
    src.write_text("worker,task,label\n" + "\n".join(rows) + "\n")
    out = tmp_path / "out.csv"
    proc = subprocess.run(
        [str(exe), "aggregate", str(src), "--method", "ds", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # no progress bar when stderr is not a terminal
    lines = out.read_text().splitlines()
    assert lines[0] == "task,label,confidence" and len(lines) == 801
    bad = subprocess.run(
        [str(exe), "aggregate", str(src), "--method", "nope", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("error: unknown method 'nope'")


def test_console_script_runs_aggregate_without_the_web_stack(tmp_path):
    # The command's start-up is part of its time budget: the console script must reach it
    # without loading Typer (and the pydantic it pulls in), pandas or the web/database layers.
    src = write(tmp_path / "labels.csv", SMALL)
    out = tmp_path / "out.csv"
    script = (
        "import sys\n"
        f"sys.argv = ['labelpool', 'aggregate', {str(src)!r}, '--out', {str(out)!r}]\n"
        "from labelpool.cli.console import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        "heavy = ['typer', 'pydantic', 'pandas', 'pyarrow.compute', 'sqlalchemy', 'fastapi']\n"
        "print(code, [m for m in heavy if m in sys.modules])\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "0 []"
    assert out.read_text().splitlines()[0] == "task,label,confidence"


def test_usage_errors_are_one_line_with_exit_status_2(tmp_path):
    src = write(tmp_path / "labels.csv", SMALL)
    for args in ([str(src)], [str(src), "--out"], [str(src), "--out", "x.csv", "--seed", "ten"]):
        res = invoke(*args)
        assert res.exit_code == 2, args
        message = res.output.strip()
        assert message.startswith("error: ") and "\n" not in message, message
        assert "labelpool aggregate --help" in message
    assert os.listdir(tmp_path) == ["labels.csv"]


def test_main_help_lists_aggregate():
    res = runner.invoke(app, ["--help"])
    assert res.exit_code == 0
    assert "aggregate" in res.output and "one label per task" in res.output
