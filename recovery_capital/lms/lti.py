"""The course as an LTI 1.3 tool: OIDC login, the launch, and the tool's public keys.

An LMS (Moodle, Canvas, Blackboard, Totara) opens the course through four addresses that the
tool serves (:func:`make_app`; ``python -m recovery_capital.lms.lti COURSE_DIR`` runs them):

* ``/lti/login``: the platform starts an OpenID Connect login; the tool answers with a redirect
  to the platform carrying a fresh ``state`` (also kept in a cookie) and a one-time ``nonce``;
* ``/lti/launch``: the platform posts a signed ``id_token``; PyLTI1p3 (the maintained
  ``pylti1p3next``) checks its signature against the platform's JWKS, its expiry, audience,
  deployment and nonce. A nonce is used **once**: a replayed launch is refused;
* ``/lti/deep-link``: when an instructor adds the course in the LMS (a deep-linking launch),
  the launch shows one button per module; the choice goes back to the LMS as a signed
  deep-linking response: a link that opens that module (custom parameter ``module``, and the
  launch's ``cohort`` if it named one) with a gradebook line item for its completion;
* ``/lti/jwks``: the tool's public key, which the platform uses to check the tool's requests
  when it returns grades (:mod:`recovery_capital.lms.grades`).

A good launch joins the cohort the link names (custom parameter ``cohort``, else
``lti.default_cohort``) under a **pseudonymous handle** worked out from the platform and its
user id with a secret kept by the tool (``lms-`` and ten hex digits): the course never stores
the LMS user's name or e-mail. It then sends the browser to the module the link names (custom
parameter ``module``, e.g. ``02-recovery-capital.ipynb``; else the first module) with the
cohort and handle in the address, as a cohort link would. A refused launch gets a plain page
saying what went wrong and what to do, never a traceback.

>>> state = LaunchState(":memory:")
>>> a = state.participant("https://lms.example.org", "user-42")
>>> a == state.participant("https://lms.example.org", "user-42"), a.startswith("lms-"), len(a)
(True, True, 14)
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from ..settings.lms import LtiSettings

__all__ = [
    "LaunchProblem",
    "LaunchState",
    "course_lti_handlers",
    "lti_handlers",
    "make_app",
    "refusal",
    "tool_config",
]

log = logging.getLogger("recovery_capital.lms")

CUSTOM = "https://purl.imsglobal.org/spec/lti/claim/custom"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
RESOURCE_LINK = "https://purl.imsglobal.org/spec/lti/claim/resource_link"
DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS lti_values (key TEXT PRIMARY KEY, value TEXT, expires REAL);
CREATE TABLE IF NOT EXISTS lti_launches (
    cohort TEXT NOT NULL, handle TEXT NOT NULL, module TEXT NOT NULL, iss TEXT NOT NULL,
    client_id TEXT NOT NULL, sub TEXT NOT NULL, resource_link TEXT, ags TEXT, time REAL,
    PRIMARY KEY (cohort, handle, module, iss, client_id)
);
"""


