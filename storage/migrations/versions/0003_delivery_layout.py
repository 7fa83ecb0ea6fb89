"""where each article sits in a composed digest

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 18:20:00

A digest is composed when it falls due and sent later; the sender cuts out articles deleted in
between, and needs to know where each one sits in the stored messages. Deliveries recorded
before this revision have no layout (NULL) and go out as they were composed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all from newer models (then adopted as 0001) has it already.
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("deliveries")}
    if "layout" not in columns:
        with op.batch_alter_table("deliveries", schema=None) as batch_op:
            batch_op.add_column(sa.Column("layout", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("layout")
