"""The one table of chat commands: it drives set_my_commands, /help and the README check."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    usage: str
    description: str
    editors_only: bool = False


COMMANDS: tuple[Command, ...] = (
    Command("start", "/start", "What this bot does"),
    Command("help", "/help", "All commands"),
    Command("ask", "/ask <question>", "Ask the archive a question"),
    Command("read", "/read <n>", "Read article n in full (also /read_n)"),
    Command("digest", "/digest [topic words]", "A digest of what is new, now"),
    Command(
        "subscribe", "/subscribe [HH:MM] [topic words]", "A daily digest at that time (chat admins)"
    ),
    Command("subscriptions", "/subscriptions", "This chat's digests, numbered"),
    Command("unsubscribe", "/unsubscribe <n|all>", "Stop digest n, or all of them"),
    Command("timezone", "/timezone <Area/City>", "The time zone for this chat's digests"),
    Command("trend", "/trend <words>", "A chart of the stories on these words, week by week"),
    Command("add", "/add <text>", "Add an article (or reply /add to a message)", True),
    Command("edit", "/edit <n> <text>", "Replace article n's text (or reply /edit n)", True),
    Command("delete", "/delete <n>", "Delete article n (asks first)", True),
    Command("restore", "/restore <n>", "Bring back article n, deleted in the last 30 days", True),
    Command("split", "/split <n>", "Take article n out of its story (a wrong match)", True),
    Command("join", "/join <n> <m>", "Make the stories of articles n and m one", True),
    Command("audit", "/audit", "Who added, changed, deleted or subscribed, and when", True),
    Command("stats", "/stats", "Articles, sources, subscriptions", True),
)


def help_text(is_editor: bool) -> str:
    """The /help body: every command the user may use, one line each."""
    lines = ["<b>Newsroom bot</b>: send a question, get the sentence that answers it.", ""]
    for command in COMMANDS:
        if command.editors_only and not is_editor:
            continue
        lines.append(
            f"{command.usage.replace('<', '&lt;').replace('>', '&gt;')} — {command.description}"
        )
    if is_editor:
        lines += [
            "",
            "Editors: send or forward an article in a private chat to keep it; "
            "files (.txt, .md, .html, .jsonl) work too.",
        ]
    return "\n".join(lines)
