"""web articles and feeds: a canonical address per article, subscribed feeds, items seen

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 17:00:00

An article fetched from the web keeps its canonical address (normalised: no tracking
parameters, no amp or mobile host), unique, so the same article reached by two addresses is
stored once. Feeds carry their HTTP validators, health and a lease so that one process at a
time polls each; feed_items remembers which items were handled.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

CHAT_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    # A database made by create_all from newer models (then adopted as 0001) has them already.
    if "canonical_url" not in {c["name"] for c in inspector.get_columns("articles")}:
        op.add_column("articles", sa.Column("canonical_url", sa.String(length=2048)))
        op.create_index("ix_articles_canonical_url", "articles", ["canonical_url"], unique=True)
    tables = set(inspector.get_table_names())
    if "feeds" not in tables:
        op.create_table(
            "feeds",
            sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
            sa.Column("url", sa.String(length=2048), nullable=False),
            sa.Column("title", sa.Text(), nullable=True),
            sa.Column("topics", sa.Text(), nullable=False),
            sa.Column("added_by", CHAT_ID, nullable=True),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("etag", sa.Text(), nullable=True),
            sa.Column("last_modified", sa.Text(), nullable=True),
            sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("last_polled_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
            sa.Column("last_error", sa.Text(), nullable=True),
            sa.Column("failures", sa.Integer(), nullable=False),
            sa.Column("item_count", sa.Integer(), nullable=False),
            sa.Column("claimed_by", sa.String(length=64), nullable=True),
            sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("url"),
        )
        op.create_index("ix_feeds_due", "feeds", ["next_poll_at"], unique=False)
    if "feed_items" not in tables:
        op.create_table(
            "feed_items",
            sa.Column("feed_id", sa.Integer(), nullable=False),
            sa.Column("guid_hash", sa.String(length=64), nullable=False),
            sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
            sa.ForeignKeyConstraint(["feed_id"], ["feeds.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint("feed_id", "guid_hash"),
        )


def downgrade() -> None:
    op.drop_table("feed_items")
    op.drop_index("ix_feeds_due", table_name="feeds")
    op.drop_table("feeds")
    op.drop_index("ix_articles_canonical_url", table_name="articles")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_column("canonical_url")
