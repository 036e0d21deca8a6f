"""Scheduled work for tests: grading attempts left open past their time limit."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from labelpool.assessments.service import grade_expired_attempts
from labelpool.jobs.context import JobContext
from labelpool.jobs.registry import periodic


@periodic("assessments.grade_expired_attempts", every=timedelta(minutes=1))
def grade_expired(db: Session, _payload: dict[str, Any], _context: JobContext) -> None:
    """Grade (as submitted at the deadline) attempts whose time ran out with nobody watching."""
    grade_expired_attempts(db)
