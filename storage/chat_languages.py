"""Each chat's choice of language for the bot's replies (the chats table's `language`)."""

from __future__ import annotations

from storage.db import Database
from storage.models import Chat


class ChatLanguageStore:
    """Reads and sets a chat's reply language; each method is one transaction."""

    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, chat_id: int) -> str | None:
        """The language chosen for this chat, or None (the user's own)."""
        async with self._db.sessions() as session:
            row = await session.get(Chat, chat_id)
            return None if row is None else row.language

    async def set(self, chat_id: int, language: str | None, *, kind: str) -> None:
        """Choose the chat's language (None: back to each user's own)."""
        async with self._db.transaction() as session:
            row = await session.get(Chat, chat_id)
            if row is None:
                session.add(Chat(id=chat_id, kind=kind, language=language))
            else:
                row.language = language
