"""The Python examples in the README and docs run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", ROOT / "docs" / "aggregation.md"]


def _python_blocks() -> list[tuple[str, str]]:
    blocks = []
    for doc in DOCS:
        for n, code in enumerate(re.findall(r"```python\n(.*?)```", doc.read_text(), re.S)):
            blocks.append((f"{doc.name}#{n + 1}", code))
    return blocks


@pytest.mark.parametrize(("where", "code"), _python_blocks(), ids=lambda v: v[:20])
def test_python_examples_run(where: str, code: str, capsys: pytest.CaptureFixture[str]) -> None:
    exec(compile(code, where, "exec"), {})
    assert capsys.readouterr().out.strip(), f"{where} printed nothing"
