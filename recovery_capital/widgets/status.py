"""The status line under every exercise, announced politely to screen readers.

ipywidgets' HTML widget replaces its whole content on each change, which screen readers do not
reliably announce; this control keeps one ``role="status"`` element and changes only its text.
It also carries the shared stylesheet for the exercises' ``rc-*`` classes, since every exercise
shows one.

>>> line = StatusLine()
>>> line.show("Saved", "ok")
>>> line.text, line.tone
('Saved', 'ok')
"""

from __future__ import annotations

import anywidget
import traitlets

__all__ = ["StatusLine", "EXERCISE_CSS"]

_ESM = """
function render({ model, el }) {
  const line = document.createElement("p");
  line.className = "rc-status";
  line.setAttribute("role", "status");
  line.setAttribute("aria-live", "polite");
  el.append(line);
  const show = () => {
    line.textContent = model.get("text");
    line.dataset.tone = model.get("tone");
    line.hidden = !model.get("text");
  };
  show();
  model.on("change:text", show);
  model.on("change:tone", show);
}
export default { render };
"""

# Okabe-Ito colours (safe for the common colour-vision differences); meaning is always carried
# by words or symbols too, never by colour alone.
EXERCISE_CSS = """
.rc-exercise {
  max-width: 52em; margin: 1em 0 2em; padding: 1em 1.2em;
  border: 1px solid #b8b8b8; border-radius: 8px; line-height: 1.5;
}
.rc-exercise h3.rc-title { margin: 0 0 0.5em; font-size: 1.25em; }
.rc-exercise .widget-html-content { line-height: 1.5; white-space: normal; }
.rc-status { margin: 0.4em 0; font-size: 0.95em; }
.rc-status[data-tone="ok"]::before { content: "\\2713\\00a0"; color: #009e73; }
.rc-status[data-tone="warning"]::before { content: "!\\00a0"; font-weight: 700; color: #d55e00; }
.rc-status[data-tone="error"] { font-weight: 600; }
.rc-status[data-tone="error"]::before { content: "\\2717\\00a0"; color: #d55e00; }
.rc-feedback:empty { display: none; }
.rc-feedback .rc-result { border-left: 4px solid #0072b2; padding: 0.3em 0.9em; margin: 0.6em 0; }
.rc-feedback .rc-correct::before { content: "\\2713  "; color: #009e73; font-weight: 700; }
.rc-feedback .rc-incorrect::before { content: "\\2717  "; color: #d55e00; font-weight: 700; }
.rc-feedback table { border-collapse: collapse; margin: 0.5em 0; }
.rc-feedback th, .rc-feedback td {
  border: 1px solid #c8c8c8; padding: 0.25em 0.6em; text-align: left; vertical-align: top;
}
.rc-score { font-size: 1.2em; font-weight: 700; }
.rc-band { font-weight: 600; }
.rc-warning { border-left: 4px solid #e69f00; padding: 0.2em 0.8em; background: #fff7e6; }
.rc-note { font-style: italic; }
.rc-chart img { max-width: 100%; height: auto; }
.rc-bar { display: inline-block; height: 0.9em; background: #0072b2; vertical-align: middle; }
.rc-transcript .rc-client { margin: 0.3em 0; }
.rc-transcript .rc-practitioner { margin: 0.3em 0 0.3em 2em; font-style: italic; }
.rc-actions .widget-button { margin-right: 0.6em; }
.rc-exercise .widget-button:focus-visible, .rc-dashboard .widget-button:focus-visible {
  outline: 3px solid #e69f00; outline-offset: 2px;
}
.rc-visually-hidden {
  position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
}
"""


class StatusLine(anywidget.AnyWidget):
    """One line of status text (``tone``: ``info``, ``ok``, ``warning`` or ``error``)."""

    _esm = _ESM
    _css = EXERCISE_CSS

    text = traitlets.Unicode("").tag(sync=True)
    tone = traitlets.CaselessStrEnum(["info", "ok", "warning", "error"], "info").tag(sync=True)

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.add_class("rc-status-line")

    def show(self, text: str, tone: str = "info") -> None:
        """Replace the status text (it is set as text, never as HTML)."""
        with self.hold_sync():
            self.tone = tone
            self.text = text

    def clear(self) -> None:
        """Hide the status line."""
        self.show("")
