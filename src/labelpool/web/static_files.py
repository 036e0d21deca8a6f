"""Static files, gzipped for browsers that accept it: the labeling page's scripts and styles
shrink to about a quarter on the wire. Each file is compressed once and kept in memory until
it changes (by size and modification time)."""

from __future__ import annotations

import gzip
import os
from functools import lru_cache

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

COMPRESSED_SUFFIXES = (".js", ".css", ".svg", ".json", ".map", ".txt")
MIN_SIZE = 1024  # smaller files gain nothing worth the header


@lru_cache(maxsize=256)
def _gzipped(path: str, size: int, mtime_ns: int) -> bytes:
    """The file's bytes gzipped (size and mtime are the cache key: a changed file is redone)."""
    with open(path, "rb") as handle:
        return gzip.compress(handle.read(), compresslevel=9, mtime=0)


def accepts_gzip(headers: Headers) -> bool:
    encodings = headers.get("accept-encoding", "")
    return any(part.split(";")[0].strip() == "gzip" for part in encodings.split(","))


class CompressedStaticFiles(StaticFiles):
    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        path = os.fspath(full_path)
        if (
            response.status_code != 200
            or scope["method"] != "GET"
            or stat_result.st_size < MIN_SIZE
            or not path.endswith(COMPRESSED_SUFFIXES)
            or not accepts_gzip(Headers(scope=scope))
        ):
            response.headers["vary"] = "Accept-Encoding"
            return response
        body = _gzipped(path, stat_result.st_size, stat_result.st_mtime_ns)
        headers = {key: value for key, value in response.headers.items() if key != "content-length"}
        headers.update({"content-encoding": "gzip", "vary": "Accept-Encoding"})
        return Response(body, status_code=status_code, headers=headers)
