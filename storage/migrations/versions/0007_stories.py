"""stories: near copies of one article grouped, with the LSH bands that find them

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 17:00:00

Three new tables (no change to existing ones): story_members (an article's story and why it
joined), story_bands (MinHash LSH band keys, looked up at import) and story_decisions (editors'
/split and /join, replayed by a rebuild). Articles stored before this revision get their
stories at the next start-up.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A database made by create_all from newer models (then adopted as 0001) has them already.
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "story_members" not in tables:
        op.create_table(
            "story_members",
            sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.Column("story_id", sa.Integer(), nullable=False),
            sa.Column("reason", sa.String(length=16), nullable=False),
            sa.Column("matched_id", sa.Integer(), nullable=True),
            sa.Column("similarity", sa.Float(), nullable=True),
            sa.Column("seq", sa.BigInteger(), nullable=False),
            sa.PrimaryKeyConstraint("article_id"),
        )
        op.create_index("ix_story_members_story", "story_members", ["story_id", "article_id"])
        op.create_index("ix_story_members_seq", "story_members", ["seq"])
    if "story_bands" not in tables:
        op.create_table(
            "story_bands",
            sa.Column("band_key", sa.BigInteger(), autoincrement=False, nullable=False),
            sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
            sa.PrimaryKeyConstraint("band_key", "article_id"),
            sqlite_with_rowid=False,
        )
    if "story_decisions" not in tables:
        op.create_table(
            "story_decisions",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("kind", sa.String(length=8), nullable=False),
            sa.Column("article_id", sa.Integer(), nullable=False),
            sa.Column("other_id", sa.Integer(), nullable=True),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )


def downgrade() -> None:
    op.drop_table("story_decisions")
    op.drop_table("story_bands")
    op.drop_index("ix_story_members_seq", table_name="story_members")
    op.drop_index("ix_story_members_story", table_name="story_members")
    op.drop_table("story_members")
