"""The API routers are matched work-loop first (`app.API_ROUTERS`): allowed only because no
path of one router is also a path of another, so their order changes no request's route."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from labelpool.app import API_PREFIX, API_ROUTERS


def _sample_path(path: str) -> str:
    """The route's path with every parameter filled in (`{id}` -> 7, `{p:path}` -> a/b)."""
    return re.sub(r"\{[^}:]+(:path)?\}", lambda m: "a/b" if m.group(1) else "7", path)


def test_no_api_path_belongs_to_two_routers() -> None:
    routes = [
        (index, route)
        for index, router in enumerate(API_ROUTERS)
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    assert len(routes) > 50
    clashes = []
    for index, route in routes:
        sample = API_PREFIX + _sample_path(route.path)
        for other_index, other in routes:
            if other_index == index or not (route.methods or set()) & (other.methods or set()):
                continue
            if other.path_regex.match(sample[len(API_PREFIX) :]) or other.path_regex.match(sample):
                clashes.append(f"{sorted(route.methods or ())} {route.path} ~ {other.path}")
    assert clashes == []
