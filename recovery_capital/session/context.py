"""The trainee's context: which store, which cohort and which participant this page answers as.

A trainee opens a module from their **personal link**, such as
``.../module-2.ipynb?cohort=K7P2Q9XR&secret=...``: the secret is theirs alone (made when they
joined, stored only hashed) and is the only key to their answers; their handle ("fox-12") is
a display name the store looks up from it. Voila runs the notebook in its own kernel;
:func:`current_context` reads the link's query (a preheated kernel first waits for Voila to
send it the request, see :func:`_receive_request`), opens the participant and keeps the
result for the life of the kernel, so every exercise on the page shares it. Every save and
every restore of the page then goes through the secret (:class:`PersonalStore`): if the
participant is erased or their link is reissued, an open page can no longer save.

* No cohort in the link (or not under Voila): the store's practice cohort, with a handle kept
  for this machine so answers come back next time.
* A cohort without a secret: the page never joins on its own (opening a page must not create
  a participant). It shows a join panel (:class:`recovery_capital.widgets.JoinPanel`) whose
  "Join" gives the trainee a place and their personal link.
* An older link that names only a handle (``&handle=fox-12``) opens nothing: a handle is not a
  key. The page says so and offers the join panel; the trainee's own browser upgrades such a
  link to the personal link it remembers, and a trainer can reissue one
  (``recovery-capital cohort reissue-link``).
* A wrong code, a wrong or revoked secret: never a crash. The page shows a friendly message
  and the join panel, while exercises keep working in the practice cohort until they join.

>>> import tempfile, os
>>> from recovery_capital.store import Store
>>> store = Store("sqlite:///" + os.path.join(tempfile.mkdtemp(), "s.sqlite3"))
>>> ctx = Context(store, Store.PRACTICE_CODE, "otter-12")
>>> ctx.cohort, ctx.handle, ctx.in_practice
('PRACTICE', 'otter-12', True)
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Store

__all__ = [
    "Context",
    "current_context",
    "PersonalStore",
    "SECRET_PARAMETER",
    "personal_link",
    "practice_context",
    "preheating",
    "running_under_voila",
]

log = logging.getLogger(__name__)

HANDLE_FILE_NAME = "practice-handle.txt"
#: the handle a preheated kernel reads under until its trainee arrives; it never joins or saves
PREHEAT_HANDLE = "waiting-for-trainee"
#: the query parameter of a personal link that carries the participant's secret
SECRET_PARAMETER = "secret"


class PersonalStore:
    """The store as a trainee's page sees it: their own answers are reached by their secret.

    Saves and restores for the page's cohort pass the context's personal secret to the store,
    so they reach the participant that secret opens and nobody else, and they stop once the
    secret is revoked (an erasure, a reissued link). Everything else is the store itself.

    >>> from recovery_capital.store import Store
    >>> store = Store("sqlite://")
    >>> code = store.create_cohort("Spring 2027").code
    >>> place = store.enrol(code)
    >>> ctx = Context(store, code, place.handle, secret=place.secret)
    >>> _ = ctx.store.save_draft(code, place.handle, "m1-note", {"note": "mine"})
    >>> _ = store.erase_participant(code, place.handle)
    >>> ctx.store.save_draft(code, place.handle, "m1-note", {"note": "again"})
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    recovery_capital.store.errors.UnknownParticipant: This personal link doesn't open ...
    >>> store.participants(code)      # the open page did not bring them back
    []
    """

    def __init__(self, context: Context, store: Store) -> None:
        self._context = context
        self._store = store

    def _secret(self, code: object) -> str | None:
        ctx = self._context
        if ctx.secret is None or not isinstance(code, str):
            return None
        from ..store.errors import UnknownCohort
        from ..store.keys import normalise_code

        try:
            return ctx.secret if normalise_code(code) == ctx.cohort else None
        except UnknownCohort:
            return None

    def save_draft(self, code: object, handle: str, *args: object, **kwargs: object) -> int:
        """:meth:`Store.save_draft`, as the page's participant."""
        kwargs.setdefault("secret", self._secret(code))
        return self._store.save_draft(code, handle, *args, **kwargs)  # type: ignore[arg-type]

    def submit(self, code: object, handle: str, *args: object, **kwargs: object) -> int:
        """:meth:`Store.submit`, as the page's participant."""
        kwargs.setdefault("secret", self._secret(code))
        return self._store.submit(code, handle, *args, **kwargs)  # type: ignore[arg-type]

    def latest(self, code: object, handle: str, activity_id: str, **kwargs: object) -> object:
        """:meth:`Store.latest`, as the page's participant."""
        kwargs.setdefault("secret", self._secret(code))
        return self._store.latest(code, handle, activity_id, **kwargs)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    def __repr__(self) -> str:
        return f"PersonalStore({self._store!r})"


