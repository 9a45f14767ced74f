"""A kernel manager that caps how many kernels the course server runs at once.

Voila starts one kernel per open page and has no limit of its own (upstream issue 617), so a
busy class could exhaust the machine's memory. :class:`CappedKernelManager` is handed to Voila
through ``VoilaConfiguration.multi_kernel_manager_class``; Voila's pooling wrapper
(``voila_kernel_manager_factory``) subclasses it, so the cap covers pooled kernels too.

- A kernel asked for by a page beyond the cap raises :class:`CourseFull` (HTTP 503), which the
  course's page handler turns into a friendly "the course is full" page.
- A kernel asked for by the preheated pool's refill never fails: it waits until a kernel ends
  (closed tab, culled after idling) and starts then, so the pool refills without going over.

It runs inside the Voila child process started by ``recovery-capital serve``.

>>> CourseFull().status_code
503
"""

from __future__ import annotations

import asyncio
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Float, Integer

__all__ = ["CappedKernelManager", "CourseFull", "is_pool_start"]


class CourseFull(HTTPError):
    """Every kernel slot is taken; the page handler shows the "course is full" page."""

    def __init__(self) -> None:
        super().__init__(503, reason="Course full")


def is_pool_start(kwargs: dict[str, Any]) -> bool:
    """Whether a ``start_kernel`` call comes from Voila's preheated pool, not from a page.

    Voila marks pool kernels with ``VOILA_PREHEAT=True`` in their environment.

    >>> is_pool_start({"env": {"VOILA_PREHEAT": "True"}}), is_pool_start({"env": {}})
    (True, False)
    """
    env = kwargs.get("env") or {}
    return env.get("VOILA_PREHEAT") == "True"


class CappedKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` with ``max_kernels``; see the module docstring."""

    max_kernels = Integer(
        40, config=True, help="The most kernels (open pages plus preheated ones) at one time."
    )
    pool_wait_interval = Float(
        0.5, config=True, help="Seconds between checks while a pool refill waits for a slot."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0

    @property
    def kernels_in_use(self) -> int:
        """Kernels running or being started right now."""
        return len(self.list_kernel_ids()) + self._starting

    def at_capacity(self) -> bool:
        """True when one more kernel would go over ``max_kernels``."""
        return self.kernels_in_use >= self.max_kernels

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        """Start a kernel if a slot is free; a pool refill waits for one, a page gets 503."""
        if is_pool_start(kwargs):
            while self.at_capacity():
                await asyncio.sleep(self.pool_wait_interval)
        elif self.at_capacity():
            self.log.warning(
                "Kernel cap reached (%d of %d): showing the 'course is full' page",
                self.kernels_in_use,
                self.max_kernels,
            )
            raise CourseFull()
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1