class LaunchState:
    """The tool's own small SQLite file: login states and nonces (PyLTI1p3's launch data),
    the pseudonym secret, and who launched which module with which grade service."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self._conn = sqlite3.connect(
            self.path, timeout=30, isolation_level=None, check_same_thread=False
        )
        self._lock = threading.Lock()
        with self._lock:
            self._conn.executescript(_SCHEMA)
            if self.path != ":memory:":
                self._conn.execute("PRAGMA journal_mode=WAL")

    def get(self, key: str) -> Any:
        with self._lock:
            row = self._conn.execute(
                "SELECT value, expires FROM lti_values WHERE key = ?", (key,)
            ).fetchone()
        if row is None or (row[1] is not None and row[1] < time.time()):
            return None
        return json.loads(row[0])

    def set(self, key: str, value: Any, exp: float | None = None) -> None:
        expires = None if exp is None else time.time() + exp
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO lti_values (key, value, expires) VALUES (?, ?, ?)",
                (key, json.dumps(value), expires),
            )

    def take(self, key: str) -> bool:
        """True once for a key that is set and not expired, which is then gone (a nonce)."""
        with self._lock:
            row = self._conn.execute(
                "DELETE FROM lti_values WHERE key = ? RETURNING expires", (key,)
            ).fetchone()
        return row is not None and (row[0] is None or row[0] >= time.time())

    def participant(self, iss: str, sub: str) -> str:
        """The pseudonymous handle of one platform user (the same at every launch)."""
        secret = self.get("pseudonym-secret")
        if secret is None:
            self.set("pseudonym-secret", secrets.token_hex(32))
            secret = self.get("pseudonym-secret")
        digest = hmac.new(bytes.fromhex(secret), f"{iss}\n{sub}".encode(), hashlib.sha256)
        return "lms-" + digest.hexdigest()[:10]

    def record_launch(
        self, cohort: str, handle: str, module: str, launch: dict[str, Any], client_id: str
    ) -> None:
        """Keep what grade return needs: the platform user and its grade service."""
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO lti_launches VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    cohort,
                    handle.casefold(),
                    module,
                    launch["iss"],
                    client_id,
                    launch["sub"],
                    (launch.get(RESOURCE_LINK) or {}).get("id"),
                    json.dumps(launch.get(AGS)),
                    time.time(),
                ),
            )

    def launches(self, cohort: str, handle: str) -> list[dict[str, Any]]:
        """Every module this participant was launched into, with its grade service."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT module, iss, client_id, sub, resource_link, ags FROM lti_launches"
                " WHERE cohort = ? AND handle = ?",
                (cohort, handle.casefold()),
            ).fetchall()
        keys = ("module", "iss", "client_id", "sub", "resource_link", "ags")
        return [
            dict(zip(keys, row[:5]), ags=json.loads(row[5]) if row[5] else None) for row in rows
        ]


#: id_token claims that name or describe the person; the tool never keeps them
PERSONAL_CLAIMS = frozenset(
    {
        "name",
        "given_name",
        "family_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "email",
        "email_verified",
        "picture",
        "profile",
        "locale",
        "phone_number",
        "https://purl.imsglobal.org/spec/lti/claim/lis",
    }
)


def _without_personal_claims(value: Any) -> Any:
    """Launch data as PyLTI1p3 caches it, minus the person's name, e-mail and the like.

    >>> _without_personal_claims({"iss": "x", "sub": "42", "name": "Priya", "email": "p@x.org"})
    {'iss': 'x', 'sub': '42'}
    """
    if isinstance(value, dict) and "iss" in value and "sub" in value:
        return {key: item for key, item in value.items() if key not in PERSONAL_CLAIMS}
    return value


def _modules(course_dir: str | Path | None) -> list[Any]:
    from ..reports.course_map import course_modules

    return course_modules(course_dir)


def _module_chooser(launch_id: str, tool_url: str, course_dir: str | Path | None) -> str:
    """The page an instructor sees when adding the course to the LMS: one button per module."""
    rows = []
    for module in _modules(course_dir):
        rows.append(
            "<li><form method='post' action='{action}'>"
            "<input type='hidden' name='launch_id' value='{launch}'>"
            "<input type='hidden' name='module' value='{name}'>"
            "<button type='submit'>{title}</button></form></li>".format(
                action=html.escape(tool_url + "lti/deep-link", quote=True),
                launch=html.escape(launch_id, quote=True),
                name=html.escape(module.notebook.name, quote=True),
                title=html.escape(module.label),
            )
        )
    return (
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
        "<title>Choose a module</title></head><body><main><h1>Choose a module</h1>"
        "<p>Pick the module this link in your learning platform should open. Its completion "
        "goes to the gradebook.</p><ul class='rc-modules'>" + "".join(rows) + "</ul></main>"
        "</body></html>"
    )


def tool_config(settings: LtiSettings) -> Any:
    """PyLTI1p3's tool configuration for the one platform ``course.yaml`` names."""
    from pylti1p3.tool_config import ToolConfDict

    conf = ToolConfDict(
        {
            settings.issuer: [
                {
                    "default": True,
                    "client_id": settings.client_id,
                    "auth_login_url": settings.auth_login_url,
                    "auth_token_url": settings.auth_token_url,
                    "key_set_url": settings.key_set_url,
                    "deployment_ids": list(settings.deployment_ids),
                }
            ]
        }
    )
    private = Path(settings.private_key_file).read_text(encoding="utf-8")
    public = Path(settings.public_key_file).read_text(encoding="utf-8")
    conf.set_private_key(settings.issuer, private, client_id=settings.client_id)
    conf.set_public_key(settings.issuer, public, client_id=settings.client_id)
    return conf


