"""An accessible choice control: a ``<fieldset>`` with a ``<legend>`` and native inputs.

ipywidgets' own RadioButtons render radios without a shared ``name``, so the arrow keys do not
move within the group and screen readers announce no group. :class:`ChoiceGroup` renders real
``<input type=radio>`` elements sharing one ``name`` inside a labelled ``<fieldset>``; each
option's text is its ``<label>``, so clicking the words chooses it. :class:`CheckboxGroup` is the
same with checkboxes, for "choose all that apply".

The browser can set any synced trait to anything, so the chosen value is checked in Python
against the options the exercise gave (kept out of the browser's reach): anything else is
turned back into the previous value.

>>> group = ChoiceGroup("How important is this?", [("0", "Not at all"), ("1", "A little")],
...                     value="1")
>>> group.value = "<b>99</b>"   # as if sent by a tampered browser
>>> group.value
'1'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import traitlets

from .sync import BrowserValue

__all__ = ["ChoiceGroup", "CheckboxGroup", "option_pairs", "value_text"]


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


class _ChoiceBase(BrowserValue):
    module_file = "choice.js"
    style_files = ("choice.css",)

    legend = traitlets.Unicode("").tag(sync=True)
    hint = traitlets.Unicode("").tag(sync=True)
    options = traitlets.List(traitlets.Dict()).tag(sync=True)
    orientation = traitlets.CaselessStrEnum(["vertical", "horizontal"], "vertical").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)

    def __init__(
        self,
        legend: str,
        options: Sequence[object],
        *,
        hint: str = "",
        orientation: str = "vertical",
        **kwargs: object,
    ) -> None:
        self._allowed: list[str] = []
        self._labels: dict[str, str] = {}
        value = kwargs.pop("value", None)
        super().__init__(legend=legend, hint=hint, orientation=orientation, **kwargs)
        self.set_options(options)
        if value is not None:  # only once the options say which values are allowed
            self.value = value
        self.add_class("rc-choice")

    def set_options(self, options: Sequence[object]) -> None:
        """Offer new options (clearing the choice), e.g. the next turn of a conversation.

        >>> group = ChoiceGroup("Say", ["a", "b"])
        >>> group.value = "a"
        >>> group.set_options(["c"])
        >>> group.value, group.label_of("c")
        ('', 'c')
        """
        pairs = option_pairs(options)
        with self.hold_sync():
            self.value = self.trait_defaults("value")
            # The only values this control will ever accept, whatever the browser claims.
            self._allowed = [value for value, _ in pairs]
            self._labels = dict(pairs)
            self.options = [{"value": v, "label": label} for v, label in pairs]

    def label_of(self, value: str) -> str:
        """The label shown for ``value``."""
        return self._labels[value]


class ChoiceGroup(_ChoiceBase):
    """Choose one option; ``value`` is the chosen option's value, or ``""`` for none yet."""

    value = traitlets.Unicode("").tag(sync=True)

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

    value = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(self, legend: str, options: Sequence[object], **kwargs: object) -> None:
        super().__init__(legend, options, multiple=True, **kwargs)

    @traitlets.validate("value")
    def _known_values(self, proposal: traitlets.Bunch) -> list[str]:
        wanted = set(proposal["value"])
        unknown = wanted.difference(self._allowed)
        if unknown:
            self._refuse(sorted(unknown))
        return [value for value in self._allowed if value in wanted]
