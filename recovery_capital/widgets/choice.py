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

from .sync import SEND_VALUE_JS, BrowserValue

__all__ = ["ChoiceGroup", "CheckboxGroup", "option_pairs", "value_text"]

_ESM = (
    SEND_VALUE_JS
    + """
let counter = 0;

function render({ model, el }) {
  counter += 1;
  const name = `rc-choice-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const fieldset = document.createElement("fieldset");
  fieldset.className = "rc-choice-group";
  const legend = document.createElement("legend");
  legend.className = "rc-choice-legend";
  const hint = document.createElement("p");
  hint.className = "rc-choice-hint";
  hint.id = `${name}-hint`;
  const list = document.createElement("div");
  list.className = "rc-choice-options";
  fieldset.append(legend, hint, list);
  el.append(fieldset);

  const chosen = () => {
    const value = model.get("value");
    if (Array.isArray(value)) return value;
    return value === "" ? [] : [value];
  };

  function choose(input) {
    if (model.get("multiple")) {
      sendValue(model, [...list.querySelectorAll("input:checked")].map((i) => i.value));
    } else if (input.checked) {
      sendValue(model, input.value);
    }
  }

  function showChecked() {
    const values = chosen();
    for (const input of list.querySelectorAll("input")) {
      input.checked = values.includes(input.value);
      input.closest("label").classList.toggle("rc-choice-selected", input.checked);
    }
  }

  function showText() {
    legend.textContent = model.get("legend");
    hint.textContent = model.get("hint");
    hint.hidden = !model.get("hint");
    if (model.get("hint")) fieldset.setAttribute("aria-describedby", hint.id);
    else fieldset.removeAttribute("aria-describedby");
    fieldset.dataset.orientation = model.get("orientation");
    fieldset.disabled = model.get("disabled");
  }

  function showOptions() {
    const kind = model.get("multiple") ? "checkbox" : "radio";
    list.replaceChildren();
    for (const option of model.get("options")) {
      const label = document.createElement("label");
      label.className = "rc-choice-option";
      const input = document.createElement("input");
      input.type = kind;
      input.name = name;
      input.value = option.value;
      input.addEventListener("change", () => choose(input));
      const text = document.createElement("span");
      text.textContent = option.label;
      label.append(input, text);
      list.append(label);
    }
    showChecked();
  }

  showText();
  showOptions();
  // Only tick boxes on a value change: rebuilding would lose keyboard focus mid-group.
  model.on("change:value", showChecked);
  model.on("change:options", showOptions);
  model.on("change:multiple", showOptions);
  for (const trait of ["legend", "hint", "orientation", "disabled"]) {
    model.on(`change:${trait}`, showText);
  }
}

export default { render };
"""
)

_CSS = """
.rc-choice-group {
  border: 1px solid var(--jp-border-color1, #8a8a8a);
  border-radius: 6px;
  margin: 0.4em 0;
  padding: 0.5em 0.9em 0.7em;
  min-width: 0;
}
.rc-choice-legend { font-weight: 600; padding: 0 0.3em; }
.rc-choice-hint { margin: 0.1em 0 0.4em; color: var(--jp-ui-font-color2, #4a4a4a); }
.rc-choice-options { display: flex; flex-direction: column; gap: 0.25em; }
.rc-choice-group[data-orientation="horizontal"] .rc-choice-options {
  flex-direction: row; flex-wrap: wrap; gap: 0.4em;
}
.rc-choice-option {
  display: inline-flex; align-items: center; gap: 0.45em;
  padding: 0.3em 0.6em; border-radius: 4px; cursor: pointer;
  border: 1px solid transparent;
}
.rc-choice-group[data-orientation="horizontal"] .rc-choice-option {
  border-color: var(--jp-border-color2, #b0b0b0); min-width: 2.6em; justify-content: center;
}
.rc-choice-option:hover { background: var(--jp-layout-color2, #eeeeee); }
.rc-choice-option.rc-choice-selected {
  background: #e0ecf7; border-color: #0072b2; font-weight: 600;
}
.rc-choice-option input { width: 1.1em; height: 1.1em; margin: 0; accent-color: #0072b2; }
.rc-choice-option:focus-within { outline: 3px solid #e69f00; outline-offset: 1px; }
.rc-choice-group:disabled .rc-choice-option { cursor: not-allowed; opacity: 0.7; }
"""


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
    _esm = _ESM
    _css = _CSS

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
