"""The `newsbot` command: run, chat, import, ask, trend, digest, reindex."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import functools
import gc
import itertools
import json
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from bot.articles.archive import Actor, ImportRecord
from bot.articles.building import JsonLine
from bot.articles.files import (
    JSONL_SUFFIXES,
    SUPPORTED,
    UnreadableFile,
    jsonl_lines,
    read_records,
    shown_name,
    undecoded_lines,
)
from bot.articles.workers import IMPORT_WORKERS
from bot.cli.arguments import counted, process_count, whole_number
from bot.cli.backup import is_export_file, restore_export, write_export
from bot.cli.lines import (
    RESULTS,
    Helper,
    answer_line,
    ask_lines,
    default_helpers,
    fork_helpers,
    result_object,
    start,
)
from bot.cli.paths import makes_nothing, output_problem, reads_nothing
from bot.i18n import ENGLISH as ENGLISH_TEXTS
from bot.logs import setup_logging
from bot.memory import keep_memory_flat
from bot.questions.courtesy import wordless
from bot.questions.filters import filter_words, first_filter
from bot.questions.replies import (
    CLOSEST,
    NO_ANSWER,
    NOTHING_THOSE_DAYS,
    PROBLEM_TEXTS,
    nothing_found,
)
from bot.questions.retrieval import warm_models
from bot.questions.service import Answers
from bot.render import echoed, quoted
from bot.services import open_services
from bot.settings import (
    Settings,
    SettingsError,
    load_settings,
    sqlite_path,
)
from bot.web.urls import ADDRESS_LIKE
from storage.schema import NoArchive, SchemaError

log = logging.getLogger(__name__)

SAMPLE_DIR = Path(__file__).parent.parent / "sample"
# The collector's thresholds during a bulk import (the default is 700, 10, 10).
FEW_COLLECTIONS = (1_000_000, 100, 100)
# The read buffer of an import's `.jsonl` files.
READ_BUFFER = 1 << 20
TOKEN_REJECTED = (
    "Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped?); "
    "copy the current one from @BotFather."
)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `newsbot` console script."""
    args = _parser().parse_args(argv)
    keep_memory_flat()
    database_url: str | None = None  # named in a database error; migrate-data names its own
    try:
        settings = load_settings()
        if getattr(args, "database_url", None):
            settings = settings.model_copy(update={"database_url": args.database_url})
        if args.command != "migrate-data":
            database_url = settings.database_url
            # (A command that only reads says so its own way, before its other checks.)
            if not getattr(args, "reads", False) and makes_nothing(settings, _named(args)):
                return 1
        secret = (
            settings.telegram_bot_token.get_secret_value() if settings.telegram_bot_token else ""
        )
        setup_logging(settings.log_level if args.command == "run" else "WARNING", (secret,))
        result: int = args.handler(settings, args)
        return result
    except NoArchive:
        print(f"newsbot {_named(args)}: {no_archive_line(database_url)}", file=sys.stderr)
        return 1
    except (SettingsError, SchemaError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`newsbot ask … | head -1`): stop quietly, and keep Python's
        # own flush at exit from failing on the closed pipe too.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141
    except (ArgumentError, NoSuchModuleError) as exc:
        print(f"DATABASE_URL is not a database URL I can use: {_first_line(exc)}", file=sys.stderr)
        return 2
    except (OSError, DBAPIError) as exc:
        print(f"newsbot {args.command}: {_describe(exc, shown_url(database_url))}", file=sys.stderr)
        return 1
    except Exception:
        # Through the logging filter rather than Python's own print: an error's text may
        # hold the token (a request URL), and the filter masks it.
        logging.getLogger("newsbot").exception("newsbot %s failed", args.command)
        return 1


def _named(args: argparse.Namespace) -> str:
    """The command as typed: `db upgrade`, `feeds add`, `run`."""
    action = getattr(args, "action", None)
    return f"{args.command} {action}" if isinstance(action, str) else str(args.command)


def no_archive_line(url: str | None) -> str:
    """What to do about a database a reading command found no archive in."""
    where = sqlite_path(url) if url and sqlite_path(url) else shown_url(url)
    return (
        f"there is no archive in {where} yet: `newsbot import FILE...` (or --sample) "
        "starts one, as do `newsbot run` and `newsbot db upgrade`"
    )


