"""A database made before issue 4 gains the delivery columns at start-up and keeps its rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from storage.db import Database
from storage.upgrade import add_missing_columns


async def test_old_tables_gain_the_new_columns(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE chats (id INTEGER PRIMARY KEY, kind VARCHAR(16), title TEXT,
                timezone VARCHAR(64), paused_reason TEXT, paused_at DATETIME);
            CREATE TABLE subscriptions (id INTEGER PRIMARY KEY, chat_id INTEGER,
                time_of_day VARCHAR(5), topics TEXT, created_by INTEGER, created_at DATETIME,
                last_article_id INTEGER, last_slot DATETIME, active BOOLEAN);
            CREATE INDEX ix_subscriptions_chat ON subscriptions (chat_id);
            INSERT INTO chats (id, kind) VALUES (2002, 'private');
            INSERT INTO subscriptions (id, chat_id, time_of_day, topics, created_at,
                last_article_id, active) VALUES (1, 2002, '08:00', '', '2026-11-01', 0, 1);
            """
        )
    db = Database.from_url(f"sqlite+aiosqlite:///{path}")
    added = await add_missing_columns(db)
    await db.create_schema()
    assert await add_missing_columns(db) == []
    await db.close()
    assert added == [
        "subscriptions.next_due_at",
        "index ix_subscriptions_due",
    ]
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT id, next_due_at FROM subscriptions").fetchall() == [(1, None)]
