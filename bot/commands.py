"""The one table of chat commands: it drives set_my_commands, /help and the README check."""

from __future__ import annotations

from dataclasses import dataclass

# Who may use a command, as /help and the README say it.
ANYONE = "anyone"
EDITORS = "editors"
CHAT_ADMINS = "anyone in a private chat; in a group or channel, its admins"


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    usage: str
    description: str
    editors_only: bool = False
    who: str = ANYONE


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
        "unsubscribe", "/unsubscribe <n|all>", "Stop digest n, or all of them", who=CHAT_ADMINS
    ),
    Command(
        "timezone",
        "/timezone [city or Area/City]",
        "Show or set the time zone for this chat's digests",
        who=CHAT_ADMINS + " set it",
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
        "audit", "/audit", "Who added, changed, deleted or subscribed, and when", True, EDITORS
    ),
    Command("stats", "/stats", "Articles, sources, subscriptions", True, EDITORS),
)


def help_text(is_editor: bool) -> str:
    """The /help body: every command the user may use, one line each."""
    lines = [
        "<b>Newsroom bot</b>: send a question, get the sentence that answers it.",
        "Anyone may use a command unless its line says who may.",
        "",
    ]
    for command in COMMANDS:
        if command.editors_only and not is_editor:
            continue
        usage = command.usage.replace("<", "&lt;").replace(">", "&gt;")
        who = "" if command.who == ANYONE else f" ({command.who})"
        lines.append(f"{usage} — {command.description}{who}")
    if is_editor:
        lines += [
            "",
            "Editors: send or forward an article in a private chat to keep it; "
            "files (.txt, .md, .html, .jsonl) work too.",
        ]
    return "\n".join(lines)
