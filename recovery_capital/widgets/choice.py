"""Accessible choices: ``<fieldset>``s with ``<legend>``s and native inputs, drawn by one control.

ipywidgets' own RadioButtons render radios without a shared ``name``, so the arrow keys do not
move within the group and screen readers announce no group. A :class:`ChoiceGroup` is one
question drawn as real ``<input type=radio>`` elements sharing one ``name`` inside a labelled
``<fieldset>``; each option's text is its ``<label>``, so clicking the words chooses it.
:class:`CheckboxGroup` is the same with checkboxes, for "choose all that apply".

Groups are not widgets themselves: a :class:`ChoiceSet` draws one or more of them, so a ten-item
questionnaire is one control on the page rather than ten (every control costs the browser
several milliseconds to set up, and the kernel a message). An exercise reads and sets each
group's ``value`` as if it were a control of its own.

The browser can send anything, so the chosen value is checked in Python against the options
the exercise gave (kept out of the browser's reach): anything else is turned back into the
previous value, and the page is told.

>>> group = ChoiceGroup("How important is this?", [("0", "Not at all"), ("1", "A little")],
...                     value="1")
>>> group.value = "<b>99</b>"   # as if sent by a tampered browser
>>> group.value
'1'
>>> shown = ChoiceSet([group, ChoiceGroup("And this?", ["yes", "no"])])
>>> shown.values, [spec["legend"] for spec in shown.groups]
(['1', ''], ['How important is this?', 'And this?'])
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from functools import partial
from typing import Any

import traitlets

from .controls import CourseControl

__all__ = ["ChoiceGroup", "CheckboxGroup", "ChoiceSet", "option_pairs", "value_text"]

log = logging.getLogger("recovery_capital.widgets")

#: What the page is told about each group (the value travels separately, in ``values``).
_SHOWN = ("legend", "hint", "options", "orientation", "multiple", "disabled", "hidden", "classes")


def value_text(value: object) -> str:
    """How an option value travels to and from the page: whole numbers without ``.0``.

    >>> value_text(2.0), value_text(0.5), value_text("yes")
    ('2', '0.5', 'yes')
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def option_pairs(options: Iterable[object]) -> list[tuple[str, str]]:
    """Normalise options to ``(value, label)`` pairs of strings.

    A plain option is its own value; a pair keeps its value and label.

    >>> option_pairs(["yes", (2, "Agree"), (1.0, "Disagree")])
    [('yes', 'yes'), ('2', 'Agree'), ('1', 'Disagree')]
    """
    pairs = []
    for option in options:
        if isinstance(option, tuple | list) and len(option) == 2:
            value, label = option
        else:
            value = label = option
        pairs.append((value_text(value), str(label)))
    values = [value for value, _ in pairs]
    if len(set(values)) != len(values):
        raise ValueError(f"option values must differ: {values}")
    return pairs


class _ChoiceBase(traitlets.HasTraits):
    legend = traitlets.Unicode("")
    hint = traitlets.Unicode("")
    options = traitlets.List(traitlets.Dict())
    orientation = traitlets.CaselessStrEnum(["vertical", "horizontal"], "vertical")
    disabled = traitlets.Bool(False)
    hidden = traitlets.Bool(False)
    multiple = traitlets.Bool(False)
    #: CSS classes of the box around the group (``rc-choice``, and e.g. ``rc-item``)
    classes = traitlets.List(traitlets.Unicode())

    def __init__(
        self,
        legend: str,
        options: Sequence[object],
        *,
        hint: str = "",
        orientation: str = "vertical",
        value: object = None,
        **kwargs: Any,
    ) -> None:
        self._allowed: list[str] = []
        self._labels: dict[str, str] = {}
        self.refused = False
        super().__init__(legend=legend, hint=hint, orientation=orientation, **kwargs)
        self.set_options(options)
        if value is not None:  # only once the options say which values are allowed
            self.value = value
        self.add_class("rc-choice")

    def add_class(self, name: str) -> _ChoiceBase:
        """Give the group's box a CSS class (returns the group, like ipywidgets' add_class)."""
        if name not in self.classes:
            self.classes = [*self.classes, name]
        return self

    def set_options(self, options: Sequence[object]) -> None:
        """Offer new options (clearing the choice), e.g. the next turn of a conversation.

        >>> group = ChoiceGroup("Say", ["a", "b"])
        >>> group.value = "a"
        >>> group.set_options(["c"])
        >>> group.value, group.label_of("c")
        ('', 'c')
        """
        pairs = option_pairs(options)
        with self.hold_trait_notifications():
            self.value = self.trait_defaults("value")
            # The only values this group will ever accept, whatever the browser claims.
            self._allowed = [value for value, _ in pairs]
            self._labels = dict(pairs)
            self.options = [{"value": v, "label": label} for v, label in pairs]

    def label_of(self, value: str) -> str:
        """The label shown for ``value``."""
        return self._labels[value]

    def shown(self) -> dict[str, Any]:
        """What the page draws for this group."""
        return {name: getattr(self, name) for name in _SHOWN}

    def _refuse(self, what: object) -> None:
        log.warning("ignored a value the page sent: %r", str(what)[:80])
        self.refused = True


