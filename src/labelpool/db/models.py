"""Import every ORM module so `Base.metadata` is complete (for Alembic and tests)."""

from labelpool.accounts import models as accounts_models
from labelpool.assessments import models as assessments_models
from labelpool.audit import models as audit_models
from labelpool.contributors import models as contributors_models
from labelpool.db.base import Base
from labelpool.guidelines import models as guidelines_models
from labelpool.jobs import models as jobs_models
from labelpool.media import models as media_models
from labelpool.notifications import models as notifications_models
from labelpool.projects import models as projects_models
from labelpool.work import draft_models as work_draft_models
from labelpool.work import models as work_models

__all__ = [
    "Base",
    "accounts_models",
    "assessments_models",
    "audit_models",
    "contributors_models",
    "guidelines_models",
    "jobs_models",
    "media_models",
    "notifications_models",
    "projects_models",
    "work_draft_models",
    "work_models",
]
