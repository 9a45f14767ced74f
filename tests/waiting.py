"""Waiting for something to happen in a test: poll until it does, with a generous deadline.

A fixed sleep with a small margin passes on an idle machine and fails on a busy one; polling
ends as soon as the thing has happened, and waits as long as a slow machine needs.

>>> import asyncio
>>> asyncio.run(until(lambda: True))
True
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

__all__ = ["until"]


async def until(happened: Callable[[], object], *, within: float = 20.0, every: float = 0.01):
    """Poll ``happened()`` in the running loop until it is truthy; fail after ``within`` s."""
    deadline = time.monotonic() + within
    while not (value := happened()):
        if time.monotonic() > deadline:
            raise AssertionError(f"still not so after {within} s: {happened}")
        await asyncio.sleep(every)
    return value
