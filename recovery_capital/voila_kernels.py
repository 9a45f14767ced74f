"""A kernel manager that caps how many kernels the course server runs at once.

Voila starts one kernel per open page and has no limit of its own (upstream issue 617), so a
busy class could exhaust the machine's memory. :class:`CappedKernelManager` is handed to Voila
through ``VoilaConfiguration.multi_kernel_manager_class``; Voila's pooling wrapper
(``voila_kernel_manager_factory``) subclasses it, so the cap covers pooled kernels too.

- A kernel asked for by a page beyond the cap raises :class:`CourseFull` (HTTP 503), which the
  course's page handler turns into a friendly "the course is full" page.
- A kernel asked for by the preheated pool's refill never fails: it waits until a kernel ends
  (closed tab, culled after idling) and starts then, so the pool refills without going over.
- Pool kernels are preheated a few at a time (``pool_start_concurrency``), each holding its
  turn until it has finished running the module. Voila asks for one refill per trainee who
  arrives; thirty at once would start thirty kernels running the module together, taking the
  machine from the trainees who just arrived. A refill also waits until the trainees' kernels
  have been quiet for ``refill_quiet`` seconds (at most ``refill_max_wait``), so the pool
  refills in the lull after a burst of arrivals rather than during it.
- A kernel that no page has been connected to for ``unconnected_timeout`` seconds (a page
  fetched but never opened in a browser, a tab that vanished without saying goodbye) is ended
  at the next cull, so it cannot hold a slot for the full idle timeout.
- A page served without preheating arrives before its cells run, and Voila keeps its notebook
  until the browser asks for them to run; a kernel that ends first takes that copy with it.

It runs inside the Voila child process started by ``recovery-capital serve``.

>>> CourseFull().status_code
503
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timezone
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Float, Integer

__all__ = ["CappedKernelManager", "CourseFull", "forget_unrun_page", "is_pool_start"]


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


def forget_unrun_page(kernel_id: str) -> bool:
    """Drop the notebook Voila keeps for a progressively rendered page that never ran.

    Voila stores it when it sends the page and removes it only when the browser asks for the
    cells to run, so a page fetched and abandoned would keep it for the server's lifetime.
    Returns whether there was one.

    >>> forget_unrun_page("no-such-kernel")
    False
    """
    from voila.tornado.execution_request_handler import ExecutionRequestHandler

    pages = getattr(ExecutionRequestHandler, "_execution_data", None)
    return isinstance(pages, dict) and pages.pop(kernel_id, None) is not None


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
    pool_start_concurrency = Integer(
        2, config=True, help="How many pool kernels may be starting and running the module at once."
    )
    refill_quiet = Float(
        3.0, config=True, help="Seconds the trainees' kernels must be quiet before a refill starts."
    )
    refill_max_wait = Float(
        90.0, config=True, help="The longest a refill waits for quiet before it starts anyway."
    )
    preheat_settle = Float(
        1.5, config=True, help="Seconds without activity after which a pool kernel is preheated."
    )
    preheat_max_hold = Float(
        120.0, config=True, help="The longest one pool kernel holds its turn to preheat."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0
        self._unconnected_since: dict[str, float] = {}
        self._pool_turns: asyncio.Semaphore | None = None

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
            return await self._start_pool_kernel(*args, **kwargs)
        if self.at_capacity():
            self.log.warning(
                "Kernel cap reached (%d of %d): showing the 'course is full' page",
                self.kernels_in_use,
                self.max_kernels,
            )
            raise CourseFull()
        return await self._start_now(*args, **kwargs)

    async def _start_now(self, *args: Any, **kwargs: Any) -> str:
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1

    async def _start_pool_kernel(self, *args: Any, **kwargs: Any) -> str:
        """Start a pool kernel in its turn, after the trainees' kernels have gone quiet."""
        if self._pool_turns is None:
            self._pool_turns = asyncio.Semaphore(max(1, self.pool_start_concurrency))
        await self._pool_turns.acquire()
        try:
            await self._wait_for_quiet()
            while self.at_capacity():
                await asyncio.sleep(self.pool_wait_interval)
            kernel_id = await self._start_now(*args, **kwargs)
        except BaseException:
            self._pool_turns.release()
            raise
        asyncio.ensure_future(self._release_turn_when_preheated(kernel_id))
        return kernel_id

    def _seconds_since_activity(self, kernel_id: str) -> float:
        """Seconds since the kernel last sent or received a message (0 while it is busy)."""
        kernel = self._kernels.get(kernel_id)
        last = getattr(kernel, "last_activity", None)
        if last is None or getattr(kernel, "execution_state", "idle") == "busy":
            return 0.0
        return (datetime.now(timezone.utc) - last).total_seconds()

    def trainees_quiet(self) -> bool:
        """True when every kernel a page is connected to has been quiet for ``refill_quiet``.

        Kernels waiting in the pool have no page connected, so only trainees' kernels count.
        """
        return all(
            self._seconds_since_activity(kernel_id) >= self.refill_quiet
            for kernel_id, connections in list(self._kernel_connections.items())
            if connections
        )

    async def _wait_for_quiet(self) -> None:
        deadline = time.monotonic() + self.refill_max_wait
        while not self.trainees_quiet() and time.monotonic() < deadline:
            await asyncio.sleep(self.pool_wait_interval)

    async def _release_turn_when_preheated(self, kernel_id: str) -> None:
        """Hold a pool turn until the new kernel has run the module (quiet for a moment)."""
        started = time.monotonic()
        try:
            await asyncio.sleep(self.preheat_settle)
            while time.monotonic() - started < self.preheat_max_hold:
                if kernel_id not in self or (
                    self._seconds_since_activity(kernel_id) >= self.preheat_settle
                ):
                    break
                await asyncio.sleep(self.pool_wait_interval)
        finally:
            assert self._pool_turns is not None  # made before the turn was taken
            self._pool_turns.release()

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        """End the kernel and drop the page notebook Voila kept for it, if never run."""
        try:
            await super().shutdown_kernel(kernel_id, *args, **kwargs)
        finally:
            forget_unrun_page(kernel_id)

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
