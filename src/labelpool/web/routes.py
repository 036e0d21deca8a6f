"""The route table: every (path pattern, methods) the app answers, across included routers."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import APIRouter
from fastapi.routing import APIRoute
from starlette.routing import compile_path


@dataclass(frozen=True)
class RouteMethods:
    pattern: re.Pattern[str]
    methods: frozenset[str]


def route_table(mounted: Iterable[tuple[str, APIRouter]]) -> list[RouteMethods]:
    """One row per route of each (prefix, router), with HEAD wherever GET is."""
    table = []
    for prefix, router in mounted:
        for route in router.routes:
            if isinstance(route, APIRoute):
                regex, _, _ = compile_path(prefix + route.path)
                methods = set(route.methods or ())
                if "GET" in methods:
                    methods.add("HEAD")
                table.append(RouteMethods(regex, frozenset(methods)))
    return table


def allowed_methods(table: Iterable[RouteMethods], path: str) -> list[str]:
    """Every method some route accepts at `path` (for a 405's Allow header), sorted."""
    found: set[str] = set()
    for row in table:
        if row.pattern.match(path):
            found |= row.methods
    return sorted(found)
