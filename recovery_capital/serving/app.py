"""The Voila application the course runs in: Voila, serving only what the course needs.

``recovery-capital serve`` starts this module as a child process
(``python -m recovery_capital.serving.app COURSE_DIR``) with a generated ``voila.json`` (see
:mod:`recovery_capital.serving.config`). :class:`CourseVoila` is Voila with its URL table narrowed:

- ``/voila/render/modules/**.ipynb`` renders a module; anything else under ``/voila/render/`` is
  a friendly 404, except images and styles under ``modules/`` and ``assets/``, which go on to
  Voila's allow-listed file handler (``/voila/files/``);
- the course home (``/``) lists the modules instead of Voila's file browser; ``/voila/tree``
  redirects there and the contents API (``/voila/api/contents``) is gone;
- a page that would go over the kernel cap gets "The course is full right now" (HTTP 503);
  kernels are shared fairly between browsers, told apart by a cookie that module pages set
  with a redirect (:mod:`recovery_capital.serving.visitors`), and new browsers are rationed per
  address, so one client cannot take the course from everyone else;
- not-found and error pages use the course theme; a trainer key, a personal secret or a
  handle never reaches the access log; odd paths are "not found", never a 500;
- security headers, cookies and joining from the course home live in
  :mod:`recovery_capital.serving.security`;
- the course controls' own JavaScript and CSS are served once, under a versioned address that
  browsers may cache (:mod:`recovery_capital.widgets.control_code`), instead of travelling
  with every widget;
- page templates are compiled once, not for every page (:mod:`recovery_capital.serving.templates`).

>>> classify_path("modules/02-recovery-capital.ipynb"), classify_path("assets/img/map.png")
('notebook', 'file')
>>> classify_path("tests/secret.ipynb") is None, classify_path("modules/../x.ipynb") is None
(True, True)
"""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.routing import Matcher, Rule
from traitlets import default
from voila.app import Voila
from voila.tornado.contentshandler import VoilaContentsHandler
from voila.tornado.handler import TornadoVoilaHandler
from voila.tornado.treehandler import TornadoVoilaTreeHandler

from ..lms.lti import course_lti_handlers
from ..settings.serving import CONFIG_DIR_ENV
from ..widgets.control_code import STATIC_DIR, controls_path
from .kernels import CourseFull
from .pages import BRANDING_KEYS, CoursePages, carried_query, list_modules
from .security import (
    JoinThrottle,
    harden_login_cookie,
    harden_settings,
    home_view,
    join_by_form,
    safe_path,
)
from .templates import keep_compiled_templates
from .visitors import (
    BROWSER_COOKIE,
    NO_COOKIE_MARK,
    REQUESTER,
    Requester,
    TokenBucket,
    new_browser_id,
    valid_browser_id,
)

__all__ = ["CourseVoila", "classify_path", "redact_query", "main", "CONFIG_DIR_ENV"]

#: Query parameters whose values never appear in the access log.
SECRET_PARAMETERS = ("key", "trainer_key", "token", "secret", "handle")

_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_STATIC_FILE = re.compile(r".*\.(png|jpe?g|gif|svg|webp|css|woff2?)", re.IGNORECASE)


def classify_path(path: str) -> str | None:
    """What a path under ``/voila/render/`` may be: ``"notebook"``, ``"file"`` or refused (None).

    Only plain segments (no ``..``, no hidden files) under ``modules/`` or ``assets/`` pass;
    notebooks only under ``modules/``.

    >>> classify_path("modules/trainer/dashboard.ipynb"), classify_path("assets/content/q.yaml")
    ('notebook', None)
    >>> classify_path("modules/.ipynb_checkpoints/x.ipynb") is None
    True
    """
    segments = path.split("/")
    if len(segments) < 2 or not all(_SAFE_SEGMENT.fullmatch(part) for part in segments):
        return None
    top = segments[0]
    if top == "modules" and path.endswith(".ipynb"):
        return "notebook"
    if top in {"modules", "assets"} and _STATIC_FILE.fullmatch(path):
        return "file"
    return None


