"""`GET /docs`: the API reference, from Swagger UI files shipped with labelpool (no CDN)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from labelpool.web.render import render

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> Response:
    return render(request, "api_docs.html", {"spec_url": request.app.openapi_url})
