"""The join code and trainer key form in front of every trainer view (dashboard, cohort report).

The key is read once and cleared from the page straight away; a mistyped code is named (e.g.
the letter O for a zero) and a wrong key gets one message that does not say whether the
cohort exists.

>>> from recovery_capital.store import Store
>>> store = Store("sqlite://")
>>> cohort = store.create_cohort("Tuesday group")
>>> form = TrainerSignIn(cohort.code, button="Open", status=StatusLine())
>>> form.key_field.value = "NOT-THE-KEY"
>>> form.check(store) is None, form.key_field.value, form.status.text == WRONG_KEY
(True, '', True)
>>> form.key_field.value = cohort.trainer_key
>>> form.check(store).code == cohort.code
True
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from ..store import Store, UnknownCohort
from ..store.access import TrainerAccess, trainer_access
from ..store.errors import AccessDenied
from ..store.keys import normalise_code
from .base import guarded
from .parts import Button, HBox, Layout, VBox
from .status import StatusLine

__all__ = ["TrainerSignIn", "WRONG_KEY"]

# The store does not say whether the code exists, so neither does this message.
WRONG_KEY = (
    "That join code and trainer key don't match a cohort here. Check both: the key was shown "
    "once, when the cohort was created."
)


class TrainerSignIn:
    """Join code, trainer key and an open button; ``box`` is the form to show.

    ``on_open`` runs (guarded: a failure shows in ``status``, never as a traceback) when the
    button is pressed; it calls :meth:`check` to learn whether the trainer may go in.
    """

    def __init__(
        self,
        code: str | None = None,
        *,
        button: str,
        status: StatusLine,
        on_open: Callable[[], object] | None = None,
        css_class: str = "rc-trainer-login",
    ) -> None:
        self.status = status
        self.code_field = w.Text(
            value=code or "", description="Join code", style={"description_width": "initial"}
        ).add_class("rc-trainer-code")
        self.key_field = w.Password(
            description="Trainer key", style={"description_width": "initial"}
        ).add_class("rc-trainer-key")
        self.open_button = Button(description=button, button_style="primary")
        self.open_button.add_class("rc-submit")
        if on_open is not None:
            self.open_button.on_click(guarded(lambda _: on_open(), status, css_class))
        self.box = VBox(  # its own layout: hidden once the trainer is signed in
            [self.code_field, self.key_field, HBox([self.open_button]).add_class("rc-actions")],
            layout=Layout(),
        ).add_class(css_class)

    def check(self, store: Store) -> TrainerAccess | None:
        """The trainer's access if the code and key match, else ``None`` with a message shown."""
        key = self.key_field.value
        self.key_field.value = ""  # the key leaves the page as soon as it has been read
        try:
            code = normalise_code(self.code_field.value)  # names typos such as O for 0
        except UnknownCohort as exc:
            self.status.show(str(exc), "warning")
            return None
        try:
            return trainer_access(store, code, key)
        except AccessDenied:
            self.status.show(WRONG_KEY, "warning")
            return None

    def hide(self) -> None:
        """Put the form away once the trainer is in."""
        self.box.layout.display = "none"
