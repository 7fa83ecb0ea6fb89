"""`newsbot feeds ...`: follow, list, remove and poll feeds, and exchange them as OPML."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.cli.arguments import counted, whole_number
from bot.cli.paths import output_problem
from bot.i18n import ENGLISH
from bot.render import said_error
from bot.services import Services, open_services
from bot.settings import Settings

# The feed and web modules (feedparser, aiohttp: a third of a second) are imported by the
# actions that use them, so that every other command starts without them.


def add_commands(sub: Any) -> None:
    """Add the `feeds` subcommand and its actions."""
    # "feed" too: the chat's command is /feed, and a newcomer types the CLI's so.
    feeds = sub.add_parser(
        "feeds", aliases=["feed"], help="follow feeds: add, list, remove, poll, OPML"
    )
    actions = feeds.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="follow a feed (RSS, Atom, JSON Feed)")
    add.add_argument("url", help="the address of the RSS or Atom feed")
    # (A default, or argparse lists it among "the following arguments are required".)
    add.add_argument(
        "topics", nargs="*", default=[], help="store only items with one of these words"
    )
    add.set_defaults(handler=_add)
    actions.add_parser("list", help="the feeds, with their health").set_defaults(handler=_list)
    remove = actions.add_parser("remove", help="stop following feed n (its articles stay)")
    remove.add_argument(
        "number", type=whole_number, help="the feed's number, as `feeds list` shows it"
    )
    remove.set_defaults(handler=_remove)
    actions.add_parser("poll", help="poll the due feeds now").set_defaults(handler=_poll)
    imp = actions.add_parser("import-opml", help="follow every feed in an OPML file")
    imp.add_argument("path", type=Path, help="the OPML file to read the feeds from")
    imp.set_defaults(handler=_import_opml)
    exp = actions.add_parser("export-opml", help="write the feeds as an OPML file")
    exp.add_argument("path", type=Path, help="the OPML file to write")
    exp.set_defaults(handler=_export_opml)


def _with_services(
    settings: Settings,
    work: Callable[[Services], Awaitable[int]],
    *,
    reading: bool = False,
    existing: bool = False,
) -> int:
    """`work` on the archive; `reading` or `existing` (see open_services): without an archive
    it is said, and nothing made (`feeds list` made an empty archive to say "No feeds.")."""

    async def run() -> int:
        services = await open_services(settings, reading=reading, existing=existing)
        try:
            return await work(services)
        finally:
            await services.close()

    return asyncio.run(run())


def _add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.feeds.parse import FeedError
    from bot.web.fetch import FetchError
    from bot.web.urls import leading_address

    # An address typed with a space (http://a b/) is refused as one, not followed up to it.
    url, topics = leading_address(" ".join([args.url, *args.topics]))

    async def work(services: Services) -> int:
        try:
            followed = await services.feeds.follow(url, topics)
        except (FetchError, FeedError) as exc:
            print(f"newsbot feeds add: {url}: {exc}", file=sys.stderr)
            return 1
        feed = followed.feed
        verb = "Following" if followed.created else "Already following"
        found = f", the feed that page names: {feed.url}" if followed.discovered else ""
        items = counted(followed.items, "item")
        print(f"{verb} feed #{feed.id}: {feed.title or feed.url} ({items} now{found}).")
        return 0

    return _with_services(settings, work)


def _list(settings: Settings, args: argparse.Namespace) -> int:
    async def work(services: Services) -> int:
        feeds = await services.feeds.store.all()
        if not feeds:
            print("No feeds.")
        for feed in feeds:
            success = (
                feed.last_success_at.isoformat(timespec="minutes")
                if feed.last_success_at
                else "never"
            )
            print(
                f"#{feed.id}\t{feed.url}\t{feed.title or '-'}\ttopics: {feed.topics or '-'}\t"
                f"{counted(feed.item_count, 'article')}\t"
                f"last success: {success}\t"
                f"last error: {said_error(feed.last_error, ENGLISH) if feed.last_error else '-'}"
            )
        return 0

    return _with_services(settings, work, reading=True)


def _remove(settings: Settings, args: argparse.Namespace) -> int:
    async def work(services: Services) -> int:
        removed = await services.feeds.store.remove(args.number)
        if removed is None:
            print(f"newsbot feeds remove: there is no feed #{args.number}", file=sys.stderr)
            return 1
        print(f"Stopped following feed #{removed.id}: {removed.title or removed.url}.")
        return 0

    return _with_services(settings, work, existing=True)


def _poll(settings: Settings, args: argparse.Namespace) -> int:
    async def work(services: Services) -> int:
        # A stable DIGEST_WORKER_ID resumes at once the feeds a killed run left leased.
        await services.feeds.start()
        report = await services.feeds.poll_due()
        if not report.feeds:
            # "Polled 0 feed(s)" read as if polling had failed.
            feeds = await services.feeds.store.all()
            if not feeds:
                print("No feeds are followed: newsbot feeds add URL follows one.")
            else:
                due = min(f.next_poll_at for f in feeds)
                print(f"No feed is due; the next is polled at {due:%Y-%m-%d %H:%M} UTC.")
            return 0
        # (It was "Polled 1 feed(s): 1 new articles".)
        unread = (
            f"; {counted(report.items_failed, 'new item')} whose page could not be read, "
            "tried again at the next poll"
            if report.items_failed
            else ""
        )
        print(
            f"Polled {counted(report.feeds, 'feed')}: "
            f"{counted(report.stored, 'new article')}, "
            f"{report.unchanged} unchanged, {report.failed} failed{unread}."
        )
        for error in report.errors[:20]:
            print(f"  {error}", file=sys.stderr)
        return 1 if report.failed and report.failed == report.feeds else 0

    return _with_services(settings, work, existing=True)


def _import_opml(settings: Settings, args: argparse.Namespace) -> int:
    from bot.feeds.opml import OpmlError, read_opml
    from bot.feeds.parse import FeedError
    from bot.web.fetch import FetchError

    try:
        listed = read_opml(args.path.read_bytes())
    except OSError as exc:
        print(f"newsbot feeds import-opml: {args.path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except OpmlError as exc:
        print(f"newsbot feeds import-opml: {args.path}: {exc}", file=sys.stderr)
        return 1
    if not listed:
        print(
            f"newsbot feeds import-opml: {args.path}: no feeds in it (no outline has an xmlUrl)",
            file=sys.stderr,
        )
        return 1

    async def work(services: Services) -> int:
        added = known = 0
        problems = []
        for entry in listed:
            try:
                followed = await services.feeds.follow(entry.url)
            except (FetchError, FeedError) as exc:
                problems.append(f"{entry.url}: {exc}")
                continue
            added, known = (added + 1, known) if followed.created else (added, known + 1)
        print(
            f"Following {counted(added, 'new feed')}; {known} followed already; "
            f"{len(problems)} failed."
        )
        for problem in problems[:20]:
            print(f"  {problem}", file=sys.stderr)
        return 1 if problems and not added else 0

    return _with_services(settings, work)


def _export_opml(settings: Settings, args: argparse.Namespace) -> int:
    from bot.feeds.opml import OpmlFeed, write_opml

    # Said as `newsbot export` says it, before the archive is opened: a missing folder was
    # "newsbot feeds: No such file or directory: /nope/feeds.opml".
    if problem := output_problem(args.path, "feeds.opml"):
        print(f"newsbot feeds export-opml: {problem}", file=sys.stderr)
        return 1

    async def work(services: Services) -> int:
        feeds = await services.feeds.store.all()
        args.path.write_text(
            write_opml([OpmlFeed(f.url, f.title) for f in feeds]), encoding="utf-8"
        )
        print(f"Wrote {counted(len(feeds), 'feed')} to {args.path}.")
        return 0

    return _with_services(settings, work, reading=True)
