"""Who is asking for a page: the visitor's address and this browser's own id.

A module page costs a kernel, so the course server shares kernels fairly between browsers
(:mod:`recovery_capital.serving.kernels`). A training room's thirty trainees usually reach the
server from one public address, so the share is per *browser*, told apart by a random id in a
cookie (``rc_browser``): no name, no answers, only "the same browser as before".

- The course home and every module page give a browser without the cookie a new id. A module
  page asked for without the cookie answers with a redirect to itself that sets it, so a
  client that keeps no cookies (``curl`` fetching pages in a loop) starts no kernel at all.
  A browser that refuses cookies comes back marked (``rc_cookie=0``) and shares one id with
  every such browser at its address.
- New ids are rationed per address (:class:`TokenBucket`): generous enough for a room or two
  behind one address, but a client minting a fresh id for every page soon runs out.

>>> bucket = TokenBucket(capacity=2, per_second=0.5)
>>> [bucket.take("10.0.0.1", now=0.0) for _ in range(3)]
[True, True, False]
>>> bucket.take("10.0.0.1", now=2.0), bucket.take("10.0.0.2", now=2.0)
(True, True)
"""

from __future__ import annotations

import contextvars
import secrets
import time
from dataclasses import dataclass, field

__all__ = [
    "BROWSER_COOKIE",
    "NO_COOKIE_MARK",
    "Requester",
    "TokenBucket",
    "REQUESTER",
    "new_browser_id",
    "valid_browser_id",
]

BROWSER_COOKIE = "rc_browser"
#: the query parameter a page's cookie redirect adds, so a browser without cookies stops there
NO_COOKIE_MARK = "rc_cookie"
_ID_LENGTH = 22  # token_urlsafe(16)


@dataclass(frozen=True)
class Requester:
    """The address a page request came from and the browser's id (see the module notes)."""

    address: str
    browser: str


#: The visitor whose page request is being served, for the kernel manager to read.
REQUESTER: contextvars.ContextVar[Requester | None] = contextvars.ContextVar(
    "rc_requester", default=None
)


def new_browser_id() -> str:
    """A fresh random browser id.

    >>> valid_browser_id(new_browser_id())
    True
    """
    return secrets.token_urlsafe(16)


def valid_browser_id(value: str | None) -> bool:
    """Whether a cookie value looks like an id this server hands out.

    >>> valid_browser_id("x" * 22), valid_browser_id("../etc"), valid_browser_id(None)
    (True, False, False)
    """
    return (
        isinstance(value, str)
        and len(value) == _ID_LENGTH
        and all(c.isalnum() or c in "-_" for c in value)
    )


@dataclass
class TokenBucket:
    """At most ``capacity`` at once per key, refilled at ``per_second``; keys are forgotten
    once their bucket is full again, so the table cannot grow without bound."""

    capacity: float
    per_second: float
    _levels: dict[str, tuple[float, float]] = field(default_factory=dict)

    def take(self, key: str, now: float | None = None) -> bool:
        """Spend one token for ``key``; False when it has none left."""
        now = time.monotonic() if now is None else now
        level, since = self._levels.get(key, (self.capacity, now))
        level = min(self.capacity, level + (now - since) * self.per_second)
        if level < 1:
            self._levels[key] = (level, now)
            return False
        self._levels[key] = (level - 1, now)
        self._forget_full(now)
        return True

    def _forget_full(self, now: float) -> None:
        if len(self._levels) < 1024:
            return
        for key, (level, since) in list(self._levels.items()):
            if level + (now - since) * self.per_second >= self.capacity:
                del self._levels[key]
