// One role=status line whose text changes in place, so screen readers announce it.
// See recovery_capital/widgets/status.py.

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
