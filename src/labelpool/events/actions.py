"""Every action the audit trail records, by name (stored as the value: keep values stable)."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    ORGANIZATION_CREATED = "organization.created"
    MEMBERSHIP_CREATED = "membership.created"
    USER_CREATED = "user.created"
    USER_PASSWORD_CHANGED = "user.password_changed"
    USER_PASSWORD_RESET = "user.password_reset"
    USER_SIGNUP_WITH_TAKEN_EMAIL = "user.signup_with_taken_email"
    API_TOKEN_CREATED = "api_token.created"
    API_TOKEN_REVOKED = "api_token.revoked"

    CONTRIBUTOR_PROFILE_UPDATED = "contributor.profile_updated"
    CONTRIBUTOR_RULES_RUN = "contributor.rules_run"
    CONTRIBUTOR_CHECK_DECIDED = "contributor.check_decided"
    CONTRIBUTOR_CHECK_PASSED = "contributor.check_passed"
    CONTRIBUTOR_RESUBMITTED = "contributor.resubmitted"
    CONTRIBUTOR_STATE_CHANGED = "contributor.state_changed"
    CONTRIBUTOR_IDENTITY_DOCUMENT_UPLOADED = "contributor.identity_document_uploaded"
    CONTRIBUTOR_IDENTITY_DOCUMENT_VIEWED = "contributor.identity_document_viewed"
    CONTRIBUTOR_IDENTITY_DOCUMENT_DELETED = "contributor.identity_document_deleted"

    PROJECT_CREATED = "project.created"
    PROJECT_UPDATED = "project.updated"
    PROJECT_STATUS_CHANGED = "project.status_changed"
    PROJECT_REQUIREMENTS_CHANGED = "project.requirements_changed"
    IMPORT_QUEUED = "import.queued"
    IMPORT_RUNNING = "import.running"
    IMPORT_SUCCEEDED = "import.succeeded"
    IMPORT_FAILED = "import.failed"

    GUIDELINES_CREATED = "guidelines.created"
    GUIDELINES_VERSION_PUBLISHED = "guidelines.version_published"

    TEST_CREATED = "test.created"
    TEST_UPDATED = "test.updated"
    TEST_STATUS_CHANGED = "test.status_changed"
    TEST_QUESTION_UPDATED = "test.question_updated"
    TEST_QUESTION_DELETED = "test.question_deleted"
    TEST_ATTEMPT_STARTED = "test.attempt_started"
    TEST_ATTEMPT_GRADED = "test.attempt_graded"
    SKILL_SET = "skill.set"

    ASSIGNMENT_CLAIMED = "assignment.claimed"
    ASSIGNMENT_EXTENDED = "assignment.extended"
    ASSIGNMENT_SKIPPED = "assignment.skipped"
    ASSIGNMENT_EXPIRED = "assignment.expired"
    ASSIGNMENT_RELEASED = "assignment.released"
    RESPONSE_SUBMITTED = "response.submitted"
    ITEM_REPORTED = "item.reported"
    ITEM_WITHDRAWN = "item.withdrawn"
    ITEM_RELEASED = "item.released"  # back into the pool; its reports so far are resolved
    ITEM_REMOVED = "item.removed"  # out of the project for good (its responses are kept)
