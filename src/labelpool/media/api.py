"""`GET /media/{id}?exp=...&sig=...`: serve a media file to whoever holds a valid signed link.

No login: the signature is the capability (the labeling page hands signed links to the
contributor who holds the task). Local files are streamed with single-range support (for
audio/video seeking); S3 objects are redirected to a short-lived presigned URL.

The route is mounted with the pages (no /api prefix) but its callers are mostly `<img>`,
`<audio>` and scripts: its errors are JSON (`{"error": {...}}`), except for a browser opening a
link as a page, which gets the usual error page. An id that is not a media id is a 404.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from labelpool.config import Settings
from labelpool.errors import LabelpoolError, NotFound
from labelpool.media import service
from labelpool.media.signing import InvalidMediaSignature, verify_media_signature
from labelpool.media.storage import MediaStorage, content_disposition
from labelpool.web.deps import DbSession, SettingsDep, StorageDep
from labelpool.web.errors import ErrorOut

router = APIRouter(tags=["media"])

CHUNK_SIZE = 256 * 1024
MAX_CACHE_SECONDS = 24 * 3600
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_MEDIA_ID = re.compile(r"[1-9][0-9]{0,17}")


class RangeNotSatisfiable(LabelpoolError):
    status_code = 416
    code = "range_not_satisfiable"


def parse_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte positions of a single `bytes=` range, or None to send everything.

    Multiple ranges and other units are ignored (a full 200 answer is allowed by RFC 9110);
    a well-formed range that lies outside the file raises `RangeNotSatisfiable`.
    """
    if not header:
        return None
    match = _RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first_text, last_text = match.groups()
    if not first_text:
        if not last_text:
            return None
        suffix = int(last_text)
        if suffix == 0:
            raise RangeNotSatisfiable(f"The range {header!r} is empty.")
        return max(0, size - suffix), size - 1
    first = int(first_text)
    last = int(last_text) if last_text else size - 1
    if last_text and last < first:
        return None  # invalid: ignored
    if first >= size:
        raise RangeNotSatisfiable(
            f"The range {header!r} starts after the end of the file ({size} bytes)."
        )
    return first, min(last, size - 1)


def _iter_bytes(handle: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        if start:
            if handle.seekable():
                handle.seek(start)
            else:
                skip = start
                while skip > 0 and (chunk := handle.read(min(CHUNK_SIZE, skip))):
                    skip -= len(chunk)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


@router.head("/media/{media_id}", include_in_schema=False)
@router.get(
    "/media/{media_id}",
    operation_id="get_media_file",
    summary="A media file, through a signed expiring link",
    response_class=Response,
    responses={
        200: {"description": "The file"},
        206: {"description": "Part of the file (Range)"},
        307: {"description": "Redirect to the object store"},
        403: {"model": ErrorOut, "description": "Signature missing, wrong or expired"},
        404: {"model": ErrorOut, "description": "No such media file"},
        416: {"description": "Range not satisfiable"},
    },
)
def serve_media(
    media_id: str,
    request: Request,
    db: DbSession,
    settings: SettingsDep,
    storage: StorageDep,
    exp: str | None = Query(default=None, description="Expiry, Unix seconds"),
    sig: str | None = Query(default=None, description="HMAC-SHA256 signature"),
) -> Response:
    try:
        return _serve(_parse_media_id(media_id), request, db, settings, storage, exp, sig)
    except LabelpoolError as exc:
        if _opened_as_page(request):
            raise  # the app's error page, as for any other page
        return _error_json(exc)


def _parse_media_id(text: str) -> int:
    if not _MEDIA_ID.fullmatch(text):
        raise NotFound(
            f"There is no media file at /media/{text[:40]}; media links look like "
            "/media/<number>?exp=...&sig=..., as labelpool puts them on its pages."
        )
    return int(text)


def _opened_as_page(request: Request) -> bool:
    """A person opened the link in a browser tab (not an element, a script or an API client)."""
    accept = request.headers.get("accept", "")
    return (
        "text/html" in accept
        and "application/json" not in accept
        and "authorization" not in request.headers
    )


def _error_json(exc: LabelpoolError) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": exc.code, "message": exc.message, "details": exc.details}},
        status_code=exc.status_code,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"},
    )


def _serve(
    media_id: int,
    request: Request,
    db: Session,
    settings: Settings,
    storage: MediaStorage,
    exp: str | None,
    sig: str | None,
) -> Response:
    try:
        expires = int(exp) if exp is not None else None
    except ValueError:
        raise InvalidMediaSignature("This media link's expiry is not a number.") from None
    remaining = verify_media_signature(media_id, expires, sig, settings.signing_key)
    media = service.find_media(db, media_id)
    max_age = min(remaining, MAX_CACHE_SECONDS)
    disposition = content_disposition(media.original_name)

    url = storage.url_for(
        media.storage_key,
        max_age,
        content_type=media.content_type,
        filename=media.original_name,
    )
    if url is not None:
        return RedirectResponse(
            url, status_code=307, headers={"Cache-Control": f"private, max-age={max_age}"}
        )

    etag = f'"{media.sha256}"'
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": f"private, max-age={max_age}",
        "Content-Disposition": disposition,
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "ETag": etag,
    }
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)

    size = media.size_bytes
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if if_range is not None and if_range != etag:
        range_header = None  # the client's copy is stale: send it all
    try:
        byte_range = parse_range(range_header, size)
    except RangeNotSatisfiable as exc:
        exc.details = {"size": size}
        return Response(
            status_code=416,
            headers={**headers, "Content-Range": f"bytes */{size}"},
            content=exc.message,
            media_type="text/plain",
        )
    status = 200
    start, length = 0, size
    if byte_range is not None:
        first, last = byte_range
        start, length = first, last - first + 1
        status = 206
        headers["Content-Range"] = f"bytes {first}-{last}/{size}"
    headers["Content-Length"] = str(length)

    if request.method == "HEAD":
        return Response(status_code=status, headers=headers, media_type=media.content_type)
    try:
        handle = storage.open(media.storage_key)
    except FileNotFoundError:
        raise NotFound(
            f"Media file {media_id} is recorded but its content is missing from storage."
        ) from None
    return StreamingResponse(
        _iter_bytes(handle, start, length),
        status_code=status,
        headers=headers,
        media_type=media.content_type,
        background=BackgroundTask(handle.close),
    )
