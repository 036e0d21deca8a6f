"""Database engine, sessions, declarative base and migrations."""