def shown_url(raw: str | None) -> str | None:
    """The database URL in use, password hidden, for error messages.

    From the settings, not the environment alone: a URL set in `.env` was not named.
    """
    if not raw:
        return None
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except ArgumentError:
        return None


def _describe(exc: BaseException, url: str | None) -> str:
    """One line for a file or database that cannot be used (never a traceback)."""
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or exc}: {exc.filename}"
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    where = f" ({url})" if url else ""
    return f"cannot use the database{where}: {_first_line(cause)}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def as_of_date(value: str) -> dt.date:
    """--as-of: YYYY-MM-DD, `today` or `yesterday`."""
    word = value.strip().lower()
    today = dt.datetime.now(dt.UTC).date()
    if word in {"today", "yesterday"}:
        return today - dt.timedelta(days=1 if word == "yesterday" else 0)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date: use YYYY-MM-DD, today or yesterday"
        ) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        # (Not the module's docstring: --help printed its `code` marks.)
        description="newsroom bot: keeps a newsroom's archive, answers questions from it and "
        "sends daily digests. Try it without a Telegram token: newsbot chat --sample",
    )
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help="overrides DATABASE_URL, e.g. sqlite+aiosqlite:///./data/newsbot.sqlite3",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the bot on Telegram (long polling, or --webhook)")
    run.add_argument("--webhook", action="store_true", help="serve Telegram's webhook instead")
    run.set_defaults(handler=_run)

    chat = sub.add_parser("chat", help="the same bot in this terminal, no token needed")
    chat.add_argument("--sample", action="store_true", help="first load the bundled FA-KES sample")
    chat.add_argument(
        "--as",
        dest="role",
        choices=("editor", "reader"),
        default="editor",
        help="chat as an editor (default: may add articles) or as a reader (sees what they see)",
    )
    chat.set_defaults(handler=_chat)

    imp = sub.add_parser(
        "import", help="import .jsonl/.txt/.md/.html files or folders, or http(s) addresses"
    )
    imp.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help="files (.jsonl, .txt, .md, .html), folders or http(s):// addresses to import; "
        "or one `newsbot export` file",
    )
    imp.add_argument("--urls", type=Path, help="a file of addresses to fetch, one a line")
    imp.add_argument("--sample", action="store_true", help="import the bundled FA-KES sample")
    imp.add_argument(
        "--batch-size", type=int, default=2_000, help="articles stored per transaction (2000)"
    )
    imp.add_argument(
        "--workers",
        type=process_count,
        default=IMPORT_WORKERS,
        help="processes that parse articles beside the one that stores them; 0: none "
        f"(default {IMPORT_WORKERS}, from the machine's cores)",
    )
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(handler=_import)

    ask = sub.add_parser("ask", help="ask the archive from the command line")
    ask.add_argument("question", nargs="?", help="the question, in quotes")
    ask.add_argument(
        "--as-of",
        type=as_of_date,
        metavar="DATE",
        help="ignore articles dated after DATE (YYYY-MM-DD, today or yesterday)",
    )
    ask.add_argument("--json", action="store_true", help="print the JSON result object")
    ask.add_argument("--jsonl", action="store_true", help='read {"query", "as_of"} lines on stdin')
    ask.add_argument(
        "--workers",
        type=process_count,
        default=default_helpers(),
        help="processes answering --jsonl lines beside this one; 0: none "
        f"(default {default_helpers()}, from the machine's cores)",
    )
    # The same filters a question may hold (source:, lang:, after:, before:, "...", -word).
    ask.add_argument("--source", help="only articles from this source (source:reuters)")
    ask.add_argument("--lang", help="only articles in this language (lang:ar)")
    ask.add_argument("--after", help="published on or after: 2017-06-01, 2017-06 or 2017")
    ask.add_argument("--before", help="published before: 2017-08 leaves out August on")
    ask.add_argument("--phrase", action="append", default=[], help="an exact phrase (repeatable)")
    ask.add_argument(
        "--exclude", action="append", default=[], help="leave out articles with it (repeatable)"
    )
    ask.set_defaults(handler=_ask, reads=True)

    trend = sub.add_parser("trend", help="a chart of the stories matching words, week by week")
    trend.add_argument("words", help="the words to chart, in quotes")
    trend.add_argument("--out", type=Path, required=True, help="the PNG file to write")
    trend.set_defaults(handler=_trend, reads=True)

    digest = sub.add_parser("digest", help="show a chat's digest without sending it")
    digest.add_argument(
        "--chat",
        type=whole_number,
        required=True,
        metavar="CHAT",
        help="the Telegram chat id (a user's id for a private chat; -100… for a group/channel)",
    )
    digest.add_argument(
        "--preview", action="store_true", required=True, help="print, do not send (required)"
    )
    digest.set_defaults(handler=_digest, reads=True)

    reindex = sub.add_parser(
        "reindex", help="rebuild the search index and the stories from the database"
    )
    reindex.set_defaults(handler=_reindex)
    _add_scale_commands(sub)

    export = sub.add_parser("export", help="write everything (archive, subscriptions) as JSONL")
    export.add_argument(
        "path", type=Path, help="the .jsonl file to write (its folder must exist), or - for stdout"
    )
    export.set_defaults(handler=_export, reads=True)
    _describe_subcommands(parser)
    return parser


