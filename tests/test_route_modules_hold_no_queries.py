"""Route modules hold no queries (issue 20.4).

A route checks its input, calls one service and shapes the answer; reading and writing the
database is the feature's services' work (or its `presenters.py` / `queries.py` for reads that
only shape a page). This scan keeps every `api.py` and `pages.py` under `src/labelpool/` from
calling the session (`db.execute(...)`, `db.get_one(...)`, `db.flush()`, ...) or building a
query with SQLAlchemy's `select`.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "labelpool"
ROUTE_MODULES = ("api.py", "pages.py")

SESSION_METHODS = {
    "execute",
    "scalar",
    "scalars",
    "query",
    "get",
    "get_one",
    "add",
    "add_all",
    "delete",
    "flush",
    "commit",
    "rollback",
    "merge",
    "refresh",
}
# Annotations that make a parameter a session: SQLAlchemy's and the web layer's alias.
SESSION_TYPES = {"Session", "DbSession"}
QUERY_BUILDERS = {"select"}


def _route_modules() -> list[Path]:
    return sorted(p for name in ROUTE_MODULES for p in SRC.rglob(name))


def _is_session_type(annotation: ast.expr | None) -> bool:
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return _is_session_type(ast.parse(annotation.value, mode="eval").body)
        except SyntaxError:
            return False
    if isinstance(annotation, ast.Name):
        return annotation.id in SESSION_TYPES
    if isinstance(annotation, ast.Attribute):
        return annotation.attr in SESSION_TYPES
    if isinstance(annotation, ast.Subscript):  # Annotated[Session, ...], Session | None
        inner = annotation.slice
        first = inner.elts[0] if isinstance(inner, ast.Tuple) and inner.elts else inner
        return _is_session_type(first)
    if isinstance(annotation, ast.BinOp):  # Session | None
        return _is_session_type(annotation.left) or _is_session_type(annotation.right)
    return False


def _session_names(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return {a.arg for a in every if _is_session_type(a.annotation)}


def _sqlalchemy_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """The local names of `select` imported from sqlalchemy, and of sqlalchemy modules."""
    builders: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            builders |= {a.asname or a.name for a in node.names if a.name in QUERY_BUILDERS}
        elif isinstance(node, ast.Import):
            modules |= {
                a.asname or a.name.split(".")[0]
                for a in node.names
                if a.name.split(".")[0] == "sqlalchemy"
            }
    return builders, modules


def _session_calls(node: ast.AST, sessions: set[str]) -> list[ast.Call]:
    return [
        call
        for call in ast.walk(node)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in SESSION_METHODS
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id in sessions
    ]


def queries_in(tree: ast.Module) -> list[tuple[int, str]]:
    """Every session call and query built in a module, as (line, what), in line order."""
    found: set[tuple[int, str]] = set()
    session_calls = _session_calls(tree, {"db"})
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            session_calls += _session_calls(function, _session_names(function))
    for call in session_calls:
        assert isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
        found.add((call.lineno, f"{call.func.value.id}.{call.func.attr}(...)"))
    builders, modules = _sqlalchemy_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in builders:
            found.add((node.lineno, f"{func.id}(...) from sqlalchemy"))
        elif (
            isinstance(func, ast.Attribute)
            and func.attr in QUERY_BUILDERS
            and isinstance(func.value, ast.Name)
            and func.value.id in modules
        ):
            found.add((node.lineno, f"{func.value.id}.{func.attr}(...)"))
    return sorted(found)


def test_route_modules_hold_no_queries() -> None:
    offenders = [
        f"{path.relative_to(SRC.parents[1]).as_posix()}:{line}: {what}: "
        "move this into the feature's service"
        for path in _route_modules()
        for line, what in queries_in(ast.parse(path.read_text(), filename=str(path)))
    ]
    assert not offenders, (
        "Routes hold no queries (a read that only shapes a page may go in the feature's "
        "presenters.py or queries.py):\n  " + "\n  ".join(offenders)
    )


def test_the_scan_finds_what_it_looks_for() -> None:
    tree = ast.parse(
        "from sqlalchemy import select as pick\n"
        "import sqlalchemy as sa\n"
        "from sqlalchemy.orm import Session\n"
        "def route(db, session: Session, other: 'DbSession', s: Annotated[Session, 1]):\n"
        "    db.execute(pick(User))\n"
        "    session.get_one(User, 1)\n"
        "    other.flush()\n"
        "    s.add(sa.select(User))\n"
        "def fine(session, items):\n"
        "    session.get(1)\n"  # not a session: no annotation, not named db
        "    items.add(1)\n"
        "    service.execute(db)\n"
        "    x = {}.get(1)\n"
    )
    assert queries_in(tree) == [
        (5, "db.execute(...)"),
        (5, "pick(...) from sqlalchemy"),
        (6, "session.get_one(...)"),
        (7, "other.flush(...)"),
        (8, "s.add(...)"),
        (8, "sa.select(...)"),
    ]


def test_the_scan_sees_the_route_modules() -> None:
    """A feature's routes renamed away from api.py / pages.py would slip past the scan."""
    found = {p.relative_to(SRC).as_posix() for p in _route_modules()}
    assert {"accounts/api.py", "accounts/pages.py", "projects/pages.py"} <= found
