"""The kinds of notification the work loop sends (stored: keep the values stable)."""

from __future__ import annotations

NEW_PROJECT = "work.new_project"  # a project you are eligible for opened with work
RETAKE_OPEN = "test.retake_open"  # your next attempt at a test is open
TEST_RESULT = "test.result"  # you passed, or did not pass, a test
REMOVED = "work.removed"  # a project was cancelled, or you no longer meet its requirements
REFRESHER_REQUIRED = "guidelines.refresher_required"  # a material change: pass a refresher
TASK_WITHDRAWN = "work.task_withdrawn"  # the item of a task you held was removed
