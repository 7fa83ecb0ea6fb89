"""`newsbot chat`: the same bot in the terminal, with no Telegram token.

What you type becomes a Telegram update that goes through the real Application and handlers;
what the bot sends arrives at an in-process fake of the Bot API and is printed here. The
keyboard is read on a thread of its own, so the event loop keeps running while the prompt waits:
digests that fall due are printed as they go out.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
import sys
import threading
from pathlib import Path
from typing import TextIO

from telegram import Update

from bot.app import OFFLINE_TOKEN, build_application
from bot.clock import Clock, SystemClock
from bot.render import MORE_PREFIX
from bot.settings import Settings
from bot.telegram.offline import FakeBotApi, SentMessage
from bot.telegram.updates import UpdateFactory

CHAT_USER_ID = 1
READER_USER_ID = 2
INTRO = """Newsroom bot, offline. Type a question, or a command such as /help.
  /paste      paste a long article: end it with a line holding a single "."
  /file PATH  send a local file (.txt, .md, .html, .jsonl) as if uploaded
  1, 2 ...    press a button of the last message by its number (or type its label)
  more        press the "More" button of the last answer
  quit        leave (Ctrl-D works too)
"""
FILE_USAGE = "(usage: /file PATH, e.g. /file notes/raqqa.txt: sends that file as if uploaded)"
PASTE_USAGE = '(paste the article, then a line holding a single "." to send it)'
NO_BUTTON = "(there is no button to press)"
PICTURE_NOTE = (
    '(a chart: a terminal shows its caption only; newsbot trend "words" --out chart.png '
    "writes it to a file)"
)


def render_for_terminal(text: str, color: bool) -> str:
    """Telegram HTML as terminal text: bold stays bold when the terminal shows colour."""
    bold, plain = ("\033[1m", "\033[0m") if color else ("", "")
    text = re.sub(r"<b>(.*?)</b>", lambda m: f"{bold}{m.group(1)}{plain}", text, flags=re.S)
    # A link's address, which Telegram opens on a tap, is shown: "original" alone leads nowhere.
    text = re.sub(r'<a href="([^"]*)">(.*?)</a>', _link, text, flags=re.S)
    text = re.sub(r"</?[a-z-]+[^>]*>", "", text)
    return html.unescape(text)


def _link(match: re.Match[str]) -> str:
    address, label = match.group(1), match.group(2)
    return label if html.unescape(label) == html.unescape(address) else f"{label} ({address})"


def button_line(message: SentMessage) -> str:
    """The message's buttons as numbered labels: '[1] Save as article  [2] Ask as question'."""
    return "  ".join(f"[{n}] {label}" for n, (label, _) in enumerate(message.keyboard, start=1))


def pressed_button(text: str, message: SentMessage | None) -> str | None:
    """The callback data of the button `text` names (its number or its label), if any."""
    if message is None:
        return None
    wanted = text.strip().casefold()
    for number, (label, data) in enumerate(message.keyboard, start=1):
        if wanted == str(number) or wanted == label.casefold().rstrip(" ▸"):
            return data
    if wanted in {"more", "/more"}:  # only the More button (in any language), never another
        return next((d for _, d in message.keyboard if d.startswith(MORE_PREFIX)), None)
    return None


class _Keyboard:
    """Lines typed at the terminal, read on a daemon thread (it never holds up the exit)."""

    def __init__(self, inp: TextIO, loop: asyncio.AbstractEventLoop) -> None:
        self._lines: asyncio.Queue[str | None] = asyncio.Queue()
        self._inp = inp
        self._loop = loop
        threading.Thread(target=self._read, name="newsbot-chat-input", daemon=True).start()

    def _read(self) -> None:
        # RuntimeError: the chat ended and closed its loop while this thread still read.
        with contextlib.suppress(RuntimeError):
            try:
                for line in self._inp:
                    self._loop.call_soon_threadsafe(self._lines.put_nowait, line)
            except (OSError, ValueError):
                pass  # the terminal went away: the end of input, as Ctrl-D
            self._loop.call_soon_threadsafe(self._lines.put_nowait, None)

    async def line(self) -> str | None:
        """The next line without its newline; None at the end of input (Ctrl-D)."""
        line = await self._lines.get()
        return None if line is None else line.rstrip("\n")


