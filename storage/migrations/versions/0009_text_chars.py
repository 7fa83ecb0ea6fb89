"""each article's length in characters

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 20:30:00

The fullest copy of a story is shown with every answer; counting it with SQL's length(text)
read each copy's whole text. Articles stored before this revision are counted once here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    # A database made by create_all from newer models (then adopted) has it already.
    if "text_chars" not in {c["name"] for c in inspector.get_columns("articles")}:
        with op.batch_alter_table("articles", schema=None) as batch_op:
            batch_op.add_column(sa.Column("text_chars", sa.Integer(), nullable=True))
    op.execute("UPDATE articles SET text_chars = length(text) WHERE text_chars IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("text_chars")
