"""seed the article change counter

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 15:20:00

The counter row used to be created by the first article added. Two processes adding the very
first article at the same moment could then both try to create it, and one failed on the
primary key. Seeded here, every process only ever updates it (row-locked on PostgreSQL).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An existing database keeps its counter; one without it starts where its articles are.
    op.execute(
        sa.text(
            "INSERT INTO counters (name, value) "
            "SELECT 'article_changes', COALESCE((SELECT MAX(change_seq) FROM articles), 0) "
            "WHERE NOT EXISTS (SELECT 1 FROM counters WHERE name = 'article_changes')"
        )
    )


def downgrade() -> None:
    # The row is harmless to revision 0001, which would create it on first use anyway.
    pass