def _describe_subcommands(parser: argparse.ArgumentParser) -> None:
    """Each subcommand's --help opens with the line `newsbot --help` lists it with (`newsbot
    reindex --help` showed its usage line alone)."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for listed in action._choices_actions:
                command = action.choices[listed.dest]
                if command.description is None:
                    command.description = listed.help
                _describe_subcommands(command)


def _add_scale_commands(sub: Any) -> None:
    from bot.cli import db, feeds

    db.add_commands(sub)
    feeds.add_commands(sub)


def _run(settings: Settings, args: argparse.Namespace) -> int:
    # telegram is imported here, not at the top: the other commands start faster without it.
    from telegram.error import InvalidToken

    try:
        return _run_bot(settings, args)
    except InvalidToken:
        # PTB's message quotes the whole token; say what to do instead.
        raise SettingsError(TOKEN_REJECTED) from None


def _run_bot(settings: Settings, args: argparse.Namespace) -> int:
    from telegram import Update

    from bot.app import build_application

    settings.require_token()
    if args.webhook or settings.webhook_url:
        from bot.cli.webhook import run_webhook

        return run_webhook(settings)
    from bot.cli.stopping import catch_stop_signals, release_stop_signals, unless_stopped
    from bot.telegram.outage import reach_telegram

    app = build_application(settings)
    # Reach Telegram (retrying while it is out of reach) on the loop run_polling then uses,
    # so the HTTP client opened here is the one it keeps.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    # SIGINT or SIGTERM while Telegram is out of reach ends the wait here (SIGTERM killed the
    # process); run_polling's own handlers replace these as it starts, with no gap between.
    stopping = asyncio.Event()
    catch_stop_signals(loop, stopping.set)
    reached = False
    try:
        reached = loop.run_until_complete(unless_stopped(reach_telegram(app.bot), stopping))
        reached = reached and not stopping.is_set()
    finally:
        if not reached:  # stopped, or an error on its way out
            release_stop_signals(loop)
            loop.run_until_complete(app.bot.shutdown())
            loop.close()
    if not reached:
        log.info("stopped while starting")
        return 0
    # Should Telegram go away again before polling starts, PTB retries too (-1: forever), and
    # a stop signal from here on is PTB's: it stops polling, then the Application, cleanly.
    # Polling errors reach handlers/errors.py: an outage is one log line there.
    app.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=-1)
    log.info("newsroom bot stopped")
    return 0


def _chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli.chat import run_chat

    async def chat() -> None:
        if args.sample:
            await _import_async(
                settings, sample_files(), batch_size=2_000, quiet=False, sample=True
            )
        await run_chat(settings, as_reader=args.role == "reader")

    asyncio.run(chat())
    return 0


@dataclass(slots=True)
class _Sources:
    """Records from many files, with what could not be read."""

    max_file_bytes: int
    problems: list[str] = field(default_factory=list)
    files: int = 0
    refused_files: int = 0
    bad_lines: int = 0
    skipped: list[str] = field(default_factory=list)  # other files in a folder (README...)

    def records(self, paths: Sequence[Path]) -> Iterator[ImportRecord | JsonLine]:
        for path in _expand(paths, self):
            self.files += 1
            name = shown_name(path)
            if path.suffix.lower() in JSONL_SUFFIXES:
                # Decoded by the import's workers, which say which lines are no articles.
                try:
                    # A line is ~7 KB: through the default 8 KiB buffer, each took a few
                    # reads and copies (4 us a line of the importer's time, 1.5 with this).
                    with path.open("rb", buffering=READ_BUFFER) as handle:
                        lines = jsonl_lines(handle, self.max_file_bytes)
                        yield from undecoded_lines(lines, label=name)
                except OSError as exc:
                    self._refuse(f"{name}: {exc.strerror or exc}")
                continue
            try:
                size = path.stat().st_size
                if size > self.max_file_bytes:
                    self._refuse(
                        f"{name}: {size / 2**20:,.1f} MiB; the limit for one article file is "
                        f"{self.max_file_bytes / 2**20:,.1f} MiB (MAX_FILE_BYTES)"
                    )
                    continue
                records = read_records(path.name, path.read_bytes()).records
            except (UnreadableFile, OSError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                self._refuse(f"{name}: {reason}")
                continue
            yield from (replace(r, where=name) for r in records)

    def unreadable(self, lines: Sequence[tuple[str | None, int]]) -> None:
        """Note the `.jsonl` lines that were no article objects, by file."""
        by_file: dict[str | None, list[int]] = {}
        for where, number in lines:
            by_file.setdefault(where, []).append(number)
        for name, bad in by_file.items():
            self.bad_lines += len(bad)
            first = ", ".join(str(n) for n in bad[:10])
            more = f" and {len(bad) - 10:,} more" if len(bad) > 10 else ""
            are = "is not an article object" if len(bad) == 1 else "are not article objects"
            self.problems.append(f"{name}: {counted(len(bad), 'line')} {are} (line {first}{more})")

    def _refuse(self, problem: str) -> None:
        self.refused_files += 1
        self.problems.append(problem)


def sample_files() -> list[Path]:
    """The bundled sample's articles (its CREDITS file is no article to report as skipped)."""
    return sorted(p for p in SAMPLE_DIR.iterdir() if p.suffix.lower() in SUPPORTED)


