"""Organizations, users, roles, memberships, sessions, API tokens and authentication."""
