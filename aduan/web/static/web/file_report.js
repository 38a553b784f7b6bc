/* The filing form (web/file_report.html): category search, filling in the
   incident date the checklist found, and one submit per click. Small and optional: the form works
   without it. A static file, so that the Content-Security-Policy needs no inline script. */
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;

  var filter = document.getElementById("category-filter");
  var select = filter && document.getElementById(filter.getAttribute("aria-controls"));
  if (filter && select) filter.addEventListener("input", function (event) {
    event.stopPropagation();  // a search, not an answer: the checklist and the draft ignore it
    var q = filter.value.toLowerCase(), first = null, before = select.value;
    Array.prototype.forEach.call(select.options, function (o) {
      var show = !o.value || o.text.toLowerCase().indexOf(q) >= 0;
      o.hidden = !show;
      if (show && o.value && !first) first = o;
    });
    if (q && first) select.value = first.value;
    // As if chosen: its questions come (htmx) and the draft keeps it.
    if (select.value !== before) select.dispatchEvent(new Event("change", {bubbles: true}));
  });

  // "Gunakan lokasi saya" and the map pin: web/report_map.js.

  // The checklist is replaced by htmx as the reporter types: listen on the form, not the button.
  form.addEventListener("click", function (event) {
    var fill = event.target.closest("#fill-incident-date"), date = document.getElementById("id_incident_date");
    if (!fill || !date) return;
    date.value = fill.dataset.date;
    // As if picked: the draft (draft.js) keeps it, and the checklist asks again and drops the
    // button. The checklist asks on `input` only: a `change` also comes when the focus leaves a
    // field, as when this button is pressed, and an answer arriving while it is held down would
    // swap a new button under the pointer and lose the click.
    date.dispatchEvent(new Event("input", {bubbles: true}));
    date.dispatchEvent(new Event("change", {bubbles: true}));
  });

  form.addEventListener("submit", function () {
    var submit = form.querySelector("button[type=submit]");
    setTimeout(function () { submit.disabled = true; }, 0);
  });
})();
