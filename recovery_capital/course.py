"""The trainee's context: which store, which cohort and which handle this page answers under.

A trainee opens a module from a link such as ``.../module-2.ipynb?cohort=K7P2Q&handle=fox-12``.
Voila runs the notebook in its own kernel; :func:`current_context` reads the link's query (a
preheated kernel first waits for Voila to send it the request, see :func:`_receive_request`),
joins the cohort and keeps the result for the life of the kernel, so every exercise on the page
shares it.

* No cohort in the link (or not under Voila): the store's practice cohort, with a handle kept
  for this machine so answers come back next time.
* An unknown cohort code or an unusable handle: never a crash. The page shows a friendly
  message and a join panel (:class:`recovery_capital.widgets.JoinPanel`) to type the code
  again, while exercises keep working in the practice cohort until the trainee joins.

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode

if TYPE_CHECKING:  # pragma: no cover
    from .store import Store

__all__ = ["Context", "current_context", "join_link", "practice_context", "running_under_voila"]

log = logging.getLogger(__name__)

HANDLE_FILE_NAME = "practice-handle.txt"
#: the handle a preheated kernel reads under until its trainee arrives; it never joins or saves
PREHEAT_HANDLE = "waiting-for-trainee"


@dataclass
class Context:
    """Where this page's answers go: a store, a cohort code and the trainee's handle.

    ``notice`` holds a message for the trainee when the link could not be used as it was (an
    unknown cohort code, say). :meth:`switch` moves the page to another cohort; exercises that
    registered with :meth:`on_switch` then load the answers saved there.
    """

    store: Store
    cohort: str
    handle: str
    notice: str = ""
    _listeners: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def in_practice(self) -> bool:
        """True when answers go to the store's practice cohort rather than a real cohort."""
        return self.cohort == type(self.store).PRACTICE_CODE

    def on_switch(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` whenever :meth:`switch` moves this context to another cohort."""
        self._listeners.append(callback)

    def switch(self, cohort: str, handle: str) -> None:
        """Answer under ``cohort`` as ``handle`` from now on (both already joined/validated)."""
        self.cohort, self.handle, self.notice = cohort, handle, ""
        for callback in list(self._listeners):
            try:
                callback()
            except Exception:  # one broken exercise must not stop the others from updating
                log.exception("an exercise could not follow the switch to cohort %s", cohort)


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
    from .store.engine import default_sqlite_path

    return default_sqlite_path().with_name(HANDLE_FILE_NAME)


def _machine_handle() -> str:
    """The handle kept for practice on this machine, made up (and remembered) the first time."""
    from .store.handles import generate_handle, validate_handle

    path = _handle_file()
    try:
        return validate_handle(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass  # no handle yet, or the file was edited into something unusable
    handle = generate_handle()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(handle + "\n", encoding="utf-8")
    except OSError:
        log.warning("could not remember the practice handle in %s", path)
    return handle


def _join_from_query(store: Store, query: Mapping[str, str]) -> Context:
    from .store.errors import InvalidHandle, UnknownCohort
    from .store.keys import normalise_code

    practice = type(store).PRACTICE_CODE
    code = query.get("cohort", "").strip()
    handle = query.get("handle", "").strip() or None
    if not code:
        handle = store.join(practice, handle or _machine_handle())
        return Context(store, practice, handle)
    try:
        code = normalise_code(code)
        return Context(store, code, store.join(code, handle))
    except UnknownCohort as exc:
        notice = (
            f"We couldn't open the cohort in your link. {exc} Until you join, your answers "
            "are saved in a practice space on this computer."
        )
    except InvalidHandle as exc:
        notice = f"The handle in your link can't be used. {exc}"
    fallback = store.join(practice, _machine_handle())
    return Context(store, practice, fallback, notice=notice)


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


def _display_notice(context: Context, slot: object | None = None) -> None:
    from .widgets.join import JoinPanel

    panel = JoinPanel(context)
    if slot is not None:
        slot.children = (panel,)  # type: ignore[attr-defined]
        return
    from IPython.display import display

    display(panel)


def _follow_request_later(store: Store, context: Context, slot: object) -> None:
    """Wait for the trainee's request in the background, then move ``context`` to their cohort.

    A preheated kernel runs the whole module before anyone asks for it. Blocking the first
    exercise's cell on the request would leave every later cell to run after the trainee
    arrives, all thirty of them at once. Instead the exercises are built
    in a neutral context and follow :meth:`Context.switch`, which restores the trainee's answers.
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
        context.switch(joined.cohort, joined.handle)
        if joined.notice:
            context.notice = joined.notice
            _display_notice(context, slot)

    def wait() -> None:
        query = _query()  # blocks this thread (not the kernel) until Voila hands it over
        loop.call_soon_threadsafe(arrive, query)

    threading.Thread(target=wait, name="rc-wait-for-request", daemon=True).start()


def current_context(*, refresh: bool = False) -> Context:
    """This kernel's context, worked out once from the page link (see the module notes).

    When the link could not be used, a join panel with a friendly message is shown
    once on the page, and the returned context answers in the practice cohort until the
    trainee joins. In a preheated kernel the request is awaited in the background: the
    context starts in the practice cohort under a placeholder handle (nothing is saved
    before a trainee arrives) and switches to the trainee's cohort when their request does.
    """
    global _CURRENT
    if _CURRENT is None or refresh:
        from .store import Store

        store = Store()
        if _waiting_in_pool():
            import ipywidgets

            store.ensure_practice_cohort()
            _CURRENT = Context(store, Store.PRACTICE_CODE, PREHEAT_HANDLE)
            slot = ipywidgets.VBox()
            from IPython.display import display

            display(slot)
            _follow_request_later(store, _CURRENT, slot)
            return _CURRENT
        _CURRENT = _join_from_query(store, _query())
        if _CURRENT.notice:
            _display_notice(_CURRENT)
    return _CURRENT


def practice_context(store: Store | None = None, handle: str = "reader-1") -> Context:
    """A context in the practice cohort: for trying an exercise out, and for examples.

    Without ``store``, answers go to a throwaway in-memory store.

    >>> ctx = practice_context()
    >>> ctx.in_practice, ctx.handle
    (True, 'reader-1')
    """
    from .store import Store

    store = store if store is not None else Store("sqlite://")
    return Context(store, Store.PRACTICE_CODE, store.join(Store.PRACTICE_CODE, handle))


def join_link(cohort: str, handle: str) -> str:
    """A link to this same page that joins ``cohort`` as ``handle``.

    >>> join_link("K7P2Q", "fox 12")
    '?cohort=K7P2Q&handle=fox+12'
    """
    return "?" + urlencode({"cohort": cohort, "handle": handle})