REASONS = [
    (
        "nonce",
        "This course link has already been used.",
        "Each link from your learning platform opens the course once. Go back to the course page "
        "in your learning platform and open the link again.",
    ),
    (
        "expired",
        "This course link has expired.",
        "Links from your learning platform are only valid for a few minutes. Go back to the "
        "course page in your learning platform and open the link again.",
    ),
    (
        "signature",
        "This course link could not be checked.",
        "The link did not carry a valid signature from your learning platform, so the course "
        "was not opened. Please open it from your learning platform again; if this keeps "
        "happening, tell whoever runs the course (the platform's keys may have changed).",
    ),
    (
        "state",
        "This course link could not be matched to your browser.",
        "The course could not confirm that the link was opened in this browser (it may block "
        "cookies for this site). Open the link from your learning platform again, or allow "
        "cookies for the course.",
    ),
]
GENERIC = (
    "This course link could not be opened.",
    "Please open it from your learning platform again. If this keeps happening, tell "
    "whoever runs the course.",
)


class LaunchProblem(Exception):
    """A launch that was genuine but cannot open the course: the title and advice to show."""

    def __init__(self, title: str, advice: str) -> None:
        super().__init__(title)
        self.title, self.advice = title, advice


NO_COHORT = LaunchProblem(
    "This course link does not name a group.",
    "The link needs a group (cohort) code. Please tell whoever set up the course in your "
    "learning platform.",
)


def _reason(error: Exception) -> tuple[str, str]:
    if isinstance(error, LaunchProblem):
        return error.title, error.advice
    text = f"{type(error).__name__} {error}".lower()
    for word, title, advice in REASONS:
        if word in text:
            return title, advice
    return GENERIC


def refusal(error: Exception) -> str:
    """The page a refused launch shows: what happened and what to do, in plain words.

    >>> from pylti1p3.exception import LtiMessageValidationException as E
    >>> "expired" in refusal(E("Can't decode id_token: Signature has expired"))
    True
    """
    title, advice = _reason(error)
    return (
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title></head><body><main>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(advice)}</p></main></body></html>"
    )


def make_app(
    settings: LtiSettings,
    *,
    state: LaunchState,
    store_url: str | None = None,
    course_dir: str | Path | None = None,
) -> Any:
    """The tornado application serving the tool's three addresses (see the module notes)."""
    import tornado.web

    return tornado.web.Application(
        lti_handlers(settings, state=state, store_url=store_url, course_dir=course_dir)
    )


def course_lti_handlers(prefix: str = "/") -> list[Any]:
    """The LTI handlers for the course the server runs (``$RECOVERY_CAPITAL_COURSE_DIR``),
    under ``prefix``; none when its ``course.yaml`` has no ``lti:`` or cannot be used (which
    is logged: the course itself still serves)."""
    from ..core.locations import course_dir
    from ..settings.course import load_course_settings

    try:
        folder = course_dir()
        course = load_course_settings(folder)
        if course.lti is None:
            return []
        state = LaunchState(course.lti.outbox_path().with_name("lti-state.sqlite3"))
        return lti_handlers(
            course.lti,
            state=state,
            store_url=course.store_url(folder),
            course_dir=folder,
            prefix=prefix,
        )
    except Exception:
        log.exception("the LTI launch addresses could not be set up; launches are refused")
        return []


