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

from .sync import SEND_VALUE_JS, BrowserValue

__all__ = ["TextField"]

_ESM = (
    SEND_VALUE_JS
    + """
let counter = 0;

function render({ model, el }) {
  counter += 1;
  const id = `rc-text-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const label = document.createElement("label");
  label.className = "rc-text-label";
  label.htmlFor = id;
  const rows = model.get("rows");
  const box = document.createElement(rows > 1 ? "textarea" : "input");
  box.id = id;
  box.className = "rc-text-input";
  if (rows > 1) box.rows = rows;
  else box.type = "text";
  el.append(label, box);

  let timer = null;
  const send = () => {
    clearTimeout(timer);
    timer = null;
    if (box.value !== model.get("value")) sendValue(model, box.value);
  };
  box.addEventListener("input", () => {
    if (timer === null) timer = setTimeout(send, 300);
  });
  box.addEventListener("change", send);
  box.addEventListener("blur", send);

  const show = () => {
    label.textContent = model.get("label");
    box.placeholder = model.get("placeholder");
    box.maxLength = model.get("max_chars");
    box.disabled = model.get("disabled");
    if (document.activeElement !== box && box.value !== model.get("value")) {
      box.value = model.get("value");
    }
  };
  show();
  for (const trait of ["label", "placeholder", "max_chars", "disabled"]) {
    model.on(`change:${trait}`, show);
  }
  model.on("change:value", () => {
    // Never overwrite what the trainee is typing with an older echo of it.
    if (document.activeElement !== box) box.value = model.get("value");
  });
  return () => clearTimeout(timer);
}

export default { render };
"""
)

_CSS = """
.rc-text-label { display: block; font-weight: 600; margin: 0.6em 0 0.25em; }
.rc-text-input {
  display: block; box-sizing: border-box; width: 100%; max-width: 48em;
  font: inherit; line-height: 1.45; padding: 0.45em 0.6em;
  border: 1px solid #767676; border-radius: 4px;
}
.rc-text-input:focus { outline: 3px solid #e69f00; outline-offset: 1px; }
"""


class TextField(BrowserValue):
    """Free text with a visible label; ``rows=1`` gives a one-line box."""

    _esm = _ESM
    _css = _CSS

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
