"""Persistence: the ORM models, the engine and session factory, repositories and migrations."""