class ChoiceGroup(_ChoiceBase):
    """Choose one option; ``value`` is the chosen option's value, or ``""`` for none yet."""

    value = traitlets.Unicode("")

    _accepted = ""  # the last valid value: while a browser update is applied, ``self.value``
    # already holds the proposed one, so it cannot be what an invalid value falls back to

    @traitlets.validate("value")
    def _known_value(self, proposal: traitlets.Bunch) -> str:
        value = proposal["value"]
        if value == "" or value in self._allowed:
            self._accepted = value
            return value
        self._refuse(value)
        return self._accepted if self._accepted in self._allowed else ""


class CheckboxGroup(_ChoiceBase):
    """Choose any number of options; ``value`` lists the chosen values in option order.

    >>> group = CheckboxGroup("Pick", ["a", "b", "c"])
    >>> group.value = ["c", "a", "zzz", "a"]
    >>> group.value
    ['a', 'c']
    """

    value = traitlets.List(traitlets.Unicode())

    def __init__(self, legend: str, options: Sequence[object], **kwargs: Any) -> None:
        super().__init__(legend, options, multiple=True, **kwargs)

    @traitlets.validate("value")
    def _known_values(self, proposal: traitlets.Bunch) -> list[str]:
        wanted = set(proposal["value"])
        unknown = wanted.difference(self._allowed)
        if unknown:
            self._refuse(sorted(unknown))
        return [value for value in self._allowed if value in wanted]


class ChoiceSet(CourseControl):
    """The control that draws ``groups`` in order, each in its own fieldset.

    ipywidgets' front end holds back state updates while the kernel is busy and sends only the
    latest later, but sends a button's click at once: a trainee who picks an answer and
    presses Submit straight away could have the click handled before the answer arrives. So the
    page sends each choice as a custom message, ``{"event": "value", "group": i, "value": v}``,
    which travels in order with the click; it is applied to the group as the exercise would
    set it, validation included.
    """

    module_file = "choice.js"
    style_files = ("choice.css",)

    groups = traitlets.List(traitlets.Dict()).tag(sync=True)
    values = traitlets.List().tag(sync=True)

    def __init__(self, groups: Iterable[_ChoiceBase], **kwargs: Any) -> None:
        self.members = list(groups)
        super().__init__(
            groups=[group.shown() for group in self.members],
            values=[group.value for group in self.members],
            **kwargs,
        )
        for index, group in enumerate(self.members):
            group.observe(partial(self._show_group, index), names=list(_SHOWN))
            group.observe(partial(self._show_value, index), names="value")
        self.on_msg(self._value_from_browser)
        self.add_class("rc-choice-set")

    def _show_group(self, index: int, _change: Any) -> None:
        shown = list(self.groups)
        shown[index] = self.members[index].shown()
        self.groups = shown

    def _show_value(self, index: int, change: Any) -> None:
        values = list(self.values)
        values[index] = change["new"]
        self.values = values

    def _apply(self, index: object, value: object) -> None:
        """Give group ``index`` the value the page sent; tell the page if it was refused."""
        if not isinstance(index, int) or not 0 <= index < len(self.members):
            log.warning("ignored a value the page sent for no group: %r", str(index)[:20])
            return
        group = self.members[index]
        group.refused = False
        expected = list(self.values)
        expected[index] = value
        try:
            # Minus the echo: the accepted value need not go back to the page that sent it.
            with self._lock_property(values=expected):
                group.value = value
        except traitlets.TraitError:
            group._refuse(value)
        if group.refused:
            self.send_state("values")

    def _value_from_browser(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "value":
            self._apply(content.get("group"), content.get("value"))

    def set_state(self, sync_data: dict[str, Any]) -> None:
        """An ordinary state update from the page: values are checked, groups never taken."""
        sync_data = dict(sync_data)
        values = sync_data.pop("values", None)
        told = sync_data.pop("groups", None) is not None
        super().set_state(sync_data)
        if isinstance(values, list):
            for index, value in enumerate(values[: len(self.members)]):
                if value != self.members[index].value:
                    self._apply(index, value)
        if told:  # the page may not change what is asked: show it the groups again
            self.send_state("groups")