def redact_query(uri: str) -> str:
    """A request URI with secret query values hidden, for logs.

    >>> redact_query("/voila/render/modules/trainer/dashboard.ipynb?cohort=K7P2Q&key=abc123")
    '/voila/render/modules/trainer/dashboard.ipynb?cohort=K7P2Q&key=[hidden]'
    """
    names = "|".join(SECRET_PARAMETERS)
    return re.sub(rf"([?&](?:{names})=)[^&#]*", r"\1[hidden]", uri)


def log_request(handler: web.RequestHandler) -> None:
    """Tornado's access log line, minus secrets; errors get a louder level."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING if status < 500 else logging.ERROR
    request = handler.request
    took = 1000.0 * request.request_time()
    summary = f"{request.method} {redact_query(request.uri or '')} ({request.remote_ip})"
    logging.getLogger("tornado.access").log(level, "%d %s %.2fms", status, summary, took)


class CoursePageMixin:
    """Friendly, themed error pages for the handlers the course adds or narrows."""

    def _request_summary(self) -> str:  # Tornado's error log lines: no secrets, no handles
        request = self.request  # type: ignore[attr-defined]
        return f"{request.method} {redact_query(request.uri or '')} ({request.remote_ip})"

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        handler: JupyterHandler = self  # type: ignore[assignment]
        pages: CoursePages = handler.settings["course_pages"]
        if status_code in (503, 429):
            handler.set_header("Retry-After", "60")
            body = pages.render("full.html", retry_url=handler.request.uri)
        elif status_code == 404:
            body = pages.render("not-found.html")
        else:
            body = pages.render("error.html")
        handler.set_header("Content-Type", "text/html; charset=UTF-8")
        handler.set_header("Cache-Control", "no-store")
        handler.finish(body)


#: New browser ids per address: a room or two at once, then one every two seconds.
NEW_BROWSERS_AT_ONCE = 80
NEW_BROWSERS_PER_SECOND = 0.5
_LOOPBACK = {"127.0.0.1", "::1"}


def visitor_address(request: Any) -> str:
    """The visitor's address; behind a proxy on this machine, the one the proxy reports.

    >>> from types import SimpleNamespace as NS
    >>> visitor_address(NS(remote_ip="127.0.0.1", headers={"X-Real-IP": "203.0.113.9"}))
    '203.0.113.9'
    >>> visitor_address(NS(remote_ip="198.51.100.7", headers={"X-Real-IP": "203.0.113.9"}))
    '198.51.100.7'
    """
    if request.remote_ip in _LOOPBACK:
        forwarded = request.headers.get("X-Real-IP", "").strip()
        if forwarded:
            return forwarded
    return request.remote_ip or ""


class BrowserIdMixin:
    """Gives each browser a random id cookie, rationed per address (see voila_visitors)."""

    def browser_id(self) -> str | None:
        """This browser's id, a new one (set as a cookie) if it has none, or None when the
        address has had too many new ones lately."""
        handler: JupyterHandler = self  # type: ignore[assignment]
        current = handler.get_cookie(BROWSER_COOKIE)
        if valid_browser_id(current):
            return current
        bucket: TokenBucket = handler.settings.setdefault(
            "course_new_browsers", TokenBucket(NEW_BROWSERS_AT_ONCE, NEW_BROWSERS_PER_SECOND)
        )
        if not bucket.take(visitor_address(handler.request)):
            return None
        fresh = new_browser_id()
        handler.set_cookie(
            BROWSER_COOKIE,
            fresh,
            path=handler.base_url,
            httponly=True,
            samesite="Lax",
            expires_days=30,
        )
        return fresh


class CourseNotebookHandler(BrowserIdMixin, CoursePageMixin, TornadoVoilaHandler):
    """Voila's notebook handler, for course modules only, shared fairly within the kernel cap."""

    async def get(self, path: str | None = None) -> None:
        path = path or ""
        kind = classify_path(path)
        if kind is None:
            raise web.HTTPError(404, f"not a course page: {path}")
        if kind == "file":
            self.redirect_to_file(path)
            return
        root = Path(self.settings["voila"].root_dir)
        if not (root / path).is_file():
            raise web.HTTPError(404, f"no such module: {path}")
        requester = self._requester()
        if requester is None:
            return  # redirected to set the browser's cookie, or refused
        token = REQUESTER.set(requester)
        try:
            make_room = getattr(self.kernel_manager, "make_room", None)
            if make_room is not None:
                await make_room(requester)
            if self._course_full(path):
                raise CourseFull()
            # Voila's page posts its kernel's shutdown on unload with the _xsrf cookie's
            # value; nothing else sets that cookie, so without it the kernel outlives its tab.
            _ = self.xsrf_token
            await super().get(path)
        finally:
            REQUESTER.reset(token)

    def _requester(self) -> Requester | None:
        """Who is asking, or None once the answer has been sent (a redirect, or 429)."""
        address = visitor_address(self.request)
        had_cookie = valid_browser_id(self.get_cookie(BROWSER_COOKIE))
        browser = self.browser_id()
        if browser is None:
            raise web.HTTPError(429, "too many new browsers from one address")
        if had_cookie:
            return Requester(address, browser)
        if self.get_query_argument(NO_COOKIE_MARK, ""):
            # cookies refused: every such browser at this address shares one id
            return Requester(address, "no-cookies")
        arguments = [(k, v.decode()) for k, vs in self.request.query_arguments.items() for v in vs]
        self.redirect(self.request.path + "?" + urlencode([*arguments, (NO_COOKIE_MARK, "0")]))
        return None

    def _course_full(self, path: str) -> bool:
        """Full when every kernel slot is taken and no preheated kernel is ready for ``path``."""
        manager = self.kernel_manager
        at_capacity = getattr(manager, "at_capacity", None)
        if at_capacity is None or not at_capacity():
            return False
        pool = getattr(manager, "_pools", {}).get(path) or []
        head = pool[0] if pool else None
        ready = head is not None and head.done() and not head.cancelled() and not head.exception()
        return not ready


