"""The `newsbot` command: run, chat, import, ask, digest, reindex."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import logging
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from telegram.error import InvalidToken

from bot.articles.archive import Actor, ImportRecord
from bot.articles.files import (
    JSONL_SUFFIXES,
    SUPPORTED,
    UnreadableFile,
    iter_jsonl_lines,
    read_records,
)
from bot.cli.backup import is_export_file, restore_export, write_export
from bot.logs import setup_logging
from bot.questions.service import Answers
from bot.services import Services, open_services
from bot.settings import Settings, SettingsError, load_settings
from storage.schema import SchemaError

SAMPLE_DIR = Path(__file__).parent.parent / "sample"
RESULTS = 10
TOKEN_REJECTED = (
    "Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?); "
    "copy the current one from @BotFather."
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsbot` console script."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if getattr(args, "database_url", None):
            settings = settings.model_copy(update={"database_url": args.database_url})
        secret = (
            settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
        )
        setup_logging(settings.log_level if args.command == "run" else "WARNING", (secret,))
        result: int = args.handler(settings, args)
        return result
    except (SettingsError, SchemaError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except InvalidToken:
        # PTB's message quotes the whole token; say what to do instead.
        print(TOKEN_REJECTED, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Through the logging filter rather than Python's own print: an error's text may
        # hold the token (a request URL), and the filter masks it.
        logging.getLogger("newsbot").exception("newsbot %s failed", args.command)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description=__doc__)
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the bot on Telegram (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="serve Telegram's webhook instead")
    run.set_defaults(handler=_run)

    chat = sub.add_parser("chat", help="the same bot in this terminal, no token needed")
    chat.add_argument("--sample", action="store_true", help="first load the bundled FA-KES sample")
    chat.set_defaults(handler=_chat)

    imp = sub.add_parser(
        "import", help="import .jsonl/.txt/.md/.html files or folders, or http(s) addresses"
    )
    imp.add_argument("paths", nargs="*", help="files, folders or http(s):// addresses")
    imp.add_argument("--urls", type=Path, help="a file of addresses to fetch, one a line")
    imp.add_argument("--sample", action="store_true", help="import the bundled FA-KES sample")
    imp.add_argument("--batch-size", type=int, default=2_000)
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(handler=_import)

    ask = sub.add_parser("ask", help="ask the archive from the command line")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--as-of", type=dt.date.fromisoformat, help="ignore articles dated after this")
    ask.add_argument("--json", action="store_true", help="print the JSON result object")
    ask.add_argument("--jsonl", action="store_true", help='read {"query", "as_of"} lines on stdin')
    ask.set_defaults(handler=_ask)

    digest = sub.add_parser("digest", help="show a chat's digest without sending it")
    digest.add_argument("--chat", type=int, required=True)
    digest.add_argument("--preview", action="store_true", required=True)
    digest.set_defaults(handler=_digest)

    reindex = sub.add_parser("reindex", help="rebuild the search index from the database")
    reindex.set_defaults(handler=_reindex)
    _add_scale_commands(sub)

    export = sub.add_parser("export", help="write everything (archive, subscriptions) as JSONL")
    export.add_argument("path", type=Path)
    export.set_defaults(handler=_export)
    return parser


def _add_scale_commands(sub: Any) -> None:
    from bot.cli import db, feeds

    db.add_commands(sub)
    feeds.add_commands(sub)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    from telegram import Update

    from bot.app import build_application

    settings.require_token()
    if args.webhook or settings.webhook_url:
        from bot.cli.webhook import run_webhook

        return run_webhook(settings)
    app = build_application(settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.chat import run_chat

    async def chat() -> None:
        if args.sample:
            await _import_async(settings, [SAMPLE_DIR], batch_size=2_000, quiet=False)
        await run_chat(settings)

    asyncio.run(chat())
    return 0


@dataclass(slots=True)
class _Sources:
    """Records from many files, with what could not be read."""

    problems: list[str] = field(default_factory=list)
    files: int = 0

    def records(self, paths: Sequence[Path]) -> Iterator[ImportRecord]:
        for path in _expand(paths, self.problems):
            self.files += 1
            if path.suffix.lower() in JSONL_SUFFIXES:
                bad: list[int] = []
                with path.open(encoding="utf-8", errors="replace") as handle:
                    yield from iter_jsonl_lines(handle, bad)
                if bad:
                    self.problems.append(f"{path}: {len(bad)} lines are not article objects")
                continue
            try:
                yield from read_records(path.name, path.read_bytes()).records
            except (UnreadableFile, OSError) as exc:
                self.problems.append(f"{path}: {exc}")


def _expand(paths: Sequence[Path], problems: list[str]) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED
            )
        elif path.is_file():
            yield path
        else:
            problems.append(f"{path}: no such file or folder")


def _import(settings: Settings, args: argparse.Namespace) -> int:
    urls = [a for a in args.paths if a.lower().startswith(("http://", "https://"))]
    paths = [Path(a) for a in args.paths if a not in urls] + ([SAMPLE_DIR] if args.sample else [])
    if args.urls is not None:
        try:
            lines = args.urls.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError as exc:
            print(f"newsbot import: {args.urls}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        urls += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if len(paths) == 1 and not urls and is_export_file(paths[0]):
        return asyncio.run(restore_export(settings, paths[0]))
    if not paths and not urls:
        print(
            "newsbot import: name files, folders or http(s) addresses to import, or --sample",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(
        _import_async(settings, paths, batch_size=args.batch_size, quiet=args.quiet, urls=urls)
    )


async def _import_async(
    settings: Settings,
    paths: Sequence[Path],
    *,
    batch_size: int,
    quiet: bool,
    urls: Sequence[str] = (),
) -> int:
    from tqdm import tqdm

    from bot.cli.web import fetch_records

    services = await open_services(settings)
    sources = _Sources()
    try:
        with tqdm(unit=" articles", disable=quiet, file=sys.stderr, desc="import") as bar:
            fetched = await fetch_records(services.web, urls, sources.problems)
            records = itertools.chain(fetched, sources.records(paths))
            report = await services.archive.import_records(
                records,
                batch_size=batch_size,
                progress=bar.update,
                actor=Actor(),
                origin=f"the command line ({', '.join([p.name for p in paths] + list(urls[:3]))})",
            )
    finally:
        await services.close()
    origin = " and ".join(
        ([f"{sources.files} file(s)"] if sources.files or not urls else [])
        + ([f"{len(urls)} address(es)"] if urls else [])
    )
    print(
        f"Imported {report.added} new articles from {origin}; "
        f"{report.duplicates} already there; {len(report.rejected)} rejected."
    )
    for problem in (sources.problems + report.rejected)[:20]:
        print(f"  {problem}", file=sys.stderr)
    return 1 if sources.problems and not report.added else 0


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    if not args.jsonl and not args.question:
        print(
            'newsbot ask: give a question, e.g. newsbot ask "civilians trapped in Raqqa?"',
            file=sys.stderr,
        )
        return 2
    return asyncio.run(_ask_async(settings, args))


async def _ask_async(settings: Settings, args: argparse.Namespace) -> int:
    services = await open_services(settings)
    try:
        if args.jsonl:
            await _ask_lines(services, sys.stdin, sys.stdout)
            return 0
        answers = await services.questions.ask(args.question, as_of=args.as_of, limit=RESULTS)
        if args.json:
            print(json.dumps(result_object(answers), ensure_ascii=False))
        else:
            print(_plain_answers(answers))
        return 0
    finally:
        await services.close()


async def _ask_lines(services: Services, inp: TextIO, out: TextIO) -> None:
    for number, line in enumerate(inp, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            query = str(request["query"])
            as_of = dt.date.fromisoformat(request["as_of"][:10]) if request.get("as_of") else None
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            out.write(json.dumps({"line": number, "error": f"bad request line: {exc}"}) + "\n")
            continue
        answers = await services.questions.ask(query, as_of=as_of, limit=RESULTS)
        out.write(json.dumps(result_object(answers), ensure_ascii=False) + "\n")
        out.flush()


def result_object(answers: Answers) -> dict[str, Any]:
    """The documented JSON shape of one answered question."""
    return {
        "query": answers.question,
        "results": [
            {
                "article_id": hit.article.id,
                "external_id": hit.article.external_id,
                "title": hit.article.title,
                "date": hit.article.published.isoformat(),
                "source": hit.article.source,
                "score": round(hit.score, 4),
                "answer": hit.answer.sentence,
            }
            for hit in answers.hits
        ],
    }


def _plain_answers(answers: Answers) -> str:
    if not answers.hits:
        hint = (
            f" Close words in the archive: {', '.join(answers.suggestions)}."
            if answers.suggestions
            else ""
        )
        return f"Nothing found.{hint}"
    lines = []
    for rank, hit in enumerate(answers.hits, start=1):
        article = hit.article
        lines.append(
            f"{rank}. #{article.id} {article.title} ({article.published}, {article.source or '-'})"
        )
        if hit.answer.sentence:
            lines.append(f"   “{hit.answer.sentence}”")
    return "\n".join(lines)


def _digest(settings: Settings, args: argparse.Namespace) -> int:
    async def preview() -> list[str]:
        services = await open_services(settings)
        try:
            return await services.digests.preview(args.chat)
        finally:
            await services.close()

    from bot.cli.chat import render_for_terminal

    parts = asyncio.run(preview())
    if not parts:
        print(f"Chat {args.chat} has no subscriptions.")
    for part in parts:
        print(render_for_terminal(part, sys.stdout.isatty()) + "\n")
    return 0


def _reindex(settings: Settings, args: argparse.Namespace) -> int:
    async def reindex() -> int:
        services = await open_services(settings)
        try:
            return await services.archive.rebuild_index()
        finally:
            await services.close()

    count = asyncio.run(reindex())
    print(f"Reindexed {count} article changes.")
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(write_export(settings, args.path))
