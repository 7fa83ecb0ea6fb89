"""mark the articles a bulk import stored

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 16:45:00

A digest shows what arrived in its period, except backfill: articles from a bulk import
(`newsbot import`, a .jsonl file) dated more than a day before the period began. Articles stored
before this revision count as sent one at a time (false): nothing already shown disappears.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all from newer models (then adopted as 0001) has it already.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("articles")}
    if "backfill" not in columns:
        with op.batch_alter_table("articles", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("backfill", sa.Boolean(), nullable=False, server_default=sa.false())
            )


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("backfill")
