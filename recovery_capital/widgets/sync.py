"""Values from the browser that arrive in order with button clicks, and are checked in Python.

ipywidgets' front end holds back state updates while the kernel is busy and sends only the
latest later, but sends a button's click at once: a trainee who picks an answer and presses
Submit straight away could have the click handled before the answer arrives. The controls here
therefore send their value as a custom message, which travels in order with the click, and the
kernel applies it as if it were a normal state update (validation included). When validation
refuses a value, the browser is told the value actually kept. (:class:`~.choice.ChoiceSet`
does the same for the several groups it draws, naming the group in each message.)
"""

from __future__ import annotations

import logging
from typing import Any

import traitlets

from .controls import CourseControl

__all__ = ["BrowserValue"]

log = logging.getLogger("recovery_capital.widgets")


class BrowserValue(CourseControl):
    """A control whose ``value`` the browser sends as ``{"event": "value", "value": ...}``.

    Its JavaScript sends values with ``sendValue(model, value)`` (``static/text-field.js``).

    Subclasses declare a synced ``value`` trait with a validator that calls :meth:`_refuse`
    for anything it will not accept.
    """

    def __init__(self, **kwargs: Any) -> None:
        self._refused = False
        super().__init__(**kwargs)
        self.on_msg(self._value_from_browser)

    def _value_from_browser(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict) or content.get("event") != "value":
            return
        self._refused = False
        value = content.get("value")
        try:
            # As ipywidgets applies a state update, minus the echo: locking the property stops
            # the accepted value from being sent back to the browser that sent it.
            with self._lock_property(value=value), self.hold_trait_notifications():
                self.set_trait("value", value)
        except traitlets.TraitError:
            self._refuse(value)
        if self._refused:
            self.send_state("value")

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """Apply an ordinary state update, correcting the browser if a value was refused."""
        self._refused = False
        super().set_state(sync_data)
        if self._refused:
            self.send_state("value")

    def _refuse(self, what: object) -> None:
        log.warning("ignored a value the page sent: %r", str(what)[:80])
        self._refused = True
