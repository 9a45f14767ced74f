"""A labelled text box: a visible ``<label>`` above a native ``<textarea>`` (or ``<input>``).

ipywidgets' Textarea puts its description in a narrow, one-line label beside the box, which cuts
off a question of any length. :class:`TextField` keeps the whole question visible above the box
and tied to it with ``for``/``id``, sends the text while the trainee types (at most every
0.3 s, and at once when they leave the box) and caps its length in Python, whatever the browser
sends.

>>> field = TextField("What would help?", max_chars=5)
>>> field.value = "abcdefgh"
>>> field.value
'abcde'
>>> TextField.count_words("  one two\\nthree ")
3
"""

from __future__ import annotations

import traitlets

from .sync import BrowserValue

__all__ = ["TextField"]


class TextField(BrowserValue):
    """Free text with a visible label; ``rows=1`` gives a one-line box."""

    module_file = "text-field.js"
    style_files = ("text-field.css",)

    label = traitlets.Unicode("").tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    placeholder = traitlets.Unicode("").tag(sync=True)
    rows = traitlets.Int(4).tag(sync=True)
    max_chars = traitlets.Int(20_000).tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)

    def __init__(self, label: str, *, max_chars: int = 20_000, **kwargs: object) -> None:
        # set before anything else, so the cap applies to an initial value too
        self._cap = max_chars
        super().__init__(label=label, max_chars=max_chars, **kwargs)
        self.add_class("rc-text")

    @traitlets.validate("value")
    def _capped(self, proposal: traitlets.Bunch) -> str:
        value = proposal["value"]
        if len(value) > self._cap:
            self._refuse(f"{len(value)} characters")
        return value[: self._cap]

    @staticmethod
    def count_words(text: str) -> int:
        """Words in ``text`` (runs of non-space characters)."""
        return len(text.split())
