"""`newsbot ask --jsonl`: question lines answered in their order, on every core.

A question's CPU (a dozen milliseconds at 100,000 articles, most of it Python) cannot be split,
so a batch uses a machine's other cores through helper processes, each answering whole lines.
They are forked at the command's start (before any thread, connection or event loop exists),
so that they share the imported code and wait for the archive to be opened and brought up to
date by this process; then each opens it for reading only. This process answers lines too, and
writes every answer in the order of the lines, whoever answered it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import multiprocessing
import os
import signal
import threading
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from bot.questions.service import Answers, QuestionService
from bot.services import open_reader

log = logging.getLogger(__name__)

RESULTS = 10
# Lines a helper holds at once: the one it answers and the next, so that it never waits for
# this process, busy answering a line itself, to hand it one.
HELD = 2
# Helpers at most, whatever the cores (each holds its own caches and models).
MOST_HELPERS = 3
READY = "ready"
# How long a helper's reader waits for its pipe before it looks whether it should end.
_STOP_POLL_SECONDS = 0.05

Answer = Callable[[int, str], Awaitable[str | None]]


def default_helpers() -> int:
    """One helper a core beyond this process's, where its cores are several (as the import
    counts its parse workers)."""
    return max(0, min(MOST_HELPERS, (os.cpu_count() or 1) - 1))


async def answer_line(questions: QuestionService, number: int, line: str) -> str | None:
    """The JSON line answering one request line (None for a blank line: no output)."""
    if not line.strip():
        return None
    try:
        request = json.loads(line)
    except ValueError as exc:  # (a JSONDecodeError, or a number too long to read)
        return _bad_line(number, str(exc))
    if not isinstance(request, dict) or "query" not in request:
        return _bad_line(number, 'the key "query" is missing')
    query = request["query"]
    # ({"query": null} was asked as the word "None", and answered.)
    if not isinstance(query, str):
        return _bad_line(number, '"query" must be text')
    as_of = request.get("as_of") or None  # ("" as none, as before)
    if as_of is not None:
        try:
            as_of = dt.date.fromisoformat(as_of[:10])
        except (TypeError, ValueError):  # (a number was "'int' object is not subscriptable")
            return _bad_line(number, '"as_of" must be a date, for example "2017-07-04"')
    # The JSON lines hold no highlights: finding them was a tenth of the answers' time.
    answers = await questions.ask(query, as_of=as_of, limit=RESULTS, highlights=False)
    return json.dumps(result_object(answers), ensure_ascii=False)


def _bad_line(number: int, why: str) -> str:
    return json.dumps({"line": number, "error": f"bad request line: {why}"})


def result_object(answers: Answers) -> dict[str, Any]:
    """The documented JSON shape of one answered question."""
    return {
        "query": answers.question,
        # False exactly when the chat reply says the archive holds no answer.
        "answered": answers.answered,
        "results": [
            {
                "article_id": hit.article.id,
                "external_id": hit.article.external_id,
                "title": hit.article.title,
                "date": hit.article.published.isoformat(),
                "source": hit.article.source,
                "lang": hit.article.lang,
                "score": round(hit.score, 4),
                "answer": hit.answer.sentence,
                "also": [
                    {
                        "article_id": c.article_id,
                        "source": c.source,
                        "date": c.published.isoformat(),
                    }
                    for c in hit.also
                ],
            }
            for hit in answers.hits
        ],
    }


@dataclass(slots=True)
class Helper:
    """A forked process answering lines sent to it, and this process's end of its pipe."""

    process: multiprocessing.process.BaseProcess
    conn: Connection
    ready: bool = False
    # The lines it holds, by number: answered here instead if it stops.
    held: dict[int, str] = field(default_factory=dict)
    # The thread reading `conn`, and what tells it to end (`stop`).
    reader: threading.Thread | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        """End the process now (a helper still opening the archive is not waited for).

        Its pipe is closed only after the thread reading it has ended: closed under that
        read, the read failed in a traceback ("'NoneType' object cannot be interpreted as an
        integer", seen in CI when the input ended before the helper was ready), and its
        descriptor, reused, could have been another file's."""
        self.stopping.set()
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        if self.reader is not None and self.reader is not threading.current_thread():
            self.reader.join()
        with contextlib.suppress(OSError):
            self.conn.close()


def fork_helpers(count: int, database_url: str) -> list[Helper]:
    """`count` helpers (no more than the cores), forked now, each waiting for the index's
    path (`start`)."""
    count = min(count, os.cpu_count() or 1)
    if count <= 0 or threading.active_count() > 1:
        return []  # forking beside a thread could copy a lock it holds
    if "fork" not in multiprocessing.get_all_start_methods():
        return []  # Windows: no fork, and a spawned helper would load everything again
    context = multiprocessing.get_context("fork")
    helpers = []
    for _ in range(count):
        ours, theirs = context.Pipe()
        process = context.Process(
            target=_serve, args=(theirs, ours, database_url), name="newsbot-ask", daemon=True
        )
        process.start()
        theirs.close()
        helpers.append(Helper(process, ours))
    return helpers


