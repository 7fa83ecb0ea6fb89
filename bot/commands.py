"""The one table of chat commands: it drives set_my_commands, /help and the README check."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.i18n import ENGLISH, N_, Texts

# Who may use a command, as /help and the README say it.
ANYONE = "anyone"
EDITORS = N_("editors")
CHAT_ADMINS = N_("anyone in a private chat; in a group or channel, its admins")


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    usage: str
    description: str
    editors_only: bool = False
    who: str = ANYONE

    def local_usage(self, texts: Texts) -> str:
        """The usage line with its placeholders in the reader's language ("/digest [mots du
        sujet]"); the command and the literal words (`add`, language codes) as they are."""
        command, _, arguments = self.usage.partition(" ")
        if not arguments:
            return command
        return f"{command} {texts(arguments) if arguments in _PLACEHOLDERS else arguments}"


# The usage lines' placeholders, for the catalogues (`local_usage`).
_PLACEHOLDERS = frozenset(
    {
        N_("<question>"),
        N_("<n>"),
        N_("[topic words]"),
        N_("[time] [topic words]"),
        N_("<n|time|all>"),
        N_("[city or Area/City]"),
        N_("<words>"),
        N_("<text>"),
        N_("<n> <text>"),
        N_("<n> <m>"),
        N_("<n> <code>"),
        N_("add <url> [topic words]"),
    }
)

COMMANDS: tuple[Command, ...] = (
    Command("start", "/start", "What this bot does"),
    Command("help", "/help", "All commands"),
    Command("ask", "/ask <question>", "Ask the archive a question"),
    Command("read", "/read <n>", "Read article n in full (also /read_n)"),
    Command("digest", "/digest [topic words]", "A digest of what is new, now"),
    Command(
        "subscribe",
        "/subscribe [time] [topic words]",
        "A daily digest at that time",
        who=CHAT_ADMINS,
    ),
    Command("subscriptions", "/subscriptions", "This chat's digests, numbered"),
    Command(
        "unsubscribe",
        "/unsubscribe <n|time|all>",
        "Stop digest n (or the one at that time), or all of them",
        who=CHAT_ADMINS,
    ),
    Command(
        "timezone",
        "/timezone [city or Area/City]",
        "Show or set the time zone for this chat's digests",
        who=N_("anyone sees it; in a group or channel, its admins set it"),
    ),
    Command("trend", "/trend <words>", "A chart of the stories on these words, week by week"),
    Command(
        "language",
        "/language [en|ru|ar|fr|fa|auto]",
        "The language of my replies in this chat",
        who=CHAT_ADMINS,
    ),
    Command("add", "/add <text>", "Add an article (or reply /add to a message)", True, EDITORS),
    Command(
        "edit", "/edit <n> <text>", "Replace article n's text (or reply /edit n)", True, EDITORS
    ),
    Command("delete", "/delete <n>", "Delete article n (asks first)", True, EDITORS),
    Command(
        "restore",
        "/restore <n>",
        "Bring back article n, deleted in the last 30 days",
        True,
        EDITORS,
    ),
    Command(
        "split", "/split <n>", "Take article n out of its story (a wrong match)", True, EDITORS
    ),
    Command("join", "/join <n> <m>", "Make the stories of articles n and m one", True, EDITORS),
    Command(
        "lang",
        "/lang <n> <code>",
        "Correct the language of article n (e.g. /lang 42 fr)",
        True,
        EDITORS,
    ),
    Command(
        "feed",
        "/feed add <url> [topic words]",
        "Follow a feed (RSS, Atom, JSON Feed); /feed remove n stops following it",
        True,
        EDITORS,
    ),
    Command("feeds", "/feeds", "The feeds followed, with their health", True, EDITORS),
    Command(
        "audit", "/audit", "Who added, changed, deleted or subscribed, and when", True, EDITORS
    ),
    Command("stats", "/stats", "Articles, sources, subscriptions", True, EDITORS),
)


def closest_command(typed: str) -> str | None:
    """The command a mistyped one most likely meant ("/subscibe@bot 8am": "/subscribe"), if
    one is close enough; None for anything else."""
    word = typed.split(maxsplit=1)[0] if typed.strip() else ""
    word = word.removeprefix("/").split("@", 1)[0].lower()
    close = difflib.get_close_matches(word, [c.name for c in COMMANDS], n=1, cutoff=0.75)
    return f"/{close[0]}" if close else None


# The filters a question may hold (bot/questions/filters.py), as /help shows them.
FILTERS_HELP = N_(
    "Filters in a question: <code>source:reuters</code>, <code>lang:ar</code>, "
    "<code>after:2017-06-01</code>, <code>before:2017-08</code> (before August), "
    '<code>"exact phrase"</code>, <code>-word</code> (leave out articles with it).'
)
FILTERS_ALONE_HELP = N_("Filters alone list the newest articles they pass: <code>lang:ar</code>.")
NEWS_HELP = N_(
    "<code>what's new?</code> lists the newest articles; <code>latest news about Aleppo</code>, "
    "the newest on Aleppo."
)


def help_text(is_editor: bool, texts: Texts = ENGLISH) -> str:
    """The /help body: every command the user may use, one line each, then the filters."""
    lines = [
        texts("<b>Newsroom bot</b>: send a question, get the sentence that answers it."),
        texts("Anyone may use a command unless its line says who may."),
        "",
    ]
    for command in COMMANDS:
        if command.editors_only and not is_editor:
            continue
        usage = command.local_usage(texts).replace("<", "&lt;").replace(">", "&gt;")
        who = "" if command.who == ANYONE else f" ({texts(command.who)})"
        lines.append(f"{usage} — {texts(command.description)}{who}")
    lines += ["", texts(FILTERS_HELP) + " " + texts(FILTERS_ALONE_HELP) + " " + texts(NEWS_HELP)]
    if is_editor:
        lines += [
            "",
            texts(
                "Editors: send or forward an article in a private chat to keep it; "
                "a link, files (.txt, .md, .html, .jsonl) work too."
            ),
        ]
    return "\n".join(lines)
