"""Alembic migrations of the schema (run by `newsbot db upgrade` and at start-up)."""