def _expand(paths: Sequence[Path], sources: _Sources) -> Iterator[Path]:
    for path in paths:
        if path.is_dir():
            read = 0
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                if found.suffix.lower() in SUPPORTED:
                    read += 1
                    yield found
                elif not found.name.startswith("."):
                    sources.skipped.append(shown_name(found.name))
            if not read:
                # (It was "Imported from 0 file(s): 0 stored": the wrong folder, said nowhere.)
                sources._refuse(f"{shown_name(path)}: no .jsonl, .txt, .md or .html file in it")
        elif path.is_file():
            yield path
        elif path.exists():  # /dev/null, a pipe, a socket: nothing an article is kept in
            sources._refuse(f"{shown_name(path)}: not a file or folder")
        else:
            sources._refuse(f"{shown_name(path)}: no such file or folder")


def _import(settings: Settings, args: argparse.Namespace) -> int:
    if any(not a.strip() for a in args.paths):
        # Path("") is the current folder: `newsbot import "$FILE"` with FILE unset imported
        # every article file of the folder it ran in.
        print("newsbot import: an empty name is no file or folder", file=sys.stderr)
        return 2
    # Any scheme's address goes to the fetcher, which says that only http(s) ones are fetched
    # (as a path, `ftp://x` was "ftp:/x: no such file or folder").
    urls = [a for a in args.paths if ADDRESS_LIKE.match(a) and not Path(a).exists()]
    paths = [Path(a) for a in args.paths if a not in urls] + (sample_files() if args.sample else [])
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
    if not urls and not any(os.path.lexists(p) for p in paths):
        # Said before anything opens: a mistyped name made ./data and an empty archive, then
        # "Imported from 0 files: ... 1 refused (0 records, 0 unreadable lines, 1 file)".
        for path in paths:
            print(f"newsbot import: there is no file or folder {path}", file=sys.stderr)
        print("Nothing imported.", file=sys.stderr)
        return 1
    return asyncio.run(
        _import_async(
            settings,
            paths,
            batch_size=args.batch_size,
            quiet=args.quiet,
            urls=urls,
            workers=args.workers,
        )
    )


