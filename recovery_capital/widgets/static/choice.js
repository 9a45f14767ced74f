// An accessible choice group: a <fieldset> with a <legend> and native radios or checkboxes
// sharing one name, so the arrow keys move within the group. See recovery_capital/widgets/choice.py.

// Show the value at once and tell the kernel, in order with any button click (sync.py).
function sendValue(model, value) {
  model.set("value", value);
  model.send({ event: "value", value });
}

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
