"""the language of each article and of each chat's replies

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:40:00

Articles stored before this revision have no language (NULL): the search index detects it when
it indexes them (an index of the older schema is rebuilt on start). Chats without a language
get replies in their user's Telegram language.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_COLUMNS = (("articles", "lang"), ("chats", "language"))


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table, column in _COLUMNS:
        # A database made by create_all from newer models (then adopted) has it already.
        if column not in {c["name"] for c in inspector.get_columns(table)}:
            with op.batch_alter_table(table, schema=None) as batch_op:
                batch_op.add_column(sa.Column(column, sa.String(length=8), nullable=True))


def downgrade() -> None:
    for table, column in _COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