async def run_chat(
    settings: Settings,
    *,
    inp: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
    as_reader: bool = False,
    clock: Clock | None = None,
) -> None:
    """Read lines from `inp` until EOF or 'quit', answering each through the bot.

    You are an editor (the first of EDITOR_IDS, or user 1), or with `as_reader` a reporter
    who is not one, to see what they see.
    """
    editors = settings.editor_ids or frozenset({CHAT_USER_ID})
    user_id = max(editors) + 1 if as_reader else min(editors)
    settings = settings.model_copy(update={"editor_ids": editors})
    clock = clock or SystemClock()
    fake = FakeBotApi()
    color = out.isatty()
    last: list[SentMessage] = []

    def show(message: SentMessage) -> None:
        last.append(message)
        buttons = button_line(message)
        # A picture (/trend's chart) showed as its caption alone: where was the chart?
        picture = f"\n{PICTURE_NOTE}" if message.method == "sendPhoto" else ""
        out.write(
            render_for_terminal(message.text, color)
            + picture
            + (f"\n{buttons}" if buttons else "")
            + "\n\n"
        )
        out.flush()

    def toast(text: str) -> None:
        out.write(f"({text})\n\n")
        out.flush()

    fake.listeners.append(show)
    fake.toast_listeners.append(toast)
    app = build_application(
        settings, token=OFFLINE_TOKEN, request=fake.request(), rate_limit=False, clock=clock
    )
    keyboard = _Keyboard(inp, asyncio.get_running_loop())
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    # Message ids go on from the last session's on this database: an article is kept with the
    # message it came from, and a new one under an old id clashed ("something went wrong").
    earlier = await app.bot_data.services.archive.articles.last_origin_message(user_id)
    factory = UpdateFactory(app.bot, now=clock.now(), first_message_id=earlier + 1)
    await app.start()  # the job queue: digests fall due here too, while the prompt waits
    try:
        out.write(INTRO + "\n")
        out.flush()
        while True:
            out.write("you> ")
            out.flush()
            text = await keyboard.line()
            if text is None or text.strip().lower() in {"quit", "exit", "/quit"}:
                break
            if not text.strip():
                continue
            factory.now = clock.now()  # messages carry the real time, as Telegram's do
            update = await _update_for(text, keyboard, factory, fake, last, user_id, out)
            if update is not None:
                await app.process_update(update)
    finally:
        out.write("\n")
        out.flush()
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


async def _update_for(
    text: str,
    keyboard: _Keyboard,
    factory: UpdateFactory,
    fake: FakeBotApi,
    last: list[SentMessage],
    user_id: int,
    out: TextIO,
) -> Update | None:
    """The update a typed line stands for; None (after saying why) when it is none."""
    command = text.strip()
    with_buttons = next((m for m in reversed(last) if m.keyboard), None)
    data = pressed_button(command, with_buttons)
    if data is not None and with_buttons is not None:
        return factory.callback(data, with_buttons, user_id=user_id)
    if command.lower() in {"more", "/more"}:
        out.write(NO_BUTTON + "\n\n")
        return None
    if command == "/paste" or command.startswith("/paste "):
        out.write(PASTE_USAGE + "\n")
        out.flush()
        pasted = await _read_paste(keyboard)
        if not pasted.strip():
            out.write("(nothing was pasted)\n\n")
            return None
        return factory.message(pasted, user_id=user_id)
    if command == "/file" or command.startswith("/file "):
        name = command[5:].strip()
        if not name:
            out.write(FILE_USAGE + "\n\n")
            return None
        path = Path(name).expanduser()  # noqa: ASYNC240 - a local terminal, one user
        try:
            data_bytes = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            out.write(f"(cannot read {path}: {exc.strerror or exc})\n\n")
            return None
        file_id, _ = fake.add_file(data_bytes)
        return factory.message(user_id=user_id, document=(file_id, path.name, len(data_bytes)))
    return factory.message(text, user_id=user_id)


async def _read_paste(keyboard: _Keyboard) -> str:
    lines = []
    while (line := await keyboard.line()) is not None and line != ".":
        lines.append(line)
    return "\n".join(lines)
