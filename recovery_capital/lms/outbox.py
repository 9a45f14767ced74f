"""A durable outbox and the background courier that empties it.

Anything bound for another system (xAPI statements for a learning record store, grades for an
LMS) is first written to a small SQLite file, in the trainee's own request but in well under a
millisecond, and then sent by a daemon thread. The remote system being slow, down or refusing
the credentials never reaches the trainee: items wait, are retried with growing pauses (up to
:data:`MAX_DELAY`), and survive the kernel ending; the next process using the same file carries
on. Several processes may share one outbox: an item is *claimed* for a while before sending, so
only one of them sends it at a time.

>>> import tempfile, pathlib
>>> box = Outbox(pathlib.Path(tempfile.mkdtemp()) / "outbox.sqlite3")
>>> box.put("xapi", {"id": 1}); box.put("xapi", {"id": 2})
>>> [item.payload for item in box.claim("xapi", limit=10)]
[{'id': 1}, {'id': 2}]
>>> box.claim("xapi", limit=10)  # claimed items are not handed out twice
[]
>>> box.pending("xapi")
2
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Courier", "Item", "Outbox", "PermanentFailure", "TemporaryFailure", "MAX_DELAY"]

log = logging.getLogger("recovery_capital.lms")

#: longest pause between two tries of the same item, in seconds
MAX_DELAY = 300.0
#: how long a claimed item is reserved for the process that claimed it
LEASE = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    payload TEXT NOT NULL,
    created REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    claimed_until REAL NOT NULL DEFAULT 0,
    state TEXT NOT NULL DEFAULT 'queued',
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_due ON outbox (channel, state, next_try);
"""


class TemporaryFailure(Exception):
    """The remote system could not take the items now (down, busy, refused the login)."""


class PermanentFailure(Exception):
    """The remote system will never take these items as they are (it said they are invalid)."""


@dataclass(frozen=True)
class Item:
    """One queued item: its row id, payload and how often it was tried."""

    id: int
    payload: Any
    attempts: int


