"""Alembic environment: always run through storage.schema, which hands over a connection."""

from __future__ import annotations

from alembic import context

from storage.migrations.env_options import comparison_options
from storage.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `newsbot db ...`, not the alembic command")

context.configure(connection=connection, target_metadata=Base.metadata, **comparison_options())
with context.begin_transaction():
    context.run_migrations()
