"""`GET /api/v1/health`."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from labelpool import __version__
from labelpool.db.migrate import current_revision, head_revision

router = APIRouter(tags=["system"])


class DatabaseHealth(BaseModel):
    status: Literal["ok", "unavailable", "needs_migration"]
    backend: str
    revision: str | None
    message: str | None = None


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    database: DatabaseHealth


@router.get("/health", response_model=Health)
def health(request: Request, response: Response) -> Health:
    """Version and database status; 503 when the database is unreachable."""
    engine = request.app.state.engine
    backend = engine.dialect.name
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        response.status_code = 503
        reason = str(exc.__cause__ or exc).splitlines()[0]
        db = DatabaseHealth(status="unavailable", backend=backend, revision=None, message=reason)
        return Health(status="degraded", version=__version__, database=db)
    if revision != head_revision():
        db = DatabaseHealth(
            status="needs_migration",
            backend=backend,
            revision=revision,
            message="Run `labelpool db upgrade`.",
        )
        return Health(status="degraded", version=__version__, database=db)
    db = DatabaseHealth(status="ok", backend=backend, revision=revision)
    return Health(status="ok", version=__version__, database=db)
