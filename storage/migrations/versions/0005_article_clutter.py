"""page clutter of each article, found at import

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 17:10:00

Answers never quote datelines, bylines, tag lists, share prompts or photo captions: the import
finds them once and stores their spans here. Articles stored before this revision have NULL
and are looked at when they are quoted.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all from newer models (then adopted as 0001) has it already.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("articles")}
    if "clutter" not in columns:
        with op.batch_alter_table("articles", schema=None) as batch_op:
            batch_op.add_column(sa.Column("clutter", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("clutter")