@contextlib.contextmanager
def _few_collections() -> Iterator[None]:
    """Run the cyclic garbage collector rarely, and never over the start-up heap.

    A bulk import allocates millions of short-lived objects (rows, parameters, parsed
    articles), nearly all freed by reference counting at once; the collector's passes, over
    the language model's and the libraries' objects too, cost about a third of the
    importer's CPU (py-spy, docs/BENCHMARKS.md).
    """
    gc.freeze()
    before = gc.get_threshold()
    gc.set_threshold(*FEW_COLLECTIONS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()


async def _import_async(
    settings: Settings,
    paths: Sequence[Path],
    *,
    batch_size: int,
    quiet: bool,
    urls: Sequence[str] = (),
    workers: int = 0,
    sample: bool = False,
) -> int:
    """Import files and addresses and print what was done; `sample`: they are the bundled
    sample, which a second `chat --sample` finds stored already (said so, not as duplicates)."""
    from tqdm import tqdm

    from bot.cli.web import fetch_records

    services = await open_services(settings)
    sources = _Sources(settings.max_file_bytes)
    try:
        # disable=None: no bar where stderr is no terminal (a log or a pipe got every redraw
        # glued on one line); the summary line says what was done.
        with (
            tqdm(unit=" articles", disable=quiet or None, file=sys.stderr, desc="import") as bar,
            _few_collections(),
        ):
            fetched = await fetch_records(services.web, urls, sources.problems)
            unfetched = len(urls) - len(fetched)  # each said in `problems`, with its reason
            records = itertools.chain(fetched, sources.records(paths))
            report = await services.archive.import_records(
                records,
                batch_size=batch_size,
                workers=workers,
                progress=bar.update,
                actor=Actor(),
                origin="the command line ({})".format(
                    ", ".join([shown_name(p.name) for p in paths] + list(urls[:3]))
                ),
            )
    finally:
        await services.close()
    sources.unreadable(report.unreadable)
    origin = " and ".join(
        ([counted(sources.files, "file")] if sources.files or not urls else [])
        + ([counted(len(urls), "address", "addresses")] if urls else [])
    )
    refused = len(report.rejected) + sources.bad_lines + sources.refused_files + unfetched
    if sample and not report.added and report.duplicates and not refused:
        print("The sample is in the archive already: nothing new to store.")
        return 0
    # What was refused, the kinds there were only ("1 refused (1 file)", not "(0 records,
    # 0 unreadable lines, 1 file)").
    kinds = [
        counted(count, *names)
        for count, names in (
            (len(report.rejected), ("record",)),
            (sources.bad_lines, ("unreadable line",)),
            (sources.refused_files, ("file",)),
            (unfetched, ("address", "addresses")),
        )
        if count
    ]
    print(
        f"Imported from {origin}: {report.added} stored, "
        f"{counted(report.duplicates, 'duplicate')}, {refused} refused"
        + (f" ({', '.join(kinds)})." if kinds else ".")
    )
    if sources.skipped:
        shown = ", ".join(sources.skipped[:5]) + (", …" if len(sources.skipped) > 5 else "")
        are = "is not an article" if len(sources.skipped) == 1 else "are not articles"
        print(f"Skipped {counted(len(sources.skipped), 'file')} that {are}: {shown}")
    problems = [*sources.problems, *map(str, report.rejected)]
    for problem in problems[:20]:
        print(f"  {problem}", file=sys.stderr)
    if len(problems) > 20:
        print(f"  … and {len(problems) - 20:,} more", file=sys.stderr)
    if report.index_error:
        print(
            f"The articles are stored, but {report.index_error}: search finds them once "
            "there is room; the next newsbot command (or `newsbot run`) indexes them.",
            file=sys.stderr,
        )
        return 1
    return 1 if sources.problems and not report.added else 0


def _ask(settings: Settings, args: argparse.Namespace) -> int:
    # A question of no word ("?") listed the newest articles; filters alone list those they
    # pass, as in the chat (`newsbot ask --source reuters`).
    filtered = args.source or args.lang or args.after or args.before or args.phrase
    if not args.jsonl and wordless(args.question or "") and not filtered:
        print(
            'newsbot ask: give a question, e.g. newsbot ask "civilians trapped in Raqqa?"',
            file=sys.stderr,
        )
        return 2
    if reads_nothing(settings, "ask"):
        return 1
    # Forked before anything opens: the archive is opened (and brought up to date) here first.
    # The models are loaded before, for the helpers to share (and not load them again).
    in_memory = sqlite_path(settings.database_url) == ":memory:"
    count = 0 if in_memory or not args.jsonl else args.workers
    if count:
        warm_models()
    helpers = fork_helpers(count, settings.database_url)
    try:
        return asyncio.run(_ask_async(settings, args, helpers))
    finally:
        for helper in helpers:
            helper.stop()


async def _ask_async(settings: Settings, args: argparse.Namespace, helpers: list[Helper]) -> int:
    services = await open_services(settings, reading=True)
    try:
        if args.jsonl:
            await services.questions.warm_up()
            answer = functools.partial(answer_line, services.questions)
            # Each question leaves thousands of objects to reference counting; the collector's
            # passes over them and the start-up heap were ~0.3 ms of a question's CPU, and
            # the peak memory of 2,000 questions is the same without them (389 MiB).
            with _few_collections():
                await ask_lines(
                    answer, start(helpers, services.index.path), sys.stdin.buffer, sys.stdout
                )
            return 0
        question = " ".join(
            part
            for part in (
                args.question,
                filter_words(
                    source=args.source,
                    lang=args.lang,
                    after=args.after,
                    before=args.before,
                    phrases=tuple(args.phrase),
                    excluded=tuple(args.exclude),
                ),
            )
            if part
        )
        answers = await services.questions.ask(
            question, as_of=args.as_of, limit=RESULTS, highlights=False
        )
        if answers.problems:
            for problem in answers.problems:
                line = PROBLEM_TEXTS[problem.problem].format(filter=problem.written)
                print(f"newsbot ask: {line}", file=sys.stderr)
            return 2
        if args.json:
            print(json.dumps(result_object(answers), ensure_ascii=False))
        else:
            print(_plain_answers(answers, as_of=args.as_of))
        return 0
    finally:
        await services.close()


def _plain_answers(answers: Answers, *, as_of: dt.date | None = None) -> str:
    if answers.empty_archive:
        return (
            "The archive is empty: import articles first (newsbot import FILE..., or "
            "newsbot import --sample for the bundled sample)."
        )
    if not answers.hits:
        hint = (
            f" Close words in the archive: {', '.join(answers.suggestions)}."
            if answers.suggestions
            else ""
        )
        if answers.unheld_lang is not None:
            name = ENGLISH_TEXTS.language_name(answers.unheld_lang)
            hint += f" The archive holds no articles in {name}."
        if answers.filtered:
            return f"{nothing_found(answers)}{hint}"
        if as_of is not None:
            return f"Nothing found dated {as_of} or before.{hint}"
        return f"Nothing found.{hint}"
    lines = [] if answers.answered or answers.listing else [NO_ANSWER, CLOSEST]
    if lines and answers.other_days is not None:
        lines[0] = NOTHING_THOSE_DAYS.format(days=answers.other_days)
    for rank, hit in enumerate(answers.hits, start=1):
        article = hit.article
        lines.append(
            f"{rank}. #{article.id} {article.title} ({article.published}, {article.source or '-'})"
        )
        if hit.answer.sentence and answers.answered:
            lines.append(f"   {quoted(hit.answer.sentence)}")
    return "\n".join(lines)


def _digest(settings: Settings, args: argparse.Namespace) -> int:
    async def preview() -> list[str]:
        services = await open_services(settings, reading=True)
        try:
            return await services.digests.preview(args.chat)
        finally:
            await services.close()

    from bot.cli.chat import render_for_terminal

    if reads_nothing(settings, "digest"):
        return 1
    parts = asyncio.run(preview())
    if not parts:
        print(f"Chat {args.chat} has no subscriptions.")
    for part in parts:
        print(render_for_terminal(part, sys.stdout.isatty()) + "\n")
    return 0


def _reindex(settings: Settings, args: argparse.Namespace) -> int:
    from tqdm import tqdm

    async def reindex() -> tuple[int, int, int]:
        # (It made an empty archive to rebuild its index: "reindexed 0 article changes".)
        services = await open_services(settings, existing=True)
        try:
            # Headlines and clutter first: the rules finding them improve between versions.
            total = await services.archive.articles.live_count(
                upto_seq=await services.archive.articles.last_seq()
            )
            # disable=None: as the import's, no bar where stderr is no terminal (a cron job's
            # log got every redraw glued on one line).
            with tqdm(
                total=total, unit=" articles", disable=None, file=sys.stderr, desc="reread"
            ) as bar:
                reread = await services.archive.reread(progress=bar.update)
            # (Not the last change's number: an edited or deleted article is one change to
            # index, and the bar stopped at 67% when two of three changes were one article's.)
            articles = services.archive.articles
            total = await articles.feed_count(upto_seq=await articles.last_seq())
            with tqdm(
                total=total, unit=" changes", disable=None, file=sys.stderr, desc="reindex"
            ) as bar:
                changes = await services.archive.rebuild_index(progress=bar.update)
            return reread, changes, await services.stories.rebuild()
        finally:
            await services.close()

    reread, count, grouped = asyncio.run(reindex())
    # (It was "reindexed 1 article changes; stories rebuilt for 1 articles".)
    print(
        f"Headlines, clutter or sources read anew in {counted(reread, 'article')}; reindexed "
        f"{counted(count, 'article change')}; stories rebuilt for {counted(grouped, 'article')}."
    )
    return 0


def _trend(settings: Settings, args: argparse.Namespace) -> int:
    from bot.stories.chart import trend_png
    from bot.stories.trend import trend

    if not args.words.strip():
        print(
            'newsbot trend: give the words, e.g. newsbot trend "Raqqa" --out raqqa.png',
            file=sys.stderr,
        )
        return 2
    if (written := first_filter(args.words)) is not None:
        print(
            f"newsbot trend: counts words only, not filters such as {written[:40]}: the chart "
            "covers every date",
            file=sys.stderr,
        )
        return 2
    problem = output_problem(args.out, "trend.png")
    if problem is None and args.out.suffix.lower() != ".png":
        # The picture went into x.txt, which a text editor then opened as garbage; the caption,
        # its words, is printed already.
        png = args.out.with_suffix(".png").name
        problem = f"the picture is a PNG: name the file {png}, not {args.out.name}"
    if problem is not None:
        print(f"newsbot trend: {problem}", file=sys.stderr)
        return 2

    if reads_nothing(settings, "trend"):
        return 1

    async def compute() -> Any:
        services = await open_services(settings, reading=True)
        try:
            forms = services.questions.word_forms(args.words)
            if not forms:
                return None
            return await trend(
                args.words,
                index=services.index,
                stories=services.stories,
                articles=services.archive.articles,
                forms=forms,
            )
        finally:
            await services.close()

    found = asyncio.run(compute())
    if found is None:
        # Stop words alone ("of and"): not "Nothing in the archive matches" them.
        words = echoed(" ".join(args.words.split()))
        print(f"newsbot trend: “{words}” holds no word to look for", file=sys.stderr)
        return 2
    print(found.caption())
    if found.is_empty:
        return 1
    args.out.write_bytes(trend_png(found))
    print(f"Wrote {args.out}.")
    return 0


def _export(settings: Settings, args: argparse.Namespace) -> int:
    if reads_nothing(settings, "export"):
        return 1
    return asyncio.run(write_export(settings, args.path))
