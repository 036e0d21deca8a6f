"""Contributor logic: profiles, account review checks, account states, identity documents.

Services never commit; the caller's unit of work (request or CLI command) does.

What a contributor can do when a check fails: a failed rule check (profile, device, location)
is re-evaluated whenever the contributor saves the profile or submits again, so fixing the
profile fixes the check. A failed identity check reopens when a new document is uploaded. A
failed language check stays failed until an admin decides again or a language test passes it
(`pass_check`). The account stays under review (never goes back to applied) until every check
has passed; then it becomes active on its own.

An active account has every check passed, always: when a contributor changes a reviewed part
of the profile (`review.reopened_checks`: the country, devices, a new language claim, any
field the completeness check counts), those checks are decided again, even if an admin had
passed them by hand; if one no longer passes, or an admin fails or reopens a check, the
account goes back under review (`sync_state`) and becomes active again on its own once every
check has passed.
"""

from __future__ import annotations

from labelpool.contributors.application import submit_application, update_profile
from labelpool.contributors.checks import checks_of, current_identity_document, ensure_checks
from labelpool.contributors.decisions import decide_check, pass_check, run_rules
from labelpool.contributors.identity_documents import (
    DOCUMENT_KINDS,
    PDF_MAGIC,
    document_type,
    get_identity_document,
    identity_documents,
    open_identity_document,
    purge_expired_documents,
    upload_identity_document,
)
from labelpool.contributors.profiles import (
    ProfileInput,
    completeness,
    get_contributor_profile,
    get_or_create_profile,
    get_profile,
    profile_facts,
)
from labelpool.contributors.queries import (
    ContributorSummary,
    QueueRow,
    contributor_state,
    contributor_summary,
    is_active,
    review_queue,
)
from labelpool.contributors.state_changes import (
    REVIEW_LINK,
    SYSTEM_NAME,
    actor_names,
    change_state,
    maybe_activate,
    reopen_review,
    state_history,
    sync_state,
)

__all__ = [
    "DOCUMENT_KINDS",
    "PDF_MAGIC",
    "REVIEW_LINK",
    "SYSTEM_NAME",
    "ContributorSummary",
    "ProfileInput",
    "QueueRow",
    "actor_names",
    "change_state",
    "checks_of",
    "completeness",
    "contributor_state",
    "contributor_summary",
    "current_identity_document",
    "decide_check",
    "document_type",
    "ensure_checks",
    "get_contributor_profile",
    "get_identity_document",
    "get_or_create_profile",
    "get_profile",
    "identity_documents",
    "is_active",
    "maybe_activate",
    "open_identity_document",
    "pass_check",
    "profile_facts",
    "purge_expired_documents",
    "reopen_review",
    "review_queue",
    "run_rules",
    "state_history",
    "submit_application",
    "sync_state",
    "update_profile",
    "upload_identity_document",
]
