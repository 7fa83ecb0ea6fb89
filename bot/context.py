"""The typed context every handler and job sees: `BotData`, `Context` and the `NewsApp` alias."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot

from bot.services import Services
from bot.telegram.outage import Outage
from bot.telegram.pacing import Pacer


class BotData:
    """Typed `bot_data`: the services, opened in post_init."""

    def __init__(self) -> None:
        self._services: Services | None = None
        # Telegram's flood limits, shared by every sender; build_application sets it.
        self.pacer = Pacer()
        # Failed sends while Telegram is out of reach: logged once per outage.
        self.outage = Outage()

    @property
    def services(self) -> Services:
        """The opened services (post_init has run)."""
        if self._services is None:
            raise RuntimeError("services are not open yet: post_init has not run")
        return self._services

    @property
    def is_open(self) -> bool:
        """Whether post_init has handed over the services."""
        return self._services is not None

    def attach(self, services: Services) -> None:
        """Hand over the opened services."""
        self._services = services


Context = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
NewsApp = Application[Any, Any, Any, Any, BotData, Any]
