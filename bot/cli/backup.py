"""`newsbot export` and the restoring side of `newsbot import`: the whole database as JSONL."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.cli.paths import output_problem, through_links
from bot.services import open_services
from bot.settings import Settings
from storage.backup import NotEmpty, OutOfOrder, export_rows, import_rows, is_export_header
from storage.db import Database

HEADER_BYTES = 4096


def is_export_file(path: Path) -> bool:
    """Whether a file starts with the header `newsbot export` writes."""
    if not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as handle:
        # The header is short: a first line of any length is neither read whole nor parsed
        # when it cannot be one (50,000 brackets deep once crashed the parser here).
        first = handle.readline(HEADER_BYTES)
    if not first.startswith("{") or len(first) >= HEADER_BYTES:
        return False
    try:
        header = json.loads(first)
    except (ValueError, RecursionError):
        return False
    return isinstance(header, dict) and is_export_header(header)


STDOUT = Path("-")


async def write_export(settings: Settings, path: Path) -> int:
    """Write every table to `path` (through a temporary file, so a crash leaves no half export).

    `-` writes to standard output, as Unix tools do, and says what it wrote on standard error.
    """
    from tqdm import tqdm

    if path == STDOUT:
        return await _write_to_stdout(settings)
    # Found only at the end otherwise, after the whole export, naming the temporary file.
    problem = output_problem(path, "newsbot-export.jsonl")
    if problem is not None:
        print(f"newsbot export: {problem}", file=sys.stderr)
        return 1

    path = through_links(path)
    services = await open_services(settings, reading=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with (
            partial.open("w", encoding="utf-8") as out,
            # (No bar where stderr is no terminal, as the import's.)
            tqdm(unit=" rows", disable=None, file=sys.stderr, desc="export") as bar,
        ):
            counts = await _write_rows(services.db, out, bar.update)
            out.flush()
            os.fsync(out.fileno())
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        print(f"newsbot export: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        await services.close()
    print(f"Exported {_summary(counts)} to {path}.")
    return 0


async def _write_to_stdout(settings: Settings) -> int:
    # A closed pipe (`newsbot export - | head -1`) raises BrokenPipeError, which the
    # command's entry point turns into a quiet exit.
    services = await open_services(settings, reading=True)
    try:
        counts = await _write_rows(services.db, sys.stdout)
        sys.stdout.flush()
    finally:
        await services.close()
    print(f"Exported {_summary(counts)} to standard output.", file=sys.stderr)
    return 0


async def _write_rows(
    db: Database, out: TextIO, written: Callable[[], object] = lambda: None
) -> dict[str, int]:
    """Every row as a JSON line on `out` (`written` after each table row); how many rows of
    each table. The rows' generator is closed even when a write fails (a full disk, a closed
    pipe), so its session is not left to be collected after the event loop has gone."""
    counts: dict[str, int] = {}
    async with contextlib.aclosing(export_rows(db)) as rows:
        async for line in rows:
            if "table" in line:
                counts[line["table"]] = counts.get(line["table"], 0) + 1
                written()
            out.write(json.dumps(line, ensure_ascii=False) + "\n")
    return counts


async def restore_export(settings: Settings, path: Path) -> int:
    """Load an export into an empty database and rebuild the search index from it."""
    services = await open_services(settings)
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            try:
                counts = await import_rows(services.db, export_lines(handle))
            except NotEmpty as exc:
                print(f"newsbot import: {exc}", file=sys.stderr)
                return 1
            except (OutOfOrder, BadLine) as exc:
                # Half an export would not be lossless: nothing was stored.
                print(f"newsbot import: {path} {exc}", file=sys.stderr)
                return 1
        await services.archive.rebuild_index()
    finally:
        await services.close()
    print(f"Restored {_summary(counts)} from {path}.")
    return 0


class BadLine(ValueError):
    """A line of an export that is not JSON."""


def export_lines(handle: TextIO) -> Iterator[dict[str, Any]]:
    """The rows of an export, read one line at a time (its header line skipped)."""
    for number, line in enumerate(handle, start=1):
        if number == 1 or not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError):
            raise BadLine(f"line {number} is not JSON") from None
        if isinstance(value, dict):
            yield value


def _summary(counts: dict[str, int]) -> str:
    # (the tables' names, said as counts: "35 audit entries", not "35 audit log")
    shown = (
        ("articles", "article", "articles"),
        ("subscriptions", "subscription", "subscriptions"),
        ("chats", "chat", "chats"),
        ("audit_log", "audit entry", "audit entries"),
    )
    return ", ".join(
        f"{n} {one if n == 1 else many}"
        for table, one, many in shown
        for n in (counts.get(table, 0),)
    )