def lti_handlers(
    settings: LtiSettings,
    *,
    state: LaunchState,
    store_url: str | None = None,
    course_dir: str | Path | None = None,
    prefix: str = "/",
) -> list[Any]:
    """The tool's three addresses as tornado handler specs under ``prefix``."""
    import tornado.web
    from pylti1p3.cookie import CookieService
    from pylti1p3.launch_data_storage.base import LaunchDataStorage
    from pylti1p3.message_launch import MessageLaunch
    from pylti1p3.oidc_login import OIDCLogin
    from pylti1p3.redirect import Redirect
    from pylti1p3.request import Request
    from pylti1p3.session import SessionService

    conf = tool_config(settings)
    tool_url = settings.tool_url.rstrip("/") + "/"

    class Storage(LaunchDataStorage):
        def can_set_keys_expiration(self) -> bool:
            return True

        def get_value(self, key: str) -> Any:
            return state.get(self._prepare_key(key))

        def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
            state.set(self._prepare_key(key), _without_personal_claims(value), exp)

        def check_value(self, key: str) -> bool:
            return state.take(self._prepare_key(key))  # nonces: once only

    class TornadoRequest(Request):
        def __init__(self, handler: tornado.web.RequestHandler) -> None:
            self.handler = handler

        @property
        def session(self) -> dict[str, Any]:
            return {}

        def is_secure(self) -> bool:
            return self.handler.request.protocol == "https"

        def get_param(self, key: str) -> Any:
            return self.handler.get_argument(key, None)

        def get_cookie(self, key: str) -> str | None:
            return self.handler.get_cookie(key)

    class Cookies(CookieService):
        def __init__(self, request: TornadoRequest) -> None:
            self.request = request

        def _key(self, name: str) -> str:
            return f"{self._cookie_prefix}-{name}"

        def get_cookie(self, name: str) -> str | None:
            return self.request.get_cookie(self._key(name))

        def set_cookie(self, name: str, value: Any, exp: int | None = 3600) -> None:
            secure = self.request.is_secure()
            self.request.handler.set_cookie(
                self._key(name),
                str(value),
                expires_days=(exp or 86400) / 86400,
                httponly=True,
                secure=secure,
                samesite="None" if secure else "Lax",
                path="/",
            )

    class HandlerRedirect(Redirect):
        def __init__(self, location: str, handler: tornado.web.RequestHandler) -> None:
            self.location, self.handler = location, handler

        def do_redirect(self) -> None:
            self.handler.redirect(self.location)

        def do_js_redirect(self) -> None:
            self.do_redirect()

        def set_redirect_url(self, location: str) -> None:
            self.location = location

        def get_redirect_url(self) -> str:
            return self.location

    class Login(OIDCLogin):
        def get_redirect(self, url: str) -> HandlerRedirect:
            return HandlerRedirect(url, self._request.handler)

    class Launch(MessageLaunch):
        def _get_request_param(self, key: str) -> Any:
            return self._request.get_param(key)

    class Base(tornado.web.RequestHandler):
        def check_xsrf_cookie(self) -> None:  # the platform posts from another site
            pass

        def refuse(self, error: Exception) -> None:
            log.warning("LTI launch refused: %s", error)
            self.set_status(403)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(refusal(error))

    class LoginHandler(Base):
        def get(self) -> None:
            request = TornadoRequest(self)
            try:
                Login(
                    request,
                    conf,
                    session_service=_session(request),
                    cookie_service=Cookies(request),
                    launch_data_storage=Storage(),
                ).disable_check_cookies().redirect(tool_url + "lti/launch")
            except Exception as error:
                self.refuse(error)

        post = get

    class LaunchHandler(Base):
        def post(self) -> None:
            request = TornadoRequest(self)
            try:
                launch = Launch(
                    request,
                    conf,
                    session_service=_session(request),
                    cookie_service=Cookies(request),
                    launch_data_storage=Storage(),
                )
                data = launch.get_launch_data()
                if launch.is_deep_link_launch():
                    self.finish(_module_chooser(launch.get_launch_id(), tool_url, course_dir))
                    return
                target = self._join(data)
            except Exception as error:
                self.refuse(error)
                return
            self.redirect(target)

        def _join(self, data: dict[str, Any]) -> str:
            from ..settings.course import course_notebooks
            from ..store import Store
            from ..store.errors import UnknownCohort

            custom = data.get(CUSTOM) or {}
            cohort = custom.get("cohort") or settings.default_cohort
            if not cohort:
                raise NO_COHORT
            store = Store(store_url)
            try:
                handle = store.join(cohort, state.participant(data["iss"], data["sub"]))
                cohort = store.cohort(cohort).code
            except UnknownCohort:
                raise LaunchProblem(
                    "This course link names a group the course does not know.",
                    f"The group code {cohort!r} is not one of this course's cohorts. Please "
                    "tell whoever set up the course in your learning platform.",
                ) from None
            finally:
                store.close()
            module = custom.get("module") or ""
            if not module:
                notebooks = course_notebooks(course_dir or ".")
                module = notebooks[0].name if notebooks else ""
            state.record_launch(cohort, handle, module, data, settings.client_id)
            query = urlencode({"cohort": cohort, "handle": handle})
            return f"{tool_url}voila/render/modules/{module}?{query}"

    class DeepLinkHandler(Base):
        """The module an instructor chose when adding the course to the LMS: a signed reply
        (PyLTI1p3's deep-linking response) that makes a link opening that module."""

        def post(self) -> None:
            from pylti1p3.deep_link_resource import DeepLinkResource
            from pylti1p3.lineitem import LineItem

            request = TornadoRequest(self)
            try:
                launch = Launch.from_cache(
                    self.get_argument("launch_id"),
                    request,
                    conf,
                    session_service=_session(request),
                    cookie_service=Cookies(request),
                    launch_data_storage=Storage(),
                )
                modules = {m.notebook.name: m for m in _modules(course_dir)}
                module = modules.get(self.get_argument("module", ""))
                if module is None:
                    raise LaunchProblem(
                        "That module is not part of this course.",
                        "Go back to your learning platform and choose the course again.",
                    )
                custom = {"module": module.notebook.name}
                cohort = (launch.get_launch_data().get(CUSTOM) or {}).get("cohort")
                if cohort:
                    custom["cohort"] = cohort
                resource = DeepLinkResource().set_url(tool_url + "lti/launch")
                resource.set_title(module.title).set_custom_params(custom)
                if module.activities:
                    resource.set_lineitem(
                        LineItem()
                        .set_label(module.title)
                        .set_score_maximum(len(module.activities))
                        .set_resource_id(module.notebook.name)
                    )
                form = launch.get_deep_link().output_response_form([resource])
            except Exception as error:
                self.refuse(error)
                return
            self.finish(form)

    class JwksHandler(Base):
        def get(self) -> None:
            self.set_header("Content-Type", "application/json")
            self.finish(json.dumps(conf.get_jwks()))

    class Sessions(SessionService):
        """PyLTI1p3's session service, kept in the tool's state file instead of a web
        framework's session."""

        def __init__(self, request: TornadoRequest) -> None:
            self.data_storage = Storage()
            self.data_storage.set_request(request)

    def _session(request: TornadoRequest) -> Sessions:
        return Sessions(request)

    root = prefix.rstrip("/")
    return [
        (f"{root}/lti/login", LoginHandler),
        (f"{root}/lti/launch", LaunchHandler),
        (f"{root}/lti/deep-link", DeepLinkHandler),
        (f"{root}/lti/jwks", JwksHandler),
    ]


def main(argv: list[str] | None = None) -> None:  # pragma: no cover - a thin launcher
    """Serve the tool's LTI addresses for the course folder given (``course.yaml``'s ``lti:``)."""
    import argparse

    import tornado.ioloop

    from ..settings.course import load_course_settings

    parser = argparse.ArgumentParser(description="Serve the course's LTI 1.3 login and launch.")
    parser.add_argument("course_dir")
    parser.add_argument("--port", type=int, default=8870)
    parser.add_argument("--store", default=None)
    args = parser.parse_args(argv)
    course = load_course_settings(args.course_dir)
    if course.lti is None:
        raise SystemExit("course.yaml has no lti: section, so there is nothing to serve.")
    state = LaunchState(course.lti.outbox_path().with_name("lti-state.sqlite3"))
    make_app(
        course.lti,
        state=state,
        store_url=args.store or course.store_url(args.course_dir),
        course_dir=args.course_dir,
    ).listen(args.port, "127.0.0.1")
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":  # pragma: no cover
    main()
