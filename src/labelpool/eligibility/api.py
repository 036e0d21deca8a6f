"""JSON API for eligibility: a project's requirements (staff read, managers write), a
contributor's explainer for a project, and their work list."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from labelpool.eligibility import funnel, service
from labelpool.eligibility.rules import Requirements, RuleResult
from labelpool.eligibility.schemas import (
    EligibilityOut,
    FunnelOut,
    RequirementsIn,
    RequirementsOut,
    RuleResultOut,
    WorkOut,
    WorkProjectOut,
    funnel_out,
)
from labelpool.policy.eligibility import EligibilityPolicy
from labelpool.web.deps import CurrentUser, DbSession
from labelpool.web.schemas import ResourceId

router = APIRouter(tags=["eligibility"])


def _rule(result: RuleResult) -> RuleResultOut:
    return RuleResultOut.model_validate(asdict(result))


@router.get("/projects/{project_id}/requirements", response_model=RequirementsOut)
def get_requirements(project_id: ResourceId, user: CurrentUser, db: DbSession) -> RequirementsOut:
    """The project's requirements: every rule a contributor must meet to work on it."""
    project = service.require_project(db, user, project_id, EligibilityPolicy.view_requirements)
    return RequirementsOut(project_id=project.id, rules=service.requirements_of(db, project.id))


@router.put("/projects/{project_id}/requirements", response_model=RequirementsOut)
def put_requirements(
    project_id: ResourceId, body: RequirementsIn, user: CurrentUser, db: DbSession
) -> RequirementsOut:
    """Replace the project's requirements; each change is logged with what changed."""
    project = service.require_project(db, user, project_id, EligibilityPolicy.edit_requirements)
    wanted = Requirements.model_validate(body.model_dump())
    rules, changes = service.save_requirements(db, user, project, wanted)
    return RequirementsOut(project_id=project.id, rules=rules, changes=changes)


@router.get("/projects/{project_id}/eligibility", response_model=EligibilityOut)
def eligibility(project_id: ResourceId, user: CurrentUser, db: DbSession) -> EligibilityOut:
    """Your (a contributor's) eligibility for an active or paused project: every rule, met or
    not, your value, the required value and the next step with its date."""
    project = service.require_project(db, user, project_id, EligibilityPolicy.explain)
    results = service.explain(db, user, project)
    return EligibilityOut(
        project_id=project.id,
        eligible=all(r.met for r in results),
        rules=[_rule(r) for r in results],
    )


@router.get("/projects/{project_id}/funnel", response_model=FunnelOut)
def project_funnel(project_id: ResourceId, user: CurrentUser, db: DbSession) -> FunnelOut:
    """How many active contributors meet each rule alone and cumulatively, how many meet all,
    the rule that removes the most, and the capacity forecast against the deadline (staff)."""
    project = service.require_project(db, user, project_id, EligibilityPolicy.see_funnel)
    return funnel_out(funnel.project_funnel(db, user, project))


def _work_project(entry: service.WorkProject) -> WorkProjectOut:
    return WorkProjectOut(
        project_id=entry.project_id,
        name=entry.name,
        organization=entry.organization,
        status=entry.status,
        open_items=entry.open_items,
        open_items_capped=entry.open_items_capped,
        reason=entry.reason,
        reason_text=entry.reason_text,
        come_back_at=entry.come_back_at,
        last_work_at=entry.last_work_at,
        unmet=[_rule(r) for r in entry.unmet],
    )


@router.get("/me/work", response_model=WorkOut)
def my_work(user: CurrentUser, db: DbSession) -> WorkOut:
    """Your projects in three groups: eligible with work open (how many items you can take
    now), eligible with no work right now (why), and not yet eligible (what to do)."""
    overview = service.my_work(db, user)
    return WorkOut(
        open=[_work_project(p) for p in overview.open],
        no_work=[_work_project(p) for p in overview.no_work],
        not_yet=[_work_project(p) for p in overview.not_yet],
    )
