"""Assessments: skill and qualification tests, attempts, grading, retakes, qualifications."""
