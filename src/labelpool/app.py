"""The FastAPI application factory."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

from fastapi import FastAPI

from labelpool import __version__
from labelpool.accounts.api import router as accounts_api
from labelpool.accounts.pages import router as accounts_pages
from labelpool.assessments.api import router as assessments_api
from labelpool.assessments.pages import router as assessments_pages
from labelpool.config import Settings, get_settings
from labelpool.contributors.api import router as contributors_api
from labelpool.contributors.pages import router as contributors_pages
from labelpool.db.engine import make_engine, make_session_factory
from labelpool.eligibility.api import router as eligibility_api
from labelpool.eligibility.pages import router as eligibility_pages
from labelpool.guidelines.api import router as guidelines_api
from labelpool.guidelines.pages import router as guidelines_pages
from labelpool.media.api import router as media_router
from labelpool.media.settings import MediaSettings
from labelpool.media.storage import storage_from_settings
from labelpool.notifications.api import router as notifications_api
from labelpool.notifications.pages import router as notifications_pages
from labelpool.projects.api import router as projects_api
from labelpool.projects.pages import router as projects_pages
from labelpool.projects.uploads import clean_stale_uploads
from labelpool.web.docs_page import router as docs_page
from labelpool.web.errors import ERROR_RESPONSES, install_error_handlers
from labelpool.web.health import router as health_api
from labelpool.web.middleware import (
    BodyLimitsMiddleware,
    CsrfCookieMiddleware,
    ReadRetryMiddleware,
    SecurityHeadersMiddleware,
    content_security_policy,
)
from labelpool.web.render import STATIC_DIR
from labelpool.web.routes import route_table
from labelpool.web.static_files import CompressedStaticFiles
from labelpool.work.api import router as work_api
from labelpool.work.drafts_api import router as work_drafts_api
from labelpool.work.labeling_pages import router as labeling_pages
from labelpool.work.pages import router as work_pages
from labelpool.work.reports_api import router as reports_api

API_PREFIX = "/api/v1"
# JSON API routers (mounted under API_PREFIX) and page/media routers, in matching order.
# Matched in this order, route by route: the work loop's calls (claim, submit, draft) first,
# as they are most of the traffic. No two routers' paths overlap, so the order changes no match.
API_ROUTERS = (
    work_api,
    work_drafts_api,
    health_api,
    accounts_api,
    projects_api,
    contributors_api,
    guidelines_api,
    assessments_api,
    reports_api,
    eligibility_api,
    notifications_api,
)
PAGE_ROUTERS = (
    docs_page,
    media_router,
    accounts_pages,
    projects_pages,
    contributors_pages,
    guidelines_pages,
    assessments_pages,
    eligibility_pages,
    labeling_pages,
    work_pages,
    notifications_pages,
)
UPLOAD_PATHS = re.compile(r"/api/v1/projects/\d+/imports|/projects/\d+/import")
# What a person is told when a page upload is over the limit ({limit} is filled in).
PAGE_UPLOADS = (
    (
        re.compile(r"/review/identity-document"),
        "Your identity document is larger than {limit}. Upload a smaller photo or scan "
        "(JPEG, PNG or PDF): a photo taken at a lower resolution is usually enough.",
    ),
    (
        re.compile(r"/projects/\d+/import"),
        "This file is larger than {limit}, the most a browser upload may be. Split it into "
        "smaller files, or import it on the server with `labelpool import PROJECT FILE`.",
    ),
)


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app, with its one `Settings` (read from the environment unless given) and media
    storage built here and kept on `app.state.settings` / `app.state.storage` for requests."""
    settings = settings or get_settings()
    engine = make_engine(
        settings.sqlalchemy_url, lock_timeout_seconds=settings.lock_timeout_seconds
    )
    app = FastAPI(
        lifespan=_run_jobs if settings.jobs_in_process else None,
        title="labelpool",
        version=__version__,
        summary=(
            "Contributors, account review, tests, projects, imports and aggregation today; "
            "labeling, quality and pay are being built."
        ),
        docs_url=None,  # served by web.docs_page from vendored Swagger UI files
        openapi_url="/openapi.json",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.storage = storage_from_settings(settings)
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    _ = settings.signing_key  # create the key file at start-up, not on the first request
    clean_stale_uploads(settings)  # left behind by a process killed mid-upload

    install_error_handlers(app)
    mounted = [(API_PREFIX, r) for r in API_ROUTERS] + [("", r) for r in PAGE_ROUTERS]
    for prefix, router in mounted:
        app.include_router(router, prefix=prefix, responses=ERROR_RESPONSES)
    app.state.route_table = route_table(mounted)
    app.mount("/static", CompressedStaticFiles(directory=STATIC_DIR), name="static")

    app.add_middleware(ReadRetryMiddleware)
    app.add_middleware(CsrfCookieMiddleware)
    app.add_middleware(
        SecurityHeadersMiddleware, csp=content_security_policy(_media_origins(settings.media))
    )
    app.add_middleware(
        BodyLimitsMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
        upload_paths=UPLOAD_PATHS,
        read_timeout_seconds=settings.body_read_timeout_seconds,
        page_uploads=PAGE_UPLOADS,
    )
    return app


@asynccontextmanager
async def _run_jobs(app: FastAPI) -> AsyncIterator[None]:
    """The job runner as a thread of this process, from start-up to shut-down."""
    from labelpool.jobs.builtin import load_handlers
    from labelpool.jobs.context import JobContext
    from labelpool.jobs.runner import Worker

    load_handlers()
    context = JobContext(app.state.settings, app.state.storage)
    worker = Worker(app.state.session_factory, context)
    worker.start()
    try:
        yield
    finally:
        worker.stop()


def _media_origins(media: MediaSettings) -> tuple[str, ...]:
    """Where signed media URLs may redirect to: the configured object store, if any."""
    if not media.s3_bucket:
        return ()
    if media.s3_endpoint_url:
        parts = urlsplit(media.s3_endpoint_url)
        return (f"{parts.scheme}://{parts.netloc}",)
    return ("https://*.amazonaws.com",)


def create_app_from_env() -> FastAPI:
    """Entry point for `uvicorn --factory` (used by `labelpool serve --workers N`)."""
    return create_app()
