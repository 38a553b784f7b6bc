// Reply templates in the back office: choosing one puts its text into the action's text box at
// once, before what was typed, to be edited before sending. Without JavaScript the form's
// "Sisipkan templat" button does the same on the server (aduan/backoffice/forms/_base.py).
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-insert-into]");
  if (!select || !select.value) return;
  const box = select.form.elements[select.dataset.insertInto];
  const body = select.selectedOptions[0].dataset.body;
  const typed = box.value.trim();
  box.value = typed ? `${body}\n\n${typed}` : body;
  select.value = "";
  box.focus();
});

document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("button.insert-template")) button.hidden = true;
});
