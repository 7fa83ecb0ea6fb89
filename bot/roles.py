"""Who is an editor: the configured ids, plus admins of the newsroom chats (cached briefly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable

from bot.clock import Clock

# None: Telegram could not say; treated as 'not an admin' and not cached.
AdminFetcher = Callable[[int], Awaitable[Iterable[int] | None]]


class EditorRoles:
    """Answers 'may this user edit the archive?' with a short-lived cache of admin lists."""

    def __init__(
        self,
        editor_ids: frozenset[int],
        newsroom_chat_ids: frozenset[int],
        ttl: dt.timedelta,
        clock: Clock,
    ) -> None:
        self.editor_ids = editor_ids
        self.newsroom_chat_ids = newsroom_chat_ids
        self._ttl = ttl
        self._clock = clock
        self._admins: dict[int, tuple[dt.datetime, frozenset[int]]] = {}

    async def is_editor(self, user_id: int | None, fetch_admins: AdminFetcher) -> bool:
        """EDITOR_IDS, or an admin of a newsroom chat (Telegram is asked when the cache is old)."""
        if user_id is None:
            return False
        if user_id in self.editor_ids:
            return True
        for chat_id in sorted(self.newsroom_chat_ids):
            if user_id in await self._admins_of(chat_id, fetch_admins):
                return True
        return False

    async def _admins_of(self, chat_id: int, fetch_admins: AdminFetcher) -> frozenset[int]:
        now = self._clock.now()
        cached = self._admins.get(chat_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        fetched = await fetch_admins(chat_id)
        if fetched is None:
            return frozenset()
        admins = frozenset(fetched)
        self._admins[chat_id] = (now, admins)
        return admins
