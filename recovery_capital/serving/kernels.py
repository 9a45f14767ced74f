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
  at the next cull, so it cannot hold a slot for the full idle timeout. The clock starts when
  the page's kernel starts (or leaves the pool) and again whenever its last connection closes.
- Kernels are shared fairly between browsers (:mod:`recovery_capital.serving.visitors` tells
  them apart). One browser holds at most ``kernels_per_browser`` pages: opening one more ends
  its least recently used page instead of refusing it. When every slot is taken, a new page
  takes one from whoever holds the most: from another address holding more than the
  newcomer's, else from a browser at the newcomer's address holding more than its own, least
  recently used first. Only when no one holds more than their share is the course full.
- A page served without preheating arrives before its cells run, and Voila keeps its notebook
  until the browser asks for them to run; a kernel that ends first takes that copy with it.

It runs inside the Voila child process started by ``recovery-capital serve``.

>>> CourseFull().status_code
503
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Float, Integer

from .visitors import REQUESTER, Requester

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
        40,
        config=True,
        help="End a kernel no page has been connected to for this many seconds (0: never).",
    )
    kernels_per_browser = Integer(
        6, config=True, help="The most pages one browser keeps open; more end its oldest."
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
        self._owners: dict[str, Requester] = {}
        self._adopt_pool_kernels()

    def _adopt_pool_kernels(self) -> None:
        """Track a preheated kernel as its visitor's page once Voila hands it out.

        Voila's pooling wrapper (a subclass of this class) hands kernels out in
        ``get_rendered_notebook`` without calling ``start_kernel``.
        """
        handed_out = getattr(self, "get_rendered_notebook", None)
        if handed_out is None:
            return

        async def get_rendered_notebook(*args: Any, **kwargs: Any) -> Any:
            render_task, rendered, kernel_id = await handed_out(*args, **kwargs)
            await self.adopt(kernel_id)
            return render_task, rendered, kernel_id

        self.get_rendered_notebook = get_rendered_notebook

    @property
    def kernels_in_use(self) -> int:
        """Kernels running or being started right now."""
        return len(self.list_kernel_ids()) + self._starting

    def at_capacity(self) -> bool:
        """True when one more kernel would go over ``max_kernels``."""
        return self.kernels_in_use >= self.max_kernels

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        """Start a kernel if a slot is free (or fairly freed); a pool refill waits for one,
        a page gets 503."""
        if is_pool_start(kwargs):
            return await self._start_pool_kernel(*args, **kwargs)
        requester = REQUESTER.get()
        await self.make_room(requester)
        if self.at_capacity():
            self.log.warning(
                "Kernel cap reached (%d of %d): showing the 'course is full' page",
                self.kernels_in_use,
                self.max_kernels,
            )
            raise CourseFull()
        kernel_id = await self._start_now(*args, **kwargs)
        self._track_page(kernel_id, requester)
        return kernel_id

    def _track_page(self, kernel_id: str, requester: Requester | None) -> None:
        """Note whose page ``kernel_id`` serves; its never-connected clock starts now."""
        self._unconnected_since[kernel_id] = time.monotonic()
        if requester is not None:
            self._owners[kernel_id] = requester

    async def adopt(self, kernel_id: str) -> None:
        """A preheated kernel has been handed to the page being served: track it as that
        visitor's, keeping their browser within its share."""
        requester = REQUESTER.get()
        if requester is not None:
            await self._keep_share(requester, keep=kernel_id)
        self._track_page(kernel_id, requester)

    def owned_by(self, requester: Requester) -> list[str]:
        """The running kernels serving pages of ``requester``'s browser."""
        return [k for k, owner in list(self._owners.items()) if owner == requester and k in self]

    async def make_room(self, requester: Requester | None) -> None:
        """Before a page kernel starts: keep its browser within its share, and when every slot
        is taken, end the least recently used page of whoever holds more than their share."""
        if requester is None:
            return
        await self._keep_share(requester)
        if self.at_capacity():
            victim = self.fair_victim(requester)
            if victim is not None:
                self.log.info("Server full: ending a page of a visitor holding more than most")
                await self.shutdown_kernel(victim)

    async def _keep_share(self, requester: Requester, keep: str | None = None) -> None:
        own = [k for k in self.owned_by(requester) if k != keep]
        limit = max(1, self.kernels_per_browser) - 1  # leave room for the page being opened
        for kernel_id in self._least_recently_used(own)[: max(0, len(own) - limit)]:
            self.log.info("A browser opened more than %d pages: ending its oldest", limit + 1)
            await self.shutdown_kernel(kernel_id)

    def fair_victim(self, requester: Requester) -> str | None:
        """The kernel to end so that ``requester`` gets a page on a full server, or None.

        Another address that holds more kernels than the newcomer's gives one up first; else
        a browser at the newcomer's address holding at least two more than the newcomer.
        """
        owners = {k: o for k, o in list(self._owners.items()) if k in self}
        by_address = Counter(owner.address for owner in owners.values())
        mine = by_address.get(requester.address, 0)
        richest = max(by_address, key=by_address.__getitem__, default=None)
        if richest is not None and richest != requester.address and by_address[richest] > mine:
            return self._least_recently_used(
                [k for k, o in owners.items() if o.address == richest]
            )[0]
        local = Counter(o.browser for o in owners.values() if o.address == requester.address)
        own = local.get(requester.browser, 0)
        browser = max(local, key=local.__getitem__, default=None)
        if browser is not None and browser != requester.browser and local[browser] >= own + 2:
            return self._least_recently_used(
                [k for k, o in owners.items() if o == Requester(requester.address, browser)]
            )[0]
        return None

    def _least_recently_used(self, kernel_ids: list[str]) -> list[str]:
        """``kernel_ids``, those without a page connected first, then the longest quiet."""
        return sorted(
            kernel_ids,
            key=lambda k: (
                bool(self._kernel_connections.get(k, 0)),
                -self._seconds_since_activity(k),
            ),
        )

    def notify_connect(self, kernel_id: str) -> None:
        super().notify_connect(kernel_id)
        self._unconnected_since.pop(kernel_id, None)

    def notify_disconnect(self, kernel_id: str) -> None:
        super().notify_disconnect(kernel_id)
        if kernel_id in self and not self._kernel_connections.get(kernel_id, 0):
            self._unconnected_since[kernel_id] = time.monotonic()

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
            self._owners.pop(kernel_id, None)
            self._unconnected_since.pop(kernel_id, None)

    def unconnected_for(self, kernel_id: str, now: float | None = None) -> float:
        """Seconds since a page was last seen connected to ``kernel_id`` (0 while connected).

        The clock starts when a page's kernel starts or its last connection closes; for any
        other kernel, at the first cull pass that finds it without a connection.
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
