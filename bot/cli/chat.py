"""`newsbot chat`: the same bot in the terminal, with no Telegram token.

What you type becomes a Telegram update that goes through the real Application and handlers;
what the bot sends arrives at an in-process fake of the Bot API and is printed here.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path
from typing import TextIO

from bot.app import OFFLINE_TOKEN, build_application
from bot.settings import Settings
from bot.telegram.offline import FakeBotApi, SentMessage
from bot.telegram.updates import UpdateFactory

CHAT_USER_ID = 1
INTRO = """Newsroom bot, offline. Type a question, or a command such as /help.
  /paste      paste a long article: end it with a line holding a single "."
  /file PATH  send a local file (.txt, .md, .html, .jsonl) as if uploaded
  more        press the "More" button of the last answer
  quit        leave (Ctrl-D works too)
"""


def render_for_terminal(text: str, color: bool) -> str:
    """Telegram HTML as terminal text: bold stays bold when the terminal shows colour."""
    bold, plain = ("\033[1m", "\033[0m") if color else ("", "")
    text = re.sub(r"<b>(.*?)</b>", lambda m: f"{bold}{m.group(1)}{plain}", text, flags=re.S)
    text = re.sub(r"</?[a-z-]+[^>]*>", "", text)
    return html.unescape(text)


async def run_chat(
    settings: Settings, *, inp: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Read lines from `inp` until EOF or 'quit', answering each through the bot."""
    editors = settings.editor_ids or frozenset({CHAT_USER_ID})
    user_id = min(editors)
    settings = settings.model_copy(update={"editor_ids": editors})
    fake = FakeBotApi()
    color = out.isatty()
    last: list[SentMessage] = []

    def show(message: SentMessage) -> None:
        last.append(message)
        buttons = "  ".join(f"[{d}]" for d in message.buttons)
        out.write(
            render_for_terminal(message.text, color) + (f"\n{buttons}" if buttons else "") + "\n\n"
        )
        out.flush()

    fake.listeners.append(show)
    app = build_application(settings, token=OFFLINE_TOKEN, request=fake.request(), rate_limit=False)
    factory = UpdateFactory(app.bot)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    await app.start()  # the job queue: digests fall due here too
    try:
        out.write(INTRO + "\n")
        out.flush()
        while True:
            out.write("you> ")
            out.flush()
            line = inp.readline()
            if not line or line.strip().lower() in {"quit", "exit", "/quit"}:
                break
            text = line.rstrip("\n")
            if not text.strip():
                continue
            if text.strip() == "/paste":
                text = _read_paste(inp)
            update = None
            if text.strip().lower() in {"more", "/more"}:
                pressed = next((m for m in reversed(last) if m.buttons), None)
                if pressed is None:
                    out.write("(there is no button to press)\n\n")
                    continue
                update = factory.callback(pressed.buttons[0], pressed, user_id=user_id)
            elif text.startswith("/file "):
                path = Path(text[6:].strip())
                try:
                    data = path.expanduser().read_bytes()  # noqa: ASYNC240 - a local terminal
                except OSError as exc:
                    out.write(f"(cannot read {path}: {exc.strerror})\n\n")
                    continue
                file_id, _ = fake.add_file(data)
                update = factory.message(user_id=user_id, document=(file_id, path.name, len(data)))
            else:
                update = factory.message(text, user_id=user_id)
            await app.process_update(update)
    finally:
        await app.stop()
        await app.shutdown()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)


def _read_paste(inp: TextIO) -> str:
    lines = []
    for line in inp:
        if line.rstrip("\n") == ".":
            break
        lines.append(line.rstrip("\n"))
    return "\n".join(lines)
