"""The policy layer: who may do what, asked by every route and service.

`authorize(actor, ProjectPolicy.manage(project))` raises NotFound (the object stays hidden)
or PermissionDenied (visible, but not yours to change); `permits` answers the same as a bool;
`visible(select(Model), actor)` narrows a list query to what the actor may read. One module
per resource holds its rules; `rules` holds the machinery.
"""

from labelpool.accounts.actor import Actor, actor_of
from labelpool.policy.guidelines import GuidelinesPolicy
from labelpool.policy.organizations import OrganizationPolicy, PlatformPolicy
from labelpool.policy.projects import ProjectPolicy
from labelpool.policy.rules import Rule, Verdict, authorize, permits, visible
from labelpool.policy.tests import TestPolicy

__all__ = [
    "Actor",
    "GuidelinesPolicy",
    "OrganizationPolicy",
    "PlatformPolicy",
    "ProjectPolicy",
    "Rule",
    "TestPolicy",
    "Verdict",
    "actor_of",
    "authorize",
    "permits",
    "visible",
]
