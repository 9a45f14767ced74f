// A labelled text box that sends its text while the trainee types.
// See recovery_capital/widgets/text.py.

// Show the value at once and tell the kernel, in order with any button click (sync.py).
function sendValue(model, value) {
  model.set("value", value);
  model.send({ event: "value", value });
}

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