class Outbox:
    """The SQLite file that holds items until they are delivered (see the module notes)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not self.path.exists():
            self.path.touch(mode=0o600)  # trainee data, even under a pseudonym
        self._local = threading.local()
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            for suffix in ("-wal", "-shm"):  # the write-ahead log holds the same data
                side = self.path.with_name(self.path.name + suffix)
                with contextlib.suppress(OSError):  # another owner's file: leave it be
                    side.touch(mode=0o600)  # SQLite keeps the mode of a file that exists
                    side.chmod(0o600)
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def put(self, channel: str, payload: Any) -> None:
        """Queue one item (a JSON-ready payload)."""
        self.put_many(channel, [payload])

    def put_many(self, channel: str, payloads: Sequence[Any]) -> None:
        """Queue several items in one write."""
        if not payloads:
            return
        now = time.time()
        rows = [(channel, json.dumps(p, separators=(",", ":")), now) for p in payloads]
        conn = self._connect()
        with conn:
            conn.executemany(
                "INSERT INTO outbox (channel, payload, created) VALUES (?, ?, ?)", rows
            )

    def claim(self, channel: str, limit: int, lease: float = LEASE) -> list[Item]:
        """Reserve up to ``limit`` due items for ``lease`` seconds, oldest first."""
        now = time.time()
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            rows = conn.execute(
                "SELECT id, payload, attempts FROM outbox WHERE channel = ? AND state = 'queued'"
                " AND next_try <= ? AND claimed_until <= ? ORDER BY id LIMIT ?",
                (channel, now, now, limit),
            ).fetchall()
            conn.executemany(
                "UPDATE outbox SET claimed_until = ? WHERE id = ?",
                [(now + lease, row[0]) for row in rows],
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return [Item(row[0], json.loads(row[1]), row[2]) for row in rows]

    def done(self, items: Sequence[Item]) -> None:
        """Forget delivered items."""
        conn = self._connect()
        with conn:
            conn.executemany("DELETE FROM outbox WHERE id = ?", [(i.id,) for i in items])

    def retry(self, items: Sequence[Item], error: str) -> float:
        """Put items back for a later try; returns the pause before the next one (seconds)."""
        attempts = max((i.attempts for i in items), default=0) + 1
        delay = min(MAX_DELAY, 2.0 ** min(attempts, 12))
        conn = self._connect()
        with conn:
            conn.executemany(
                "UPDATE outbox SET attempts = attempts + 1, next_try = ?, claimed_until = 0,"
                " last_error = ? WHERE id = ?",
                [(time.time() + delay, error[:500], i.id) for i in items],
            )
        return delay

    def reject(self, items: Sequence[Item], error: str) -> None:
        """Keep items the remote system refused for good, out of the queue, with the reason."""
        conn = self._connect()
        with conn:
            conn.executemany(
                "UPDATE outbox SET state = 'rejected', claimed_until = 0, last_error = ?"
                " WHERE id = ?",
                [(error[:500], i.id) for i in items],
            )

    def pending(self, channel: str) -> int:
        """How many items still wait to be delivered."""
        row = (
            self._connect()
            .execute(
                "SELECT COUNT(*) FROM outbox WHERE channel = ? AND state = 'queued'", (channel,)
            )
            .fetchone()
        )
        return int(row[0])

    def rejected(self, channel: str) -> list[tuple[Any, str]]:
        """Items refused for good, with the reason each was refused."""
        rows = (
            self._connect()
            .execute(
                "SELECT payload, last_error FROM outbox WHERE channel = ? AND state = 'rejected'"
                " ORDER BY id",
                (channel,),
            )
            .fetchall()
        )
        return [(json.loads(payload), error) for payload, error in rows]

    def next_due(self, channel: str) -> float | None:
        """When the next queued item may be tried (a time.time() value), or None if none wait."""
        row = (
            self._connect()
            .execute(
                "SELECT MIN(MAX(next_try, claimed_until)) FROM outbox"
                " WHERE channel = ? AND state = 'queued'",
                (channel,),
            )
            .fetchone()
        )
        return None if row[0] is None else float(row[0])


class Courier:
    """A daemon thread sending one channel of an outbox through ``send``.

    ``send(payloads)`` delivers a batch or raises :class:`TemporaryFailure` (try again later)
    or :class:`PermanentFailure` (a batch is then sent one by one, so one bad item cannot
    hold back the others; a single refused item is kept aside with the reason).
    """

    def __init__(
        self,
        outbox: Outbox,
        channel: str,
        send: Callable[[list[Any]], None],
        *,
        batch_size: int = 50,
        idle_poll: float = 5.0,
    ) -> None:
        self.outbox = outbox
        self.channel = channel
        self._send = send
        self._batch = batch_size
        self._idle_poll = idle_poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.delivered = 0

    def start(self) -> Courier:
        """Start the thread (once)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"rc-courier-{self.channel}", daemon=True
            )
            self._thread.start()
        return self

    def nudge(self) -> None:
        """Something was queued: look now rather than at the next poll."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop after the batch in hand (queued items stay in the outbox)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._stop.clear()

    def deliver_due(self) -> int:
        """Send every item that is due now; returns how many were delivered (also used by
        the thread)."""
        sent = 0
        while not self._stop.is_set():
            items = self.outbox.claim(self.channel, self._batch)
            if not items:
                break
            delivered = self._deliver(items)
            sent += delivered
            if delivered < len(items):
                break  # the remote system is failing: wait for the items' next try
        self.delivered += sent
        return sent

    def _deliver(self, items: list[Item]) -> int:
        try:
            self._send([item.payload for item in items])
        except TemporaryFailure as exc:
            delay = self.outbox.retry(items, str(exc))
            log.warning(
                "%s: %d waiting, next try in %.0f s: %s", self.channel, len(items), delay, exc
            )
            return 0
        except PermanentFailure as exc:
            if len(items) == 1:
                log.error("%s: an item was refused and is kept aside: %s", self.channel, exc)
                self.outbox.reject(items, str(exc))
                return 0
            return sum(self._deliver([item]) for item in items)
        except Exception as exc:  # a bug or an unexpected reply: keep the items, try later
            log.exception("%s: sending failed", self.channel)
            self.outbox.retry(items, f"{type(exc).__name__}: {exc}")
            return 0
        self.outbox.done(items)
        return len(items)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliver_due()
                due = self.outbox.next_due(self.channel)
            except Exception:  # the outbox file itself failed (disk full...): try again later
                log.exception("%s: the outbox could not be read", self.channel)
                due = None
            wait = self._idle_poll if due is None else max(0.05, due - time.time())
            self._wake.wait(min(wait, self._idle_poll))
            self._wake.clear()
