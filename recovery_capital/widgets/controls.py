"""The course's own browser controls, and how their code reaches the page once.

Each control (:class:`~.choice.ChoiceSet`, :class:`~.text.TextField`,
:class:`~.status.StatusLine`) is an anywidget whose JavaScript and CSS are files in
``widgets/static/``. anywidget sends that code with every widget's state, so a module page with
seventy choice groups used to carry seventy copies of the same 5 KB, and the browser imported
the same module seventy times.

Under ``recovery-capital serve`` the course server publishes the folder (see
:mod:`.control_code`) and tells its kernels where, and each
widget's ``_esm`` is only a few lines that import the shared module and add its stylesheet
once per page. Anywhere else (JupyterLab, tests) the widget carries its code inline, as any
anywidget does.

anywidget also gives every instance a class of its own (``add_traits``), which costs about a
millisecond per widget; :class:`CourseControl` declares those traits on the class instead. And
the controls need no ipywidgets ``Layout`` (their CSS places them), so they have none unless
one is given.

>>> class Demo(CourseControl):
...     module_file = "status-line.js"
...     style_files = ("exercise.css",)
>>> inline = Demo()
>>> "export default { render }" in inline._esm, ".rc-exercise" in inline._css
(True, True)
>>> served = Demo(controls_url="/course/recovery-capital/controls/abc/")
>>> served._css, "/course/recovery-capital/controls/abc/" in served._esm, len(served._esm) < 900
('', True, True)
>>> type(inline) is type(served) is Demo, inline.layout is None
(True, True)
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any, ClassVar

import anywidget
import ipywidgets
import traitlets
from ipywidgets.widgets.widget import widget_serialization

from .control_code import CONTROLS_URL_ENV, code_of

__all__ = ["CourseControl"]

# Import the shared module and add its stylesheets once per page; every instance of a control
# on the page then shares one evaluated module (the browser keys modules by URL).
_LOADER = """const base = new URL(%(base)s, location.origin);
const sheets = %(sheets)s.map((name) => {
  const href = new URL(name, base).href;
  let link = document.querySelector(`link[data-rc-control="${href}"]`);
  if (!link) {
    link = Object.assign(document.createElement("link"), { rel: "stylesheet", href });
    link.dataset.rcControl = href;
    link.rcLoaded = new Promise((done) => { link.onload = link.onerror = done; });
    document.head.append(link);
  }
  return link.rcLoaded;
});
const [control] = await Promise.all([import(new URL(%(module)s, base).href), ...sheets]);
export default control.default;
"""


class CourseControl(anywidget.AnyWidget):
    """An anywidget whose code is ``module_file`` and ``style_files`` in ``widgets/static/``.

    ``controls_url`` (default: the :data:`CONTROLS_URL_ENV` environment variable) is where the
    course server serves that folder; without it the code travels inline.
    """

    module_file: ClassVar[str] = ""
    style_files: ClassVar[tuple[str, ...]] = ()

    _esm = traitlets.Unicode("").tag(sync=True)
    _css = traitlets.Unicode("").tag(sync=True)
    _anywidget_id = traitlets.Unicode("").tag(sync=True)
    # The controls style themselves with their CSS, so by default they carry no ipywidgets
    # Layout: one model fewer per control for the kernel to make and the page to load. Give
    # ``layout=ipywidgets.Layout()`` to a control whose layout code will change.
    layout = traitlets.Instance(ipywidgets.Layout, allow_none=True, default_value=None).tag(
        sync=True, **widget_serialization
    )

    def __init__(self, *, controls_url: str | None = None, **kwargs: Any) -> None:
        url = os.environ.get(CONTROLS_URL_ENV, "") if controls_url is None else controls_url
        name = f"{type(self).__module__}.{type(self).__qualname__}"
        if url:
            code = {"_esm": self._loader(url), "_css": ""}
        else:
            styles = "\n".join(code_of(file) for file in self.style_files)
            code = {"_esm": code_of(self.module_file), "_css": styles}
        super().__init__(**code, _anywidget_id=name, **kwargs)

    @classmethod
    @cache
    def _loader(cls, url: str) -> str:
        return _LOADER % {
            "base": json.dumps(url),
            "sheets": json.dumps(list(cls.style_files)),
            "module": json.dumps(cls.module_file),
        }

    def add_traits(self, **traits: Any) -> None:
        # anywidget adds ``_anywidget_id`` per instance, making a new class each time; this
        # class declares it already, so only genuinely new traits are added.
        new = {name: trait for name, trait in traits.items() if not self.has_trait(name)}
        if new:
            super().add_traits(**new)
