"""`newsbot db ...` and `newsbot migrate-data`: the schema and moving to another database."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from bot.cli.paths import missing_folder, reads_nothing
from bot.settings import Settings, sqlite_path
from storage.db import Database, async_url
from storage.schema import NoArchive, SchemaError, require_archive


def add_commands(sub: Any) -> None:
    """Add the `db` and `migrate-data` subcommands."""
    db = sub.add_parser("db", help="database schema: upgrade, current, check, revision")
    actions = db.add_subparsers(dest="action", required=True)
    actions.add_parser("upgrade", help="apply pending migrations").set_defaults(handler=_upgrade)
    actions.add_parser("current", help="the schema revision").set_defaults(
        handler=_current, reads=True
    )
    actions.add_parser("check", help="do the models and the migrations agree?").set_defaults(
        handler=_check, reads=True
    )
    revision = actions.add_parser("revision", help="write a migration from the model changes")
    revision.add_argument("-m", "--message", required=True, help="what the migration does")
    revision.add_argument("--rev-id", help="the revision id (default: random)")
    revision.set_defaults(handler=_revision)

    move = sub.add_parser("migrate-data", help="copy everything to another database (re-runnable)")
    move.add_argument("--from", dest="source", required=True, help="source database URL")
    move.add_argument("--to", dest="target", required=True, help="target database URL")
    move.add_argument(
        "--batch-size", type=int, default=2_000, help="rows copied per transaction (2000)"
    )
    move.add_argument("--quiet", action="store_true", help="no progress bar")
    move.set_defaults(handler=_migrate_data)


def _with_db(settings: Settings, work: Any, *, reading: bool = False) -> int:
    """`work` on the database; `reading`: one with no archive yet is a NoArchive error, and
    nothing is created (`db current` made ./data and an empty archive file)."""

    async def run() -> int:
        db = Database.from_url(settings.database_url, make_folder=not reading)
        try:
            if reading:
                await require_archive(db)
            result: int = await work(db)
            return result
        except NoArchive:
            raise  # said by the command's entry point, as for every command that reads
        except SchemaError as exc:
            print(f"newsbot db: {exc}", file=sys.stderr)
            return 1
        finally:
            await db.close()

    return asyncio.run(run())


def _upgrade(settings: Settings, args: argparse.Namespace) -> int:
    from storage.schema import upgrade

    async def work(db: Database) -> int:
        before, after = await upgrade(db)
        print(
            f"Schema upgraded from {before or 'nothing'} to {after}."
            if before != after
            else f"Schema already at {after}."
        )
        return 0

    return _with_db(settings, work)


def _current(settings: Settings, args: argparse.Namespace) -> int:
    from storage.schema import current_revision, head_revision

    if reads_nothing(settings, "db current"):
        return 1

    async def work(db: Database) -> int:
        current = await current_revision(db)
        print(f"{current or 'nothing'} (this version's newest: {head_revision()})")
        return 0

    return _with_db(settings, work, reading=True)


def _check(settings: Settings, args: argparse.Namespace) -> int:
    from storage.schema import differences, ensure_schema

    if reads_nothing(settings, "db check"):
        return 1

    async def work(db: Database) -> int:
        # A SchemaError saying what to run when not migrated: the differences were then
        # every table and index the migrations add, as reprs.
        await ensure_schema(db, auto_migrate=False, reading=True)
        found = await differences(db)
        for difference in found:
            print(difference)
        print("Models and schema agree." if not found else f"{len(found)} difference(s).")
        return 1 if found else 0

    return _with_db(settings, work, reading=True)


def _revision(settings: Settings, args: argparse.Namespace) -> int:
    from storage.schema import new_revision

    async def work(db: Database) -> int:
        print(await new_revision(db, args.message, args.rev_id))
        return 0

    return _with_db(settings, work)


def _migrate_data(settings: Settings, args: argparse.Namespace) -> int:
    for flag, url in (("--from", args.source), ("--to", args.target)):
        try:
            async_url(url)
        except ArgumentError as exc:
            # Said as DATABASE_URL's by the command's own handler, which is not the one given.
            print(
                f"newsbot migrate-data: {flag} is not a database URL I can use: {exc}",
                file=sys.stderr,
            )
            return 2
    if async_url(args.source) == async_url(args.target):
        print("newsbot migrate-data: --from and --to name the same database", file=sys.stderr)
        return 2
    source_file = sqlite_path(args.source)
    if source_file is not None and source_file != ":memory:" and not Path(source_file).exists():
        print(f"newsbot migrate-data: {source_file} does not exist", file=sys.stderr)
        return 2
    target_folder = missing_folder(sqlite_path(args.target))
    if target_folder is not None:
        # It made the folders of a mistyped --to and copied everything there.
        print(
            f"newsbot migrate-data: there is no folder {target_folder} for --to's archive "
            "(make it first)",
            file=sys.stderr,
        )
        return 2
    return asyncio.run(_migrate_async(args))


async def _migrate_async(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from storage.schema import upgrade
    from storage.transfer import copy_database, count_rows

    source, target = Database.from_url(args.source), Database.from_url(args.target)
    try:
        # Both sides at this version's schema: the source as the bot would do at start-up.
        # Which side cannot be used is said: "[Errno 111] Connect call failed" named neither.
        for flag, url, db in (("--from", args.source, source), ("--to", args.target, target)):
            try:
                await upgrade(db)
            except (OSError, DBAPIError) as exc:
                cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
                shown = make_url(url).render_as_string(hide_password=True)
                print(f"newsbot migrate-data: cannot use {flag} {shown}: {cause}", file=sys.stderr)
                return 1
        total = await count_rows(source)
        with tqdm(total=total, unit=" rows", disable=args.quiet or None, file=sys.stderr) as bar:
            report = await copy_database(
                source, target, batch_size=args.batch_size, progress=bar.update
            )
    except (SchemaError, OSError) as exc:
        print(f"newsbot migrate-data: {exc}", file=sys.stderr)
        return 1
    finally:
        await source.close()
        await target.close()
    for table, copied in report.copied.items():
        print(f"{table}: {copied} copied, {report.kept[table]} already there")
    print("Done. Start the bot with DATABASE_URL set to the target; its search index rebuilds.")
    return 0
