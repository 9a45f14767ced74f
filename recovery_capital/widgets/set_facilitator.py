"""The set facilitator's page: with the cohort's join code, their set's number and the set key
the trainer gave them, a facilitator reads the practice-log entries their set's members chose
to share, and nothing else (no other set, no private entry, no answers to exercises).

>>> from recovery_capital.store import Store
>>> store = Store("sqlite://")
>>> code = store.create_cohort("Spring").code
>>> _ = store.join(code, "ash"); _ = store.join(code, "birch")
>>> keys = store.save_sets(code, {1: ["ash"], 2: ["birch"]})
>>> _ = store.add_log_entry(code, "ash", "day1", {"tried": "A ruler"}, shared=True)
>>> _ = store.add_log_entry(code, "birch", "day1", {"tried": "Set 2's entry"}, shared=True)
>>> page = SetFacilitatorPage(code, store=store)
>>> page.number_field.value, page.key_field.value = "1", keys[1]
>>> page.open()
True
>>> "A ruler" in page.entries.value, "Set 2" in page.entries.value, page.key_field.value
(True, False, '')
"""

from __future__ import annotations

import ipywidgets as w

from ..store import Store, StoreError
from ..store.keys import normalise_code
from .base import guarded
from .html import element, join
from .parts import HTML, Button, HBox, Layout, VBox
from .status import StatusLine

__all__ = ["SetFacilitatorPage", "WRONG_SET_KEY"]

WRONG_SET_KEY = (
    "That join code, set number and set key don't match a set here. Check them "
    "with your trainer: the set key was shown once, when the sets were made."
)


class SetFacilitatorPage:
    """The sign-in form and, once in, the set's shared entries (``widget`` to show)."""

    def __init__(self, code: str | None = None, *, store: Store | None = None) -> None:
        self._store = store
        self.status = StatusLine()
        style = {"description_width": "initial"}
        self.code_field = w.Text(value=code or "", description="Join code", style=style)
        self.number_field = w.Text(description="Set number", style=style)
        self.key_field = w.Password(description="Set key", style=style)
        self.open_button = Button(description="Open my set's log", button_style="primary")
        self.open_button.add_class("rc-submit")
        self.open_button.on_click(guarded(lambda _: self.open(), self.status, "set page"))
        self.form = VBox([self.code_field, self.number_field, self.key_field,
                          HBox([self.open_button])], layout=Layout())  # fmt: skip
        self.entries = HTML().add_class("rc-set-entries")
        self.widget = VBox([self.form, self.status, self.entries]).add_class("rc-set-facilitator")

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store()
        return self._store

    def open(self) -> bool:
        """Check the form and show the set's shared entries; True when the set opened."""
        key = self.key_field.value
        self.key_field.value = ""  # the key leaves the page as soon as it has been read
        number = self.number_field.value.strip()
        try:
            code = normalise_code(self.code_field.value)
            if not number.isdigit() or not self.store.verify_set_key(code, int(number), key):
                self.status.show(WRONG_SET_KEY, "warning")
                return False
            entries = self.store.shared_log_entries(code, int(number), key)
        except StoreError:
            self.status.show(WRONG_SET_KEY, "warning")
            return False
        blocks = [element("h3", f"Set {number}: entries shared with the set")]
        for entry in entries:
            blocks.append(
                element(
                    "div",
                    element(
                        "p",
                        element("strong", entry.handle),
                        f" \u2014 {entry.day}" + (f", {entry.skill}" if entry.skill else ""),
                    ),
                    [element("p", element("em", f"{k}: "), v) for k, v in entry.entry.items()],
                    cls="rc-log-entry",
                )
            )
        if not entries:
            blocks.append(element("p", "Nobody in this set has shared an entry yet."))
        self.entries.value = join(blocks)
        self.status.show(f"{len(entries)} shared entr{'y' if len(entries) == 1 else 'ies'}.", "ok")
        return True

    def _repr_mimebundle_(self, **kwargs: object) -> object:
        return self.widget._repr_mimebundle_(**kwargs)
