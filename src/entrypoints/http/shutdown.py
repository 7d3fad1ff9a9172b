"""A server's shutdown as the app sees it: open streams end as soon as the process is told to stop.

Granian (like any server) waits for open responses before it runs the app's shutdown, and the unread badge's
streams would keep it waiting for their ten minutes. So the app hears SIGTERM and SIGINT itself, beside the
server (whose own handler still runs), and every stream waiting between two checks ends at once; the browser
reconnects to the next process. `serve` still kills a worker that has not stopped GRACE_SECONDS after the
signal, for any other request that hangs.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import threading
from collections.abc import Awaitable, Callable, Iterator
from types import FrameType
from typing import Any

SIGNALS = (signal.SIGTERM, signal.SIGINT)
STOPPING = "stopping"  # where app.state holds the app's Stopping
Wait = Callable[[float], Awaitable[None]]


class Stopping:
    def __init__(self) -> None:
        self._event = asyncio.Event()

    def is_set(self) -> bool:
        return self._event.is_set()

    def set(self) -> None:
        self._event.set()

    def cut_short(self, wait: Wait) -> Wait:
        """`wait`, ended early when the process is told to stop."""

        async def waiting(seconds: float) -> None:
            if self._event.is_set():
                return
            waited = asyncio.ensure_future(wait(seconds))
            stopped = asyncio.ensure_future(self._event.wait())
            try:
                await asyncio.wait({waited, stopped}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in (waited, stopped):
                    task.cancel()

        return waiting

    @contextlib.contextmanager
    def heard(self) -> Iterator[None]:
        """While the app runs: the stop signals set this too, then go on to the handler that was there (the
        server's). Only the main thread can install handlers: elsewhere (a test client's thread) nothing changes."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        loop = asyncio.get_running_loop()
        previous = {sig: signal.getsignal(sig) for sig in SIGNALS}

        def on_signal(signum: int, frame: FrameType | None) -> None:
            loop.call_soon_threadsafe(self._event.set)
            before: Any = previous[signal.Signals(signum)]
            if callable(before):
                before(signum, frame)
            elif before == signal.SIG_DFL:
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)

        for sig in SIGNALS:
            signal.signal(sig, on_signal)
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
