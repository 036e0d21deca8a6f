"""Audit log: who did what, when and why."""
