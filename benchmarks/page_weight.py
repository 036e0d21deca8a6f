"""What the labeling page loads of its own JavaScript and CSS for a project of each control kind,
uncompressed, from the files and their static imports (the site-wide app.css and app.js aside:
every page has them). The widgets are loaded on demand, so a page carries only its kinds'."""

from __future__ import annotations

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "src" / "labelpool" / "web" / "static"
ENTRY = STATIC / "js" / "labeling" / "page.js"
CORE_CSS = STATIC / "css" / "labeling.css"
WIDGET_KINDS = (
    *("choice", "rating", "pairwise", "ranking", "text"),
    *("spans", "boxes", "polygons", "keypoints", "regions", "tracks"),
)
STYLESHEETS = {"polygons": "boxes", "keypoints": "boxes"}  # as registry.js loads them
_IMPORT = re.compile(r"""(?:^|\n)\s*import\s[^"']*?["'](\.{1,2}/[^"']+\.js)["']""")


def module_closure(entry: Path) -> set[Path]:
    """The module and every module it imports statically, relative imports only."""
    seen: set[Path] = set()
    todo = [entry.resolve()]
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        todo.extend((path.parent / m).resolve() for m in _IMPORT.findall(path.read_text()))
    return seen


def page_files(kind: str) -> set[Path]:
    """The files a labeling page of one control kind loads (JS modules and stylesheets)."""
    files = module_closure(ENTRY) | {CORE_CSS}
    files |= module_closure(STATIC / "js" / "controls" / f"{kind}.js")
    css = STATIC / "css" / "controls" / f"{STYLESHEETS.get(kind, kind)}.css"
    if css.exists():
        files.add(css)
    return files


def page_bytes(kind: str) -> int:
    return sum(path.stat().st_size for path in page_files(kind))
