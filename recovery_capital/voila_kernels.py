"""A kernel manager that caps how many kernels the course server runs at once.

Voila starts one kernel per open page and has no limit of its own (upstream issue 617), so a
busy class could exhaust the machine's memory. :class:`CappedKernelManager` is handed to Voila
through ``VoilaConfiguration.multi_kernel_manager_class``; Voila's pooling wrapper
(``voila_kernel_manager_factory``) subclasses it, so the cap covers pooled kernels too.

- A kernel asked for by a page beyond the cap raises :class:`CourseFull` (HTTP 503), which the
  course's page handler turns into a friendly "the course is full" page.
- A kernel asked for by the preheated pool's refill never fails: it waits until a kernel ends
  (closed tab, culled after idling) and starts then, so the pool refills without going over.
- A kernel that no page has been connected to for ``unconnected_timeout`` seconds (a page
  fetched but never opened in a browser, a tab that vanished without saying goodbye) is ended
  at the next cull, so it cannot hold a slot for the full idle timeout.

It runs inside the Voila child process started by ``recovery-capital serve``.

>>> CourseFull().status_code
503
"""

from __future__ import annotations

import asyncio
import time
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
    unconnected_timeout = Integer(
        300,
        config=True,
        help="End a kernel no page has been connected to for this many seconds (0: never).",
    )
    pool_wait_interval = Float(
        0.5, config=True, help="Seconds between checks while a pool refill waits for a slot."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0
        self._unconnected_since: dict[str, float] = {}

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

    def unconnected_for(self, kernel_id: str, now: float | None = None) -> float:
        """Seconds since a page was last seen connected to ``kernel_id`` (0 while connected).

        The clock starts at the first cull pass that finds the kernel without a connection.
        """
        now = time.monotonic() if now is None else now
        if self._kernel_connections.get(kernel_id, 0):
            self._unconnected_since.pop(kernel_id, None)
            return 0.0
        return now - self._unconnected_since.setdefault(kernel_id, now)

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        """End kernels left without a page, then apply the usual idle rule."""
        timeout = self.unconnected_timeout
        if timeout > 0 and kernel_id in self and self.unconnected_for(kernel_id) >= timeout:
            self.log.info("Ending kernel %s: no page connected for %d s", kernel_id, timeout)
            self._unconnected_since.pop(kernel_id, None)
            await self.shutdown_kernel(kernel_id)
            return
        await super().cull_kernel_if_idle(kernel_id)