class CourseHomeHandler(BrowserIdMixin, CoursePageMixin, JupyterHandler):
    """The course home: the modules, with the visitor's cohort and personal secret carried
    into each link.

    A cohort link (``/?cohort=K7P2Q9XR``, the link a trainer hands out) shows a Join button;
    a GET never creates a participant. Joining (a POST, throttled per address) redirects to
    the trainee's personal link, which the page then shows to copy or bookmark, with "This is
    not me" to leave (see :mod:`recovery_capital.serving.security`).
    """

    @web.authenticated
    async def get(self) -> None:
        self.browser_id()  # so the modules this browser opens need no cookie redirect
        await self._show(await home_view(self))

    @web.authenticated
    async def post(self) -> None:
        query, notice = await join_by_form(self, self.settings["join_throttle"])
        if query is not None:
            self.redirect(self.base_url + "?" + query, status=303)
            return
        view = await home_view(self)
        view.update(notice=notice, joining=True)
        await self._show(view)

    async def _show(self, view: dict[str, Any]) -> None:
        query = carried_query(self.request.query_arguments) if view["handle"] else ""
        root = Path(self.settings["voila"].root_dir)
        page = self.settings["course_pages"].render(
            "home.html", modules=list_modules(root, self.base_url, query), **view
        )
        self.set_header("Cache-Control", "no-store")
        self.finish(page)


class TreeRedirectHandler(JupyterHandler):
    """Voila's file browser is not part of the course: send visitors to the course home."""

    @web.authenticated
    def get(self, path: str = "") -> None:
        query = carried_query(self.request.query_arguments)
        self.redirect(self.base_url + (f"?{query}" if query else ""))


