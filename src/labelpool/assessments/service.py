"""Tests (assessments): building them, attempts, grading, qualifications and skill levels.

Requesters build tests for their organization's projects (admins also build platform-wide
skill tests). Who takes a test is decided in one place, `take_mode`: active contributors take
published tests for real; the test's own staff (its organization's requesters, reviewers and
admins) and platform admins only *preview* them (a preview grants nothing and is no attempt
under the retake rules); nobody else takes them. Correct answers and explanations leave
this module only through `feedback_for` (training mode, after the question is answered) and
the manager views; a contributor's view of an attempt (`AttemptView`) never carries them.

Time: every function takes `now` (tz-aware UTC) so tests can move the clock. An attempt left
open past its deadline is graded as submitted at the deadline, lazily whenever it is read or
a new one is started, and by `grade_expired_attempts` from a background job.

Services never commit.
"""

from __future__ import annotations

from labelpool.assessments.attempts import (
    Feedback,
    answer_question,
    attempt_for_taker,
    grade_expired_attempts,
    policy_of,
    settle,
    start_attempt,
    start_refresher,
    status_for,
    submit_attempt,
)
from labelpool.assessments.authoring import (
    DRAFT_ONLY,
    KEY_PATTERN,
    MAX_COOLDOWN,
    MAX_TIME_LIMIT,
    SETTINGS,
    SKILL_KEYS_SUGGESTED,
    create_test,
    set_status,
    update_test,
)
from labelpool.assessments.qualifications import (
    has_qualification,
    qualification_keys,
    qualifications_of,
    refreshers_for,
    set_skill_level,
    skill_levels,
    skills_of,
)
from labelpool.assessments.questions import (
    QUESTIONS_FIXED,
    CheckedQuestion,
    add_question,
    correct_answer,
    delete_question,
    get_question,
    list_questions,
    question_edit_problem,
    question_ids_of,
    update_question,
)
from labelpool.assessments.taker_views import (
    AttemptView,
    QuestionView,
    TestCard,
    attempt_view,
    attempts_for_taker,
    attempts_of,
    test_card,
    tests_for_taker,
)
from labelpool.assessments.taking import (
    NOT_A_TAKER,
    TakeMode,
    can_manage,
    managed_tests,
    may_take,
    mode_for,
    require_active_account,
    take_mode,
    test_for_manager,
    test_for_taker,
)

__all__ = [
    "DRAFT_ONLY",
    "KEY_PATTERN",
    "MAX_COOLDOWN",
    "MAX_TIME_LIMIT",
    "NOT_A_TAKER",
    "QUESTIONS_FIXED",
    "SETTINGS",
    "SKILL_KEYS_SUGGESTED",
    "AttemptView",
    "CheckedQuestion",
    "Feedback",
    "QuestionView",
    "TakeMode",
    "TestCard",
    "add_question",
    "answer_question",
    "attempt_for_taker",
    "attempt_view",
    "attempts_for_taker",
    "attempts_of",
    "can_manage",
    "correct_answer",
    "create_test",
    "delete_question",
    "get_question",
    "grade_expired_attempts",
    "has_qualification",
    "list_questions",
    "managed_tests",
    "may_take",
    "mode_for",
    "policy_of",
    "qualification_keys",
    "qualifications_of",
    "question_edit_problem",
    "question_ids_of",
    "refreshers_for",
    "require_active_account",
    "set_skill_level",
    "set_status",
    "settle",
    "skill_levels",
    "skills_of",
    "start_attempt",
    "start_refresher",
    "status_for",
    "submit_attempt",
    "take_mode",
    "test_card",
    "test_for_manager",
    "test_for_taker",
    "tests_for_taker",
    "update_question",
    "update_test",
]
