"""SQLAlchemy models: articles, chats, subscriptions and digest deliveries."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(
        self, value: dt.datetime | None, dialect: object
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


# Telegram ids need 64 bits; SQLite's INTEGER PRIMARY KEY must stay INTEGER for rowid aliasing.
ChatId = BigInteger().with_variant(Integer(), "sqlite")


class Base(DeclarativeBase):
    pass


class Counter(Base):
    """Named monotonic counters (the change sequence that the search index follows)."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("origin_chat_id", "origin_message_id", name="uq_articles_origin"),
        Index("ix_articles_change_seq", "change_seq"),
        Index("ix_articles_published", "published"),
        # Web articles: one article per canonical address (NULL for pasted texts).
        Index("ix_articles_canonical_url", "canonical_url", unique=True),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    # len(text): which copy of a story is the fullest is read for every answer, and SQL's
    # length(text) reads each whole text to count it (half that read's time). NULL: not
    # stored yet (readers fall back to length(text)).
    text_chars: Mapped[int | None] = mapped_column(Integer)
    published: Mapped[dt.date] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(String(200))
    # ISO 639-1 code, detected at import or set by an editor; NULL: not known yet.
    lang: Mapped[str | None] = mapped_column(String(8))
    url: Mapped[str | None] = mapped_column(Text)
    # Spans of page clutter in `text` found at import ("start-end,..."); NULL: not looked for.
    clutter: Mapped[str | None] = mapped_column(Text)
    canonical_url: Mapped[str | None] = mapped_column(String(2048))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    origin_chat_id: Mapped[int | None] = mapped_column(ChatId)
    origin_message_id: Mapped[int | None] = mapped_column(BigInteger)
    added_by: Mapped[int | None] = mapped_column(ChatId)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    change_seq: Mapped[int] = mapped_column(BigInteger)
    # Stored by a bulk import (`newsbot import`, a .jsonl file): old ones are not news.
    backfill: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Chat(Base):
    """Per-chat preferences and delivery health."""

    __tablename__ = "chats"
    id: Mapped[int] = mapped_column(ChatId, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16), default="private")
    title: Mapped[str | None] = mapped_column(Text)
    timezone: Mapped[str | None] = mapped_column(String(64))
    # The language the bot's replies use in this chat (`/language`); NULL: the user's own.
    language: Mapped[str | None] = mapped_column(String(8))
    paused_reason: Mapped[str | None] = mapped_column(Text)
    paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (
        Index("ix_subscriptions_chat", "chat_id"),
        Index("ix_subscriptions_due", "active", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(ChatId, ForeignKey("chats.id", onupdate="CASCADE"))
    time_of_day: Mapped[str] = mapped_column(String(5))
    topics: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ChatId)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # The newest article id already covered by a digest: the next digest starts after it.
    last_article_id: Mapped[int] = mapped_column(Integer, default=0)
    # The scheduled moment of the newest slot already handled (sent or claimed).
    last_slot: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # When the dispatcher next owes a digest (UTC); NULL: work it out from time_of_day.
    next_due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One digest for one subscription slot: composed once, sent part by part, exactly once."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "slot", name="uq_delivery_slot"),
        Index("ix_deliveries_claimable", "status", "lease_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("subscriptions.id", ondelete="CASCADE")
    )
    chat_id: Mapped[int] = mapped_column(ChatId)
    slot: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    parts: Mapped[str] = mapped_column(Text)  # JSON list of rendered messages
    # JSON: where each article sits in each message (storage/layouts.py); NULL if unknown.
    layout: Mapped[str | None] = mapped_column(Text)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    upto_article_id: Mapped[int] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # The worker holding the delivery and until when; a lapsed lease may be taken over.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class Feed(Base):
    """A subscribed RSS/Atom/JSON feed, its HTTP validators, health, and who polls it now."""

    __tablename__ = "feeds"
    __table_args__ = (Index("ix_feeds_due", "next_poll_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    topics: Mapped[str] = mapped_column(Text, default="")
    added_by: Mapped[int | None] = mapped_column(ChatId)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    next_poll_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    # The process polling the feed and until when; a lapsed lease may be taken over.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class FeedItem(Base):
    """A feed item already handled (stored, a duplicate, or left out by the topic words)."""

    __tablename__ = "feed_items"

    feed_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
    )
    # SHA-256 of the item's guid (or link): guids can be any length.
    guid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ProcessedUpdate(Base):
    """Telegram updates already taken by some bot process: each one is handled once."""

    __tablename__ = "processed_updates"
    __table_args__ = (Index("ix_processed_updates_seen_at", "seen_at"),)

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what to the archive or a chat's digests, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ChatId)
    chat_id: Mapped[int | None] = mapped_column(ChatId)
    action: Mapped[str] = mapped_column(String(32))
    article_id: Mapped[int | None] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")


class StoryMember(Base):
    """Which story an article belongs to, and why (near-copy detection or an editor)."""

    __tablename__ = "story_members"
    __table_args__ = (
        Index("ix_story_members_story", "story_id", "article_id"),
        Index("ix_story_members_seq", "seq"),
    )

    article_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # The id of the story's first article: stories need no table of their own.
    story_id: Mapped[int] = mapped_column(Integer)
    # "first" (started the story), "similar" (a near copy), "split" or "join" (an editor).
    reason: Mapped[str] = mapped_column(String(16))
    matched_id: Mapped[int | None] = mapped_column(Integer)
    similarity: Mapped[float | None] = mapped_column(Float)
    # Rises with every change, so a process's in-memory map of stories reads only what changed.
    seq: Mapped[int] = mapped_column(BigInteger)


class StoryBand(Base):
    """One LSH band of an article's MinHash signature: articles sharing a key are candidates."""

    __tablename__ = "story_bands"
    __table_args__ = ({"sqlite_with_rowid": False},)

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class StoryDecision(Base):
    """An editor's /split or /join, replayed when story membership is rebuilt."""

    __tablename__ = "story_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8))
    article_id: Mapped[int] = mapped_column(Integer)
    other_id: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