class NotFoundHandler(CoursePageMixin, JupyterHandler):
    """Every address the course does not serve."""

    def prepare(self) -> None:
        raise web.HTTPError(404)


class ControlCodeHandler(web.StaticFileHandler):
    """The course controls' code (``widgets/static/``); its address changes when it does."""

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "public, max-age=31536000, immutable")
        self.set_header("X-Content-Type-Options", "nosniff")


class _UnsafePath(Matcher):
    """Matches the paths :func:`~recovery_capital.serving.security.safe_path` refuses."""

    def match(self, request: Any) -> dict[str, Any] | None:
        return None if safe_path(request.path) else {}


class KernelAliveHandler(JupyterHandler):
    """Whether a page's kernel still runs (204) or has ended (410), for the page's script to
    say it has been paused. Kernel ids are random; the answer carries nothing else."""

    def check_xsrf_cookie(self) -> None:  # a GET that changes nothing
        return

    def get(self, kernel_id: str) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_status(204 if kernel_id in self.kernel_manager else 410)
        self.finish()


#: Where a page asks whether its kernel still runs (see :class:`KernelAliveHandler`).
KERNEL_ALIVE_PATH = "recovery-capital/kernel/"


class CourseVoila(Voila):
    """Voila narrowed to the course; configured entirely by the generated ``voila.json``."""

    name = "voila"  # Voila's own handlers look themselves up in the settings under this name

    @default("config_file_paths")
    def _course_config_file_paths(self) -> list[str]:
        config_dir = os.environ.get(CONFIG_DIR_ENV)
        return [config_dir] if config_dir else super()._config_file_paths_default()

    def init_settings(self) -> dict[str, Any]:
        keep_compiled_templates()
        settings = super().init_settings()
        resources = self.voila_configuration.resources or {}
        course = resources.get("course", {}) if isinstance(resources, dict) else {}
        theme_dir = course.get("theme_dir")
        settings["course_pages"] = CoursePages(
            theme_dir=Path(theme_dir) if theme_dir else None,
            base_url=self.base_url,
            course_title=course.get("title", "Course"),
            branding={key: course.get(key, "") for key in BRANDING_KEYS},
        )
        settings["log_function"] = log_request
        settings["default_handler_class"] = NotFoundHandler
        harden_settings(settings, self.tornado_settings, logo_url=course.get("logo_url", ""))
        harden_login_cookie(getattr(self, "identity_provider", None))
        settings["join_throttle"] = JoinThrottle()
        return settings

    def init_handlers(self) -> list[Any]:
        handlers: list[Any] = [Rule(_UnsafePath(), NotFoundHandler)]  # before any other
        for spec in super().init_handlers():
            pattern, handler = spec[0], spec[1]
            if handler is TornadoVoilaHandler:
                spec = (pattern, CourseNotebookHandler, *spec[2:])
            elif handler is TornadoVoilaTreeHandler:
                home = pattern == self.server_url
                spec = (pattern, CourseHomeHandler if home else TreeRedirectHandler)
            elif handler is VoilaContentsHandler:
                continue
            handlers.append(spec)
        controls = url_path_join(controls_path(self.server_url), "(.*)")
        handlers.append((controls, ControlCodeHandler, {"path": str(STATIC_DIR)}))
        alive = url_path_join(self.server_url, KERNEL_ALIVE_PATH, r"([0-9a-f-]{36})")
        handlers.append((alive, KernelAliveHandler))
        handlers += course_lti_handlers(self.server_url)  # LMS launches, if course.yaml asks
        return handlers


def main(argv: list[str] | None = None) -> None:
    """Run the course's Voila (the child process ``recovery-capital serve`` starts)."""
    CourseVoila.launch_instance(argv)


if __name__ == "__main__":  # pragma: no cover
    main()
