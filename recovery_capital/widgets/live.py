"""Refresh a live view every couple of seconds without blocking the kernel.

Voila keeps a kernel's event loop running after the page has rendered, so an ``asyncio`` task
started from a notebook cell can poll the store and update widgets, and the widget updates reach
the browser. Outside an event loop (tests, scripts) nothing is scheduled: call the refresh
function yourself.

>>> ticks = []
>>> refresher = Refresher(lambda: ticks.append(1), interval=2.0)
>>> refresher.running   # no event loop here
False
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

__all__ = ["Refresher", "REFRESH_SECONDS", "LIVE_SECONDS"]

log = logging.getLogger("recovery_capital.widgets")

REFRESH_SECONDS = 2.0
#: How often a live view checks what the trainer has just done (a poll opened or revealed, a
#: new answer on the dashboard). The check is one indexed read, about half a millisecond, so
#: thirty pages doing it twice a second cost the server little; the room sees a change within
#: about half a second plus the time the message takes to reach the browser.
LIVE_SECONDS = 0.5


class Refresher:
    """Call ``refresh()`` every ``interval`` seconds in the kernel's event loop, if there is one.

    An error in one refresh is logged and the next one still happens; :meth:`stop` ends it.
    """

    def __init__(self, refresh: Callable[[], None], interval: float = REFRESH_SECONDS) -> None:
        self._refresh = refresh
        self.interval = interval
        self._task: asyncio.Task[None] | None = None
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._task = loop.create_task(self._run())

    @property
    def running(self) -> bool:
        """True while the periodic refresh is scheduled."""
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.interval)
            try:
                self._refresh()
            except Exception:
                log.exception("a live refresh failed; trying again shortly")

    def stop(self) -> None:
        """Stop refreshing."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