class Context:
    """Where this page's answers go: a store, a cohort code and the trainee's handle.

    ``notice`` holds a message for the trainee when the link could not be used as it was (an
    unknown cohort code, say). :meth:`switch` moves the page to another cohort; exercises that
    registered with :meth:`on_switch` then load the answers saved there.

    A page's context may start **pending**: its exercises are built before the trainee's
    cohort is joined, and :meth:`on_join` callbacks run once it is (see :func:`current_context`).
    Reading :attr:`store` settles a pending context first when it can; exercises never save
    under the placeholder handle (a preheated page saves once its trainee has arrived).

    >>> pending = Context.waiting(lambda: Context(None, "K7P2Q", "fox-12"))
    >>> joined = []
    >>> pending.on_join(lambda: joined.append(pending.handle))
    >>> pending.pending, pending.handle == PREHEAT_HANDLE
    (True, True)
    >>> pending.settle()
    >>> pending.pending, pending.cohort, joined
    (False, 'K7P2Q', ['fox-12'])
    """

    def __init__(
        self,
        store: Store | None,
        cohort: str,
        handle: str,
        notice: str = "",
        *,
        secret: str | None = None,
        suggested_code: str = "",
    ) -> None:
        self._store = store
        self.cohort = cohort
        self.handle = handle
        self.notice = notice
        #: the personal secret of the participant this page answers as (None in practice)
        self.secret = secret
        #: the cohort code of a link that could not be opened, for the join panel to offer
        self.suggested_code = suggested_code
        self._listeners: list[Callable[[], None]] = []
        self._join_listeners: list[Callable[[], None]] = []
        self._joiner: Callable[[], Context] | None = None
        self._pending = False
        self._notice_claimed = False
        self._notice_taken = False

    @classmethod
    def waiting(
        cls, joiner: Callable[[], Context] | None = None, store: Store | None = None
    ) -> Context:
        """A context waiting for its trainee: ``joiner()`` returns the joined context.

        Without ``joiner`` (a preheated kernel, whose trainee's request has not arrived),
        :meth:`settle` waits for :meth:`join` to be called instead.
        """
        from ..store.keys import PRACTICE_CODE

        context = cls(store, PRACTICE_CODE, PREHEAT_HANDLE)
        context._pending = True
        context._joiner = joiner
        return context

    def __repr__(self) -> str:
        state = "pending, " if self._pending else ""
        return f"Context({state}cohort={self.cohort!r}, handle={self.handle!r})"

    @property
    def store(self) -> Store:
        """The response store (a pending context joins its cohort first); with a personal
        secret, a :class:`PersonalStore` that reaches this participant's answers by it."""
        if self._store is None or self._pending:
            self.settle()
        assert self._store is not None, "a context without a store was used before joining"
        if self.secret is not None:
            return PersonalStore(self, self._store)  # type: ignore[return-value]
        return self._store

    @property
    def pending(self) -> bool:
        """True until the trainee's cohort is joined (exercises then restore their answers)."""
        return self._pending

    @property
    def in_practice(self) -> bool:
        """True when answers go to the store's practice cohort rather than a real cohort."""
        from ..store.keys import PRACTICE_CODE

        return self.cohort == PRACTICE_CODE

    def on_join(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` once this pending context has joined (at once if it has)."""
        if self._pending:
            self._join_listeners.append(callback)
        else:
            callback()

    def settle(self) -> None:
        """Join now, if this context is pending and knows how.

        If joining fails (the store is unreachable, say), the error is raised and the context
        stays pending, so the next save tries again.
        """
        if self._pending and self._joiner is not None:
            self.join(self._joiner())

    def join(self, joined: Context) -> None:
        """End the wait: take ``joined``'s store, cohort, handle and notice, and tell listeners."""
        self._store = joined._store if joined._store is not None else self._store
        self.cohort, self.handle, self.notice = joined.cohort, joined.handle, joined.notice
        self.secret, self.suggested_code = joined.secret, joined.suggested_code
        self._pending = False
        self._joiner = None
        listeners, self._join_listeners = self._join_listeners, []
        _call_each(listeners, self.cohort)

    def claim_notice(self) -> bool:
        """True for the first part of the page to ask: it shows :attr:`notice`, if any.

        The notice is shown inside the page's first exercise rather than as an output of its
        own: under Voila's progressive rendering a cell with two widget outputs can lose the
        second one, which was that exercise.

        >>> context = Context(None, "K7P2Q", "fox-12")
        >>> context.claim_notice(), context.claim_notice()
        (True, False)
        """
        claimed, self._notice_claimed = self._notice_claimed, True
        return not claimed

    @property
    def notice_taken(self) -> bool:
        """True once some part of the page has shown the :attr:`notice` (:meth:`take_notice`)."""
        return self._notice_taken

    def take_notice(self) -> str | None:
        """The :attr:`notice` for the first part of the page to show it; None for the rest.

        A page says a thing once: module 0's own join panel and the join panel at the top of
        its first exercise must not both say that the link's code was not found.

        >>> context = Context(None, "K7P2Q", "fox-12")
        >>> context.notice = "That join code doesn't match any cohort."
        >>> context.take_notice() is not None, context.take_notice()
        (True, None)
        """
        if not self.notice or self._notice_taken:
            return None
        self._notice_taken = True
        return self.notice

    def on_switch(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` whenever :meth:`switch` moves this context to another cohort."""
        self._listeners.append(callback)

    def switch(self, cohort: str, handle: str, secret: str | None = None) -> None:
        """Answer under ``cohort`` as ``handle`` (opened by ``secret``) from now on."""
        self.cohort, self.handle, self.notice = cohort, handle, ""
        self.secret, self.suggested_code = secret, ""
        _call_each(list(self._listeners), cohort)


def _call_each(callbacks: list[Callable[[], None]], cohort: str) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # one broken exercise must not stop the others from updating
            log.exception("an exercise could not follow the move to cohort %s", cohort)


def running_under_voila(environ: Mapping[str, str] | None = None) -> bool:
    """True inside a kernel that Voila started (preheated or not).

    >>> running_under_voila({"SERVER_SOFTWARE": "voila/0.5.13"})
    True
    >>> running_under_voila({"VOILA_PREHEAT": "True"}), running_under_voila({})
    (True, False)
    """
    environ = os.environ if environ is None else environ
    return "voila" in environ.get("SERVER_SOFTWARE", "").lower() or any(
        key.startswith("VOILA_") for key in environ
    )


def _query() -> dict[str, str]:
    """The page's query parameters (first value of each), waiting for the request if needed."""
    global _REQUEST_RECEIVED
    if not running_under_voila():
        return {}
    if _waiting_in_pool():  # Voila hands the request over once; never ask twice
        try:
            _receive_request()
            _REQUEST_RECEIVED = True
        except Exception:  # without the query the page still works, in the practice cohort
            log.exception("could not read the page request from Voila")
    query = parse_qs(os.environ.get("QUERY_STRING", ""), keep_blank_values=False)
    return {key: values[0] for key, values in query.items() if values}


def voila_query_url(environ: Mapping[str, str] | None = None) -> str:
    """Where a preheated kernel asks the Voila server for the request of the page it serves.

    >>> voila_query_url({"VOILA_KERNEL_ID": "k1", "VOILA_APP_PORT": "8123",
    ...                  "VOILA_SERVER_URL": "/course/"})
    'ws://127.0.0.1:8123/course/voila/query/k1'
    """
    env = os.environ if environ is None else environ
    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL") or "/"
    return (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )


def _receive_request() -> None:
    """Wait for Voila to send this kernel its page's request, and put it in ``os.environ``.

    This is what ``voila.utils.wait_for_request`` does, without importing ``voila``: that
    import brings in the whole Jupyter server (seconds of start-up and tens of megabytes in
    every kernel). Call it from a thread without a running event loop.
    """
    import asyncio
    import json

    from tornado.websocket import websocket_connect

    async def receive() -> str | bytes | None:
        connection = await websocket_connect(voila_query_url(), connect_timeout=30)
        try:
            return await connection.read_message()
        finally:
            connection.close()

    message = asyncio.run(receive())
    if message is None:
        raise ConnectionError("Voila closed the request channel without sending the request")
    os.environ.update({str(k): str(v) for k, v in json.loads(message).items()})


def _handle_file() -> Path:
    from ..store.engine import default_sqlite_path

    return default_sqlite_path().with_name(HANDLE_FILE_NAME)


def _machine_handle() -> str:
    """The handle kept for practice on this machine, made up (and remembered) the first time."""
    from ..store.handles import generate_handle, validate_handle

    path = _handle_file()
    try:
        return validate_handle(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass  # no handle yet, or the file was edited into something unusable
    handle = generate_handle()
    try:
        from ..store.files import private_file

        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with private_file(path, "w", encoding="utf-8") as out:  # like the store: owner only
            out.write(handle + "\n")
    except OSError:
        log.warning("could not remember the practice handle in %s", path)
    return handle


OLD_LINK_NOTICE = (
    "This link names a handle but not its personal key, so it can't open anyone's answers: "
    "a handle is only a display name. If these are your answers, open your personal link "
    "(the course home shows it on the computer you joined from), or ask your trainer to "
    "send you a new one. Or join below as someone new."
)
JOIN_NOTICE = (
    "To take part in cohort {code}, press Join: you get your own place and a personal link "
    "that brings your answers back. Until then, answers are kept in a practice space."
)


def _join_from_query(store: Store, query: Mapping[str, str]) -> Context:
    """The context a page link asks for. It never creates a participant: that takes a Join."""
    from ..store.errors import UnknownCohort, UnknownParticipant
    from ..store.keys import normalise_code

    practice = type(store).PRACTICE_CODE
    code = query.get("cohort", "").strip()
    secret = query.get(SECRET_PARAMETER, "").strip()
    if not code:
        return Context(store, practice, store.join(practice, _machine_handle()))
    suggested = ""
    try:
        code = normalise_code(code)
        suggested = code
        if secret:
            return Context(store, code, store.identify(code, secret), secret=secret)
        # The same words whether or not the code is real: opening a page tells a guesser
        # nothing about which codes exist.
        if query.get("handle", "").strip():
            notice = OLD_LINK_NOTICE
        else:
            notice = JOIN_NOTICE.format(code=code)
    except UnknownCohort as exc:
        notice = (
            f"We couldn't open the cohort in your link. {exc} Until you join, your answers "
            "are saved in a practice space on this computer."
        )
    except UnknownParticipant as exc:
        notice = str(exc)
    fallback = store.join(practice, _machine_handle())
    return Context(store, practice, fallback, notice=notice, suggested_code=suggested)


_CURRENT: Context | None = None


_REQUEST_RECEIVED = False


def _waiting_in_pool(environ: Mapping[str, str] | None = None) -> bool:
    """True in a preheated kernel whose trainee's request has not arrived yet.

    Voila marks pool kernels with ``VOILA_PREHEAT=True`` and never unsets it, so arrival is
    remembered here rather than read from ``QUERY_STRING``, which a kernel may inherit from the
    shell that started the server.

    >>> _waiting_in_pool({"VOILA_PREHEAT": "True"}), _waiting_in_pool({"VOILA_PREHEAT": "False"})
    (True, False)
    >>> _waiting_in_pool({"VOILA_PREHEAT": "True", "QUERY_STRING": "cohort=STALE"})
    True
    """
    environ = os.environ if environ is None else environ
    return environ.get("VOILA_PREHEAT", "False") == "True" and not _REQUEST_RECEIVED


def preheating() -> bool:
    """True while this kernel is a preheated one still waiting for its trainee.

    >>> preheating()
    False
    """
    return _waiting_in_pool()


def _follow_request_later(store: Store, context: Context) -> None:
    """Wait for the trainee's request in the background, then join ``context`` to their cohort.

    A preheated kernel runs the whole module before anyone asks for it. Blocking the first
    exercise's cell on the request would leave every later cell to run after the trainee
    arrives, all thirty of them at once. Instead the exercises are built in a waiting context
    and restore the trainee's answers when it joins (:meth:`Context.on_join`).
    """
    import asyncio
    import threading

    loop = asyncio.get_event_loop()

    def arrive(query: dict[str, str]) -> None:
        try:
            joined = _join_from_query(store, query)
        except Exception:  # the page keeps working in the neutral practice context
            log.exception("could not join the cohort from the page request")
            return
        context.join(joined)

    def wait() -> None:
        query = _query()  # blocks this thread (not the kernel) until Voila hands it over
        loop.call_soon_threadsafe(arrive, query)

    threading.Thread(target=wait, name="rc-wait-for-request", daemon=True).start()


#: How long the kernel must go without starting another cell before the page counts as run.
SETTLE_AFTER = 0.25


def _settle_after_the_notebook_runs(context: Context, shell: object) -> None:
    """Join ``context`` once the kernel has run every cell of the page (none for a moment).

    Opening the store and joining the cohort cost a cold kernel about a third of a second,
    mostly importing SQLAlchemy. Done here, that work comes after every exercise is on the
    page, not between the page's cells (Voila sends a cold page's cells to the browser as
    each one runs); the exercises then restore their answers. Anything that needs the store
    sooner settles the context itself (:attr:`Context.store`).
    """
    import asyncio

    loop = asyncio.get_event_loop()
    events = shell.events  # type: ignore[attr-defined]
    timer: list[asyncio.TimerHandle] = []

    def cancel(*_args: object) -> None:
        while timer:
            timer.pop().cancel()

    def later(*_args: object) -> None:
        cancel()
        timer.append(loop.call_later(SETTLE_AFTER, settle))

    def settle() -> None:
        events.unregister("pre_run_cell", cancel)
        events.unregister("post_run_cell", later)
        try:
            context.settle()
        except Exception:  # saving will try again, and says so if it still cannot
            log.exception("could not open the store or join the cohort from the page link")

    events.register("pre_run_cell", cancel)
    events.register("post_run_cell", later)


def _join_link_cohort() -> Context:
    """Open the store and join the cohort the page link names (the practice one if none)."""
    from ..store import Store

    return _join_from_query(Store(), _query())


def _kernel_shell() -> object | None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipykernel
        return None
    shell = get_ipython()
    return shell if shell is not None and hasattr(shell, "events") else None


def current_context(*, refresh: bool = False) -> Context:
    """This kernel's context, worked out once from the page link (see the module notes).

    When the link could not be used, the context's :attr:`~Context.notice` says why, and it
    answers in the practice cohort until the trainee joins; the first exercise on the page
    shows a join panel with that message (:meth:`Context.claim_notice`).

    Under Voila the context starts waiting (:meth:`Context.waiting`), so the page's exercises
    are built before any store work: a cold kernel joins the link's cohort once the notebook
    has run; a preheated kernel, which runs the module before anyone asks for it, joins when
    its trainee's request arrives. Nothing is saved under the waiting placeholder.
    """
    global _CURRENT
    if _CURRENT is None or refresh:
        shell = _kernel_shell() if running_under_voila() else None
        if _waiting_in_pool():
            from ..store import Store

            store = Store()
            store.ensure_practice_cohort()
            _CURRENT = Context.waiting(store=store)
            _follow_request_later(store, _CURRENT)
        elif shell is not None:
            _CURRENT = Context.waiting(_join_link_cohort)
            _settle_after_the_notebook_runs(_CURRENT, shell)
        else:
            _CURRENT = _join_link_cohort()
    return _CURRENT


def practice_context(store: Store | None = None, handle: str = "reader-1") -> Context:
    """A context in the practice cohort: for trying an exercise out, and for examples.

    Without ``store``, answers go to a throwaway in-memory store.

    >>> ctx = practice_context()
    >>> ctx.in_practice, ctx.handle
    (True, 'reader-1')
    """
    from ..store import Store

    store = store if store is not None else Store("sqlite://")
    return Context(store, Store.PRACTICE_CODE, store.join(Store.PRACTICE_CODE, handle))


def personal_link(cohort: str, secret: str) -> str:
    """A trainee's personal link to this same page: their cohort and their secret.

    >>> personal_link("K7P2Q9XR", "s3cr3t-token-abcdefghij")
    '?cohort=K7P2Q9XR&secret=s3cr3t-token-abcdefghij'
    """
    return "?" + urlencode({"cohort": cohort, SECRET_PARAMETER: secret})


def course_home(environ: Mapping[str, str] | None = None) -> str:
    """The course home's address, from the page address Voila gives the kernel.

    >>> course_home({"SCRIPT_NAME": "/course/voila/render/modules/00-start-here.ipynb"})
    '/course/'
    >>> course_home({})
    '/'
    """
    env = os.environ if environ is None else environ
    page = env.get("SCRIPT_NAME") or "/"
    base = page.split("voila/render/", 1)[0] if "voila/render/" in page else "/"
    return base if base.endswith("/") else base + "/"
