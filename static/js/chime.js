// Chime's own small behaviours. Loaded as a file (strict CSP: no inline scripts).
(function () {
  "use strict";
  // A form marked data-submit-once ignores a second press while the first is on its way (double clicks, impatience).
  // The server also refuses a duplicate (each form carries a one-time submission key), so this is a courtesy.
  // A form that came back with problems: take keyboard and screen-reader users straight to the list of them.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  });
  // A form marked data-busy (a file being read) says so while the server works: the page otherwise looks stuck.
  document.addEventListener("submit", function (event) {
    var busy = event.target.matches("form[data-busy]") && event.target.querySelector("[data-busy-message]");
    if (busy) busy.hidden = false;
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-submit-once]")) return;
    if (form.dataset.submitting === "true") { event.preventDefault(); return; }
    form.dataset.submitting = "true";
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.setAttribute("aria-disabled", "true");
      button.classList.add("disabled");
    });
  });
})();
