"""Greetings and thanks: a person's words to the bot, not a question for the archive."""

from __future__ import annotations

import re

from bot.i18n import N_

MAX_COURTESY_CHARS = 60
# A message of these words alone (any case, punctuation and emoji around them) is a greeting or
# thanks, in the languages the replies speak and Persian: "hello", "thanks!", "merci beaucoup",
# "спасибо", "شكرا". Searched, they quoted any sentence holding "thank God" or "hello".
_GREETINGS = """
hello|hi|hey|hiya|good morning|good afternoon|good evening|
привет|здравствуйте|добрый день|доброе утро|добрый вечер|
bonjour|bonsoir|salut|coucou|
مرحبا|أهلا|اهلا|السلام عليكم|سلام|
درود
"""
_THANKS = """
thanks|thank you|thank you very much|thanks a lot|many thanks|thx|cheers|ok thanks|great thanks|
спасибо|спасибо большое|большое спасибо|
merci|merci beaucoup|
شكرا|شكرا جزيلا|
ممنون|مرسی|سپاس|خیلی ممنون
"""


def _alone(phrases: str) -> re.Pattern[str]:
    return re.compile(
        r"^[\W_]*(?:" + "|".join(p.strip() for p in phrases.split("|") if p.strip()) + r")[\W_]*$",
        re.IGNORECASE,
    )


_GREETING = _alone(_GREETINGS)
_THANKING = _alone(_THANKS)
COURTESY_REPLY = N_(
    "Ask me about the news in the archive, for example: civilians trapped in Raqqa? "
    "Or send me an article. /help lists everything I do."
)
# Thanks come after an answer: a newcomer's hint then read as if the answer had been missed.
THANKS_REPLY = N_("You're welcome. Ask me anything else about the archive; /help lists it all.")


def wordless(message: str) -> bool:
    """Whether the message holds no letter or digit ("?", "!!!", "👍"): nothing to search."""
    return not any(character.isalnum() for character in message)


def courtesy_reply(message: str) -> str | None:
    """The reply to a message that is only a greeting or thanks, or holds no word at all
    (answered kindly, not searched: "?" listed the newest articles); None for anything else."""
    if wordless(message):
        return COURTESY_REPLY
    if len(message) > MAX_COURTESY_CHARS:
        return None
    said = " ".join(message.split())
    if _THANKING.match(said):
        return THANKS_REPLY
    return COURTESY_REPLY if _GREETING.match(said) else None
