"""The audit log as /audit shows it: each entry's action and detail in the reader's language.

Entries store an action name and a detail written by storage/ in English ("left story 3",
"2 removed (all)"); the shapes those details take are known, so they are read back here and
said again in the reader's language. A detail of another shape (a title, a time and topics,
a language code, or a row written by an older version) is shown as stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from bot.i18n import N_, Texts
from bot.render import escape
from storage.articles import ArticleStore
from storage.audit import AuditRecord

DETAIL_CHARS = 80
# How much of a headline a /join or /split line shows.
TITLE_CHARS = 40

# The action names as editors read them (storage keeps the English key).
ACTIONS = {
    "add": N_("add"),
    "edit": N_("edit"),
    "delete": N_("delete"),
    "restore": N_("restore"),
    "purge": N_("purge"),
    "import": N_("import"),
    "lang": N_("lang"),
    "split": N_("split"),
    "join": N_("join"),
    "subscribe": N_("subscribe"),
    "unsubscribe": N_("unsubscribe"),
    "resume": N_("resume"),
}


def _left_story(match: re.Match[str], texts: Texts) -> str:
    return texts("left story {story}", story=match["story"])


def _joined(match: re.Match[str], texts: Texts) -> str:
    return texts(
        "stories {first} and {second} are story {story}",
        first=match["first"],
        second=match["second"],
        story=match["story"],
    )


def _removed(match: re.Match[str], texts: Texts) -> str:
    removed = texts.plural("{n} removed", "{n} removed", int(match["n"]))
    return f"{removed} ({match['what']})" if match["what"] is not None else removed


# The origin `newsbot import` writes: "the command line (fakes.jsonl, raqqa.txt)".
_COMMAND_LINE = re.compile(r"the command line \((?P<names>.*)\)", re.S)


def _imported(match: re.Match[str], texts: Texts) -> str:
    n = int(match["n"])
    if match["origin"] is None:
        return texts.plural("{n} added", "{n} added", n)
    origin = match["origin"]
    if command_line := _COMMAND_LINE.fullmatch(origin):
        # (a file's name stays as it is, the words around it do not)
        origin = texts("the command line ({names})", names=command_line["names"])
    return texts.plural("{n} added from {origin}", "{n} added from {origin}", n, origin=origin)


def _purged(match: re.Match[str], texts: Texts) -> str:
    ago = texts.plural("over {n} day ago", "over {n} days ago", int(match["days"]))
    return texts.plural(
        "{n} article deleted {ago}", "{n} articles deleted {ago}", int(match["n"]), ago=ago
    )


# What storage/ writes for each action whose detail is words rather than data.
_DETAILS: dict[str, tuple[re.Pattern[str], Callable[[re.Match[str], Texts], str]]] = {
    "split": (re.compile(r"left story (?P<story>\d+)"), _left_story),
    "join": (
        re.compile(r"stories (?P<first>\d+) and (?P<second>\d+) are story (?P<story>\d+)"),
        _joined,
    ),
    "unsubscribe": (re.compile(r"(?P<n>\d+) removed(?: \((?P<what>.*)\))?"), _removed),
    "import": (re.compile(r"(?P<n>\d+) added(?: from (?P<origin>.*))?", re.S), _imported),
    "purge": (
        re.compile(r"(?P<n>\d+) articles? deleted over (?P<days>\d+) days? ago"),
        _purged,
    ),
}


def action_name(action: str, texts: Texts) -> str:
    """An action's name in the reader's language (an unknown one as stored)."""
    name = ACTIONS.get(action)
    return texts(name) if name is not None else action


def detail(entry: AuditRecord, texts: Texts) -> str:
    """An entry's detail in the reader's language where storage wrote it in words (plain)."""
    known = _DETAILS.get(entry.action)
    if known is not None and (match := known[0].fullmatch(entry.detail)):
        return known[1](match, texts)
    return entry.detail


_SPLIT = re.compile(r"left story (?P<story>\d+)")
_JOIN = re.compile(r"stories (?P<first>\d+) and (?P<second>\d+) are story \d+")


def story_articles(entry: AuditRecord) -> tuple[int, int] | None:
    """The two articles a /join or /split entry is about (for /split: the article, then the
    one its story is named by now); None for another entry."""
    if entry.action == "join" and (joined := _JOIN.fullmatch(entry.detail or "")):
        return int(joined["first"]), int(joined["second"])
    split = _SPLIT.fullmatch(entry.detail or "") if entry.action == "split" else None
    if split is not None and entry.article_id is not None:
        return entry.article_id, int(split["story"])
    return None


def _named(article_id: int, titles: Mapping[int, str], texts: Texts) -> str:
    """`/read_68 “US-led coalition raids kill…”` (HTML): what a reader can tap and recognise;
    the number alone where the article is gone."""
    title = titles.get(article_id)
    if not title:
        return f"/read_{article_id}"
    shown = title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1].rstrip() + "…"
    return f"/read_{article_id} " + texts("“{words}”", words=escape(shown))


def _story_change(entry: AuditRecord, texts: Texts, titles: Mapping[int, str]) -> str | None:
    """A /join or /split entry as the articles it is about (HTML); None for another entry."""
    pair = story_articles(entry)
    if pair is None:
        return None
    first, second = (_named(n, titles, texts) for n in pair)
    if entry.action == "join":
        return texts("{first} and {second} are one story", first=first, second=second)
    if pair[0] == pair[1]:  # written so before the story was named by its next article
        return texts("{article} left its story", article=first)
    return texts("{article} left the story of {other}", article=first, other=second)


def audit_line(entry: AuditRecord, texts: Texts, titles: Mapping[int, str] | None = None) -> str:
    """One entry as an HTML line: when, who, what was done to which article, and the detail.

    `titles`: the headlines of the articles `story_articles` names, so a /join or /split
    reads as the articles it joined or split ("stories 789 and 68 are story 68" named
    stories a reader could not look up)."""
    who = (
        texts("user {id}", id=entry.actor_id)
        if entry.actor_id is not None
        else texts("chat {id}", id=entry.chat_id)
        if entry.chat_id is not None
        else texts("system")
    )
    when, action = f"{entry.at:%Y-%m-%d %H:%M}", action_name(entry.action, texts)
    if (change := _story_change(entry, texts, titles or {})) is not None:
        return f"{when} {who} {texts('{action}: {detail}', action=action, detail=change)}"
    what = " " + texts("#{n}", n=entry.article_id) if entry.article_id is not None else ""
    done = f"{action}{what}"
    if said := detail(entry, texts) if entry.detail else "":
        # (French puts a space before the colon: "abonnement : 08:00")
        done = texts("{action}: {detail}", action=done, detail=escape(said[:DETAIL_CHARS]))
    return f"{when} {who} {done}"


async def headlines(entries: list[AuditRecord], articles: ArticleStore) -> dict[int, str]:
    """The headlines of the articles the /join and /split entries among `entries` name."""
    named = sorted({n for entry in entries for n in story_articles(entry) or ()})
    found = await articles.get_many(named) if named else {}
    return {n: article.title for n, article in found.items()}
