"""SIGINT and SIGTERM while the bot starts: they end the start-up cleanly (exit 0, a log line).

Until the server (uvicorn, or PTB's run_polling) takes the stop signals over, Python's own
handling would raise KeyboardInterrupt half way through the start-up, or let SIGTERM kill the
process; the event loop's handlers set an event instead, which the start-up is raced against.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Coroutine
from typing import Any

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def catch_stop_signals(loop: asyncio.AbstractEventLoop, callback: Callable[[], object]) -> None:
    """Call `callback` on SIGINT or SIGTERM (a later add_signal_handler replaces this)."""
    with contextlib.suppress(NotImplementedError):  # Windows' loops have no signal handlers
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, callback)


def release_stop_signals(loop: asyncio.AbstractEventLoop) -> None:
    """Give SIGINT and SIGTERM back their default handling."""
    with contextlib.suppress(NotImplementedError):
        for signum in STOP_SIGNALS:
            loop.remove_signal_handler(signum)


async def unless_stopped(work: Coroutine[Any, Any, None], stopping: asyncio.Event) -> bool:
    """Do `work`; False if `stopping` is set first (the work is then cancelled)."""
    task = asyncio.ensure_future(work)
    stop = asyncio.ensure_future(stopping.wait())
    await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        stop.cancel()
        task.result()
        return True
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return False
