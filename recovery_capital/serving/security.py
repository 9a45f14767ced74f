"""The course server's HTTP hardening, and how the course home lets a trainee join.

Kept apart from :mod:`recovery_capital.serving.app` (which wires it in with a line or two) so the
rules can be read in one place:

* :func:`harden_settings`: a Content-Security-Policy that allows only what the course's pages
  use (their own scripts, styles, images and kernel websockets), ``SameSite=Lax`` cookies and
  no ``Referer`` leaving the site (a personal link carries a secret).
* :func:`safe_path`: odd addresses (``/logout``, ``..`` in a static path, a NUL byte) are
  answered "not found" before any handler can fail on them with a 500.
* :class:`JoinThrottle`: how often one address may try to join, generous enough for a training
  room behind one NAT address, with wrong codes counted more strictly, per address and
  overall. The store itself limits how fast one cohort fills
  (:data:`recovery_capital.store.store.JOINS_PER_COHORT_PER_MINUTE`).
* :func:`home_view` and :func:`join_by_form`: the course home never creates a participant on
  a GET. A cohort link shows a Join button (a POST with an XSRF token); joining redirects to
  the trainee's personal link (``?cohort=CODE&secret=...``), which the home page then shows
  to copy or bookmark, with "This is not me" to leave. Every GET answers the same way for a
  real code and a made-up one.

>>> "script-src 'self'" in content_security_policy()
True
>>> safe_path("/voila/templates/lab/static/../x"), safe_path("/voila/render/modules/a.ipynb")
(False, True)
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

__all__ = [
    "CSP_DIRECTIVES",
    "content_security_policy",
    "harden_settings",
    "harden_login_cookie",
    "safe_path",
    "JoinThrottle",
    "home_view",
    "join_by_form",
]

log = logging.getLogger(__name__)

#: Everything a course page needs, and nothing else. Voila's page bootstraps with inline
#: scripts and JupyterLab's widget code compiles templates at run time, hence 'unsafe-inline'
#: and 'unsafe-eval' for scripts; but no script, style, frame or connection may come from
#: another site, no plug-ins run, and forms post only back to the course.
CSP_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",  # CSP 3: 'self' covers the page's own ws:// and wss://
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
)


def content_security_policy(extra_image_sources: tuple[str, ...] = ()) -> str:
    """The course's Content-Security-Policy header value.

    ``extra_image_sources`` adds origins a course's logo may come from.

    >>> "img-src 'self' data: blob: https://example.org" in content_security_policy(
    ...     ("https://example.org",))
    True
    """
    directives = []
    for directive in CSP_DIRECTIVES:
        if directive.startswith("img-src") and extra_image_sources:
            directive = " ".join((directive, *extra_image_sources))
        directives.append(directive)
    return "; ".join(directives)


def _origin(url: str) -> str | None:
    found = re.match(r"(https?://[^/\s;']+)", url or "")
    return found.group(1) if found else None


def harden_settings(*settings: dict[str, Any], logo_url: str = "") -> None:
    """Put the course's security headers and cookie options into Tornado settings dicts.

    Voila builds its application from one settings dict and then updates it with the
    configured ``tornado_settings``, so both are passed here.

    >>> app, configured = {}, {"headers": {"Referrer-Policy": "same-origin"}}
    >>> harden_settings(app, configured)
    >>> configured["headers"]["Referrer-Policy"], app["xsrf_cookie_kwargs"]["samesite"]
    ('same-origin', 'Lax')
    >>> configured["headers"]["Content-Security-Policy"].startswith("default-src 'self'")
    True
    """
    origin = _origin(logo_url)
    policy = content_security_policy((origin,) if origin else ())
    for values in settings:
        headers = values.setdefault("headers", {})
        headers["Content-Security-Policy"] = policy
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("X-Content-Type-Options", "nosniff")
        cookies = dict(values.get("xsrf_cookie_kwargs") or {})
        cookies.setdefault("samesite", "Lax")
        values["xsrf_cookie_kwargs"] = cookies


def harden_login_cookie(identity_provider: Any) -> None:
    """Make the Jupyter identity cookie (the anonymous visitor's id) ``SameSite=Lax`` too.

    >>> class Provider:
    ...     cookie_options = {}
    >>> provider = Provider(); harden_login_cookie(provider); provider.cookie_options
    {'samesite': 'Lax'}
    """
    if identity_provider is None:
        return
    options = dict(getattr(identity_provider, "cookie_options", None) or {})
    options.setdefault("samesite", "Lax")
    identity_provider.cookie_options = options


# Jupyter's own sign-in pages, which the course has not (its LMS launch, /lti/login, is kept)
_REFUSED_PATHS = re.compile(r"(^|/)(?<!lti/)(logout|login)/?$")


def safe_path(path: str) -> bool:
    """Whether a request path is one a handler may see: no ``..`` or ``.`` segment, no
    NUL or other control character (also percent-encoded), no backslash, not a login page
    the course does not have.

    >>> safe_path("/logout"), safe_path("/voila/files/modules/a%00.png")
    (False, False)
    >>> safe_path("/voila/static/voila.js"), safe_path("/voila/render/modules/x%2e%2e/a.png")
    (True, True)
    >>> safe_path("/course/login"), safe_path("/course/lti/login")
    (False, True)
    """
    decoded = unquote(path or "")
    if any(ord(c) < 0x20 or c == "\x7f" for c in decoded) or "\\" in decoded:
        return False
    if any(segment in ("..", ".") for segment in decoded.split("/")):
        return False
    return not _REFUSED_PATHS.search(decoded)


@dataclass
class JoinThrottle:
    """Sliding-window limits on joining, per address and (for wrong codes) overall.

    The defaults let a room of 30 behind one address join twice over in ten minutes, while a
    guesser gets ``wrong_per_address`` codes per window from one address and the whole
    server ``wrong_overall``: with eight-character codes (about 40 bits) that is centuries.

    >>> throttle = JoinThrottle(joins_per_address=2, wrong_per_address=1)
    >>> throttle.allow("10.0.0.1"), throttle.allow("10.0.0.1")
    (True, True)
    >>> throttle.record("10.0.0.1", ok=True); throttle.record("10.0.0.1", ok=True)
    >>> throttle.allow("10.0.0.1"), throttle.allow("10.0.0.2")
    (False, True)
    """

    joins_per_address: int = 90
    wrong_per_address: int = 20
    wrong_overall: int = 200
    window: float = 600.0
    clock: Callable[[], float] = time.monotonic
    _joins: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _wrong: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _all_wrong: deque[float] = field(default_factory=deque, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def _recent(self, times: deque[float], now: float) -> int:
        while times and now - times[0] >= self.window:
            times.popleft()
        return len(times)

    def allow(self, address: str) -> bool:
        """Whether ``address`` may try to join now."""
        now = self.clock()
        with self._lock:
            joins = self._recent(self._joins.setdefault(address, deque()), now)
            wrong = self._recent(self._wrong.setdefault(address, deque()), now)
            overall = self._recent(self._all_wrong, now)
            if len(self._joins) > 10_000:  # forget quiet addresses so memory stays small
                for key in [k for k, v in self._joins.items() if not v]:
                    self._joins.pop(key, None)
                    self._wrong.pop(key, None)
        return (
            joins < self.joins_per_address
            and wrong < self.wrong_per_address
            and overall < self.wrong_overall
        )

    def record(self, address: str, *, ok: bool) -> None:
        """Count one join attempt by ``address`` (``ok``: it joined)."""
        now = self.clock()
        with self._lock:
            self._joins.setdefault(address, deque()).append(now)
            if not ok:
                self._wrong.setdefault(address, deque()).append(now)
                self._all_wrong.append(now)


THROTTLED = (
    "There have been a lot of attempts to join from here in the last few minutes. Please "
    "wait ten minutes and try again, or check the join code with your trainer."
)


def _argument(handler: Any, name: str) -> str:
    try:
        return (handler.get_argument(name, "") or "").strip()
    except Exception:  # a malformed argument is the same as none
        return ""


async def _in_thread(work: Callable[[], Any]) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, work)


def _store(handler: Any) -> Any:
    store = handler.settings.get("course_store")
    if store is None:
        from ..store import Store

        store = handler.settings["course_store"] = Store()
    return store


async def home_view(handler: Any) -> dict[str, Any]:
    """What the course home shows for this GET; never changes the store.

    Returns values for ``home.html``: ``cohort``, ``handle`` (shown only for a working
    personal link), ``personal_link``, ``notice``, ``joining`` (show the Join button),
    ``left`` and ``xsrf_form``.
    """
    from ..session.context import OLD_LINK_NOTICE, SECRET_PARAMETER
    from ..store.errors import StoreError, UnknownCohort
    from ..store.keys import normalise_code

    view: dict[str, Any] = {"handle": "", "personal_link": "", "notice": "", "joining": False}
    view["left"] = bool(_argument(handler, "leave"))
    cohort = _argument(handler, "cohort")
    secret = _argument(handler, SECRET_PARAMETER)
    view["cohort"] = cohort
    view["xsrf_form"] = handler.xsrf_form_html()
    if view["left"] or not cohort:
        view["cohort"] = ""
        return view
    try:
        code = normalise_code(cohort)
    except UnknownCohort as exc:
        view["notice"] = str(exc)
        view["joining"] = True
        return view
    view["cohort"] = code
    if secret:
        try:
            view["handle"] = await _in_thread(lambda: _store(handler).identify(code, secret))
        except StoreError as exc:
            view["notice"] = str(exc)
            view["joining"] = True
            return view
        request = handler.request
        # Behind a proxy that serves HTTPS the server itself hears plain HTTP; the link is
        # only shown back to the person who asked, so their proxy's word is good enough.
        scheme = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
        scheme = scheme if scheme in ("http", "https") else request.protocol
        link = f"{scheme}://{request.host}{handler.base_url}"
        view["personal_link"] = link + "?" + urlencode({"cohort": code, "secret": secret})
        return view
    if _argument(handler, "handle"):
        view["notice"] = OLD_LINK_NOTICE
    view["joining"] = True  # the same page for a real code and a made-up one
    return view


async def join_by_form(handler: Any, throttle: JoinThrottle) -> tuple[str | None, str]:
    """Join the cohort a home page form posted: (personal link query, "") or (None, notice).

    Wrong codes and refused joins come back as a notice for the same page; an address that
    tried too often is told to wait (HTTP 429) before the store is asked anything.
    """
    from ..session.context import SECRET_PARAMETER
    from ..store.errors import InvalidHandle, JoinRefused, StoreError, UnknownCohort

    address = handler.request.remote_ip or "unknown"
    if not throttle.allow(address):
        handler.set_status(429)
        handler.set_header("Retry-After", str(int(throttle.window)))
        return None, THROTTLED
    cohort = _argument(handler, "cohort")
    handle = _argument(handler, "handle") or None
    try:
        place = await _in_thread(lambda: _store(handler).enrol(cohort, handle))
    except UnknownCohort as exc:
        throttle.record(address, ok=False)
        return None, str(exc)
    except (InvalidHandle, JoinRefused) as exc:
        throttle.record(address, ok=True)
        return None, str(exc)
    except StoreError:
        log.exception("the store could not take a join")
        return None, "We can't reach the answer store just now. Please try again in a moment."
    throttle.record(address, ok=True)
    return urlencode({"cohort": place.cohort, SECRET_PARAMETER: place.secret}), ""
