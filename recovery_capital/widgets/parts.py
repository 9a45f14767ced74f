"""The plain ipywidgets the exercises are built from, sharing their layout and style models.

Every ipywidgets control brings a ``Layout`` model, and an ``HTML`` or ``Button`` a style model
too, so a module page of nine exercises held some 150 layout and 50 style models that were all
left at their defaults. Each is a message for the kernel to send, state for it to serialise
when the page connects, and a view for the browser to build. The :class:`HTML`,
:class:`Button`, :class:`VBox` and :class:`HBox` here share one default layout (and one style
per kind) per kernel, as ipywidgets allows; the page looks the same.

The shared layout refuses changes, since a change would reach every widget sharing it: a
widget whose layout code changes (to hide it, say) is given its own, ``layout=Layout()``.

>>> a, b = HTML("<p>One</p>"), HTML("<p>Two</p>")
>>> a.layout is b.layout and a.style is b.style
True
>>> a.layout.display = "none"
Traceback (most recent call last):
...
AttributeError: this Layout is shared by many widgets; give the widget its own: layout=Layout()
>>> own = VBox(layout=Layout())
>>> own.layout.display = "none"
>>> own.layout is not a.layout
True
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
import traitlets
from ipywidgets.widgets.widget_button import ButtonStyle
from ipywidgets.widgets.widget_string import HTMLStyle

__all__ = ["HTML", "Button", "VBox", "HBox", "Layout", "SharedLayout", "shared"]

Layout = w.Layout

_SHARED: dict[type, w.Widget] = {}


class SharedLayout(w.Layout):
    """A default layout that many widgets point at; its properties cannot be changed."""

    _frozen = False

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._frozen = True

    def __setattr__(self, name: str, value: Any) -> None:
        if self._frozen and name in self.keys and not name.startswith("_"):
            raise AttributeError(
                "this Layout is shared by many widgets; give the widget its own: layout=Layout()"
            )
        super().__setattr__(name, value)


def shared(kind: type[w.Widget]) -> w.Widget:
    """This kernel's one model of ``kind`` (a layout or style class), made on first use."""
    model = _SHARED.get(kind)
    if model is None or model.comm is None:  # never made, or closed (tests close all widgets)
        model = _SHARED[kind] = kind()
    return model


def _shared_default(kind: type[w.Widget]) -> Any:
    return traitlets.default("layout" if issubclass(kind, w.Layout) else "style")(
        lambda self: shared(kind)
    )


class HTML(w.HTML):
    """ipywidgets' HTML with the shared layout and style."""

    _shared_layout = _shared_default(SharedLayout)
    _shared_style = _shared_default(HTMLStyle)


class Button(w.Button):
    """ipywidgets' Button with the shared layout and style."""

    _shared_layout = _shared_default(SharedLayout)
    _shared_style = _shared_default(ButtonStyle)


class VBox(w.VBox):
    """ipywidgets' VBox with the shared layout."""

    _shared_layout = _shared_default(SharedLayout)


class HBox(w.HBox):
    """ipywidgets' HBox with the shared layout."""

    _shared_layout = _shared_default(SharedLayout)