def start(helpers: list[Helper], index_path: Path | None) -> list[Helper]:
    """Let the helpers open the archive this process has brought up to date; those left."""
    if index_path is None:  # an index in memory: only this process has it
        for helper in helpers:
            helper.stop()
        return []
    for helper in helpers:
        helper.conn.send(str(index_path))
    return helpers


def _serve(conn: Connection, parents: Connection, database_url: str) -> None:
    # Ctrl-C reaches the whole process group: the command stops its helpers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parents.close()  # else this process would hold its own pipe open after the command died
    try:
        index_path = conn.recv()
    except (EOFError, OSError):
        return
    try:
        asyncio.run(_answer_for_parent(conn, database_url, Path(index_path)))
    except (EOFError, OSError):
        pass  # the command is gone or has stopped this helper
    except Exception:
        log.exception("a helper process of newsbot ask --jsonl stopped")


async def _answer_for_parent(conn: Connection, database_url: str, index_path: Path) -> None:
    reader = await open_reader(database_url, index_path)
    try:
        await reader.questions.warm_up()
        conn.send(READY)
        while True:
            request = conn.recv()
            if request is None:
                return
            number, line = request
            conn.send((number, await answer_line(reader.questions, number, line)))
    finally:
        await reader.close()


async def ask_lines(answer: Answer, helpers: list[Helper], inp: BinaryIO, out: TextIO) -> None:
    """Answer each line of `inp` here or at a helper, and write the answers in line order."""
    loop = asyncio.get_running_loop()
    # What the threads below read: (None, a line of `inp`) or (a helper, what it sent).
    events: asyncio.Queue[tuple[Helper | None, Any]] = asyncio.Queue()
    # The next line is read only when asked for: read ahead, a batch's lines would queue up
    # before the helpers' answers and their "ready".
    wanted = threading.Semaphore(0)

    def tell(event: tuple[Helper | None, Any]) -> bool:
        try:
            loop.call_soon_threadsafe(events.put_nowait, event)
        except RuntimeError:  # the command has ended (a broken pipe): nobody listens
            return False
        return True

    def read_lines() -> None:
        first = True
        while True:
            wanted.acquire()
            try:
                read = inp.readline()
            except (OSError, ValueError):
                read = b""
            # Bytes, decoded here: a byte that is no UTF-8 spoils its line's JSON, not the
            # lines after it (a text stream stopped there). Windows' editors start with a BOM.
            line = read.decode("utf-8", "replace")
            if first:
                line, first = line.removeprefix("\ufeff"), False
            if not tell((None, line)) or not read:
                return

    def receive(helper: Helper) -> None:
        while not helper.stopping.is_set():
            try:
                # (A wait with a timeout, so that `stop` can end this thread before closing
                # the pipe: a read blocked on it cannot be woken otherwise.)
                if not helper.conn.poll(_STOP_POLL_SECONDS):
                    continue
                item = helper.conn.recv()
            except (EOFError, OSError):
                item = None
            if not tell((helper, item)) or item is None:
                return

    # Daemon threads: a reader blocked on a terminal keeps no exit waiting.
    threading.Thread(target=read_lines, daemon=True).start()
    for helper in helpers:
        helper.reader = threading.Thread(target=receive, args=(helper,), daemon=True)
        helper.reader.start()
    order: deque[int] = deque()
    done: dict[int, str | None] = {}

    async def heard(helper: Helper, item: Any) -> None:
        if item is None:  # the helper ended: what it held is answered here
            if helper in helpers:  # (not when this command stopped it)
                helpers.remove(helper)
                helper.stop()
            for number, line in sorted(helper.held.items()):
                done[number] = await answer(number, line)
        elif item == READY:
            helper.ready = True
        else:
            number, text = item
            del helper.held[number]
            done[number] = text

    number = 0
    reading = True
    wanted.release()
    try:
        while reading or order:
            while order and order[0] in done:
                text = done.pop(order.popleft())
                if text is not None:
                    out.write(text + "\n")
                    out.flush()
            if not reading and not order:
                break
            source, item = await events.get()
            if source is not None:
                await heard(source, item)
                continue
            if not item:
                reading = False
                for helper in [h for h in helpers if not h.ready]:
                    helpers.remove(helper)  # not waited for: every line is answered here
                    helper.stop()
                for helper in helpers:
                    with contextlib.suppress(OSError):
                        helper.conn.send(None)  # each answers what it holds, then ends
                continue
            # What the helpers said meanwhile first: one may have become free.
            while not events.empty():
                speaker, said = events.get_nowait()
                assert speaker is not None  # the next line is not asked for yet
                await heard(speaker, said)
            number += 1
            order.append(number)
            wanted.release()
            free = [h for h in helpers if h.ready and len(h.held) < HELD]
            if free and item.strip():
                helper = min(free, key=lambda h: len(h.held))
                helper.held[number] = item
                with contextlib.suppress(OSError):  # it ended: answered here when heard of
                    helper.conn.send((number, item))
            else:
                done[number] = await answer(number, item)
    finally:
        for helper in helpers:
            helper.stop()
