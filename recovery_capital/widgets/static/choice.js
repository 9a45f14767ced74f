// Accessible choice groups: each a <fieldset> with a <legend> and native radios or checkboxes
// sharing one name, so the arrow keys move within the group. One control draws several groups
// (a whole questionnaire). See recovery_capital/widgets/choice.py.

let counter = 0;

function render({ model, el }) {
  counter += 1;
  const prefix = `rc-choice-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const drawn = []; // one entry per group: its elements and what they were drawn from

  // Show the value at once and tell the kernel, in order with any button click (choice.py).
  function send(index, value) {
    const values = [...model.get("values")];
    values[index] = value;
    model.set("values", values);
    model.send({ event: "value", group: index, value });
  }

  function draw(index) {
    const name = `${prefix}-${index}`;
    const box = document.createElement("div");
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
    box.append(fieldset);
    el.append(box);
    return { name, box, fieldset, legend, hint, list, options: null };
  }

  function choose(index, input) {
    const group = model.get("groups")[index];
    const list = drawn[index].list;
    if (group.multiple) {
      send(index, [...list.querySelectorAll("input:checked")].map((i) => i.value));
    } else if (input.checked) {
      send(index, input.value);
    }
  }

  function showOptions(index, group) {
    const part = drawn[index];
    const kind = group.multiple ? "checkbox" : "radio";
    part.list.replaceChildren();
    for (const option of group.options) {
      const label = document.createElement("label");
      label.className = "rc-choice-option";
      const input = document.createElement("input");
      input.type = kind;
      input.name = part.name;
      input.value = option.value;
      input.addEventListener("change", () => choose(index, input));
      const text = document.createElement("span");
      text.textContent = option.label;
      label.append(input, text);
      part.list.append(label);
    }
    part.options = JSON.stringify([group.options, group.multiple]);
  }

  function showGroup(index, group) {
    const part = drawn[index];
    part.box.className = group.classes.join(" ");
    part.box.hidden = group.hidden;
    part.legend.textContent = group.legend;
    part.hint.textContent = group.hint;
    part.hint.hidden = !group.hint;
    if (group.hint) part.fieldset.setAttribute("aria-describedby", part.hint.id);
    else part.fieldset.removeAttribute("aria-describedby");
    part.fieldset.dataset.orientation = group.orientation;
    part.fieldset.disabled = group.disabled;
    // Rebuild the inputs only when the options change: rebuilding loses keyboard focus.
    if (part.options !== JSON.stringify([group.options, group.multiple])) {
      showOptions(index, group);
    }
  }

  function showValues() {
    const values = model.get("values");
    drawn.forEach((part, index) => {
      const value = values[index];
      const chosen = Array.isArray(value) ? value : value ? [value] : [];
      for (const input of part.list.querySelectorAll("input")) {
        input.checked = chosen.includes(input.value);
        input.closest("label").classList.toggle("rc-choice-selected", input.checked);
      }
    });
  }

  function showGroups() {
    const groups = model.get("groups");
    while (drawn.length < groups.length) drawn.push(draw(drawn.length));
    while (drawn.length > groups.length) drawn.pop().box.remove();
    groups.forEach((group, index) => showGroup(index, group));
    showValues();
  }

  showGroups();
  model.on("change:groups", showGroups);
  model.on("change:values", showValues);
}

export default { render };
