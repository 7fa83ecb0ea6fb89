"""Greetings and thanks: a person's words to the bot, not a question for the archive."""

from __future__ import annotations

import re

from bot.i18n import N_

# A message of these words alone (any case, punctuation and emoji around them) is a greeting or
# thanks, in the languages the replies speak and Persian: "hello", "thanks!", "merci beaucoup",
# "спасибо", "شكرا". Searched, they quoted any sentence holding "thank God" or "hello".
_PHRASES = """
hello|hi|hey|hiya|good morning|good afternoon|good evening|thanks|thank you|thank you very much|
thanks a lot|many thanks|thx|cheers|ok thanks|great thanks|
привет|здравствуйте|добрый день|доброе утро|добрый вечер|спасибо|спасибо большое|большое спасибо|
bonjour|bonsoir|salut|coucou|merci|merci beaucoup|
مرحبا|أهلا|اهلا|السلام عليكم|سلام|شكرا|شكرا جزيلا|
درود|ممنون|مرسی|سپاس|خیلی ممنون
"""
_COURTESY = re.compile(
    r"^[\W_]*(?:" + "|".join(p.strip() for p in _PHRASES.split("|") if p.strip()) + r")[\W_]*$",
    re.IGNORECASE,
)
COURTESY_REPLY = N_(
    "Ask me about the news in the archive, for example: civilians trapped in Raqqa? "
    "Or send me an article. /help lists everything I do."
)


def is_courtesy(message: str) -> bool:
    """Whether a message is only a greeting or thanks (to answer kindly, not to search)."""
    return len(message) <= 60 and _COURTESY.match(" ".join(message.split())) is not None
