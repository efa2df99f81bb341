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

  // The session form's CHIME areas. A tap or click that ticks an area puts the cursor in its note (the page says so
  // beside the boxes); a tick from the keyboard leaves the focus where it is, and the next Tab reaches the note.
  var lastPointer = 0;
  document.addEventListener("pointerdown", function () { lastPointer = Date.now(); });
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.matches || !box.matches(".area-choice input[type=checkbox]")) return;
    if (!box.checked || Date.now() - lastPointer > 1500) return;
    var note = box.closest("[data-area]").querySelector("textarea");
    if (note) note.focus();
  });
  // An area with something written or chosen in it stays open, ticked or not, so nothing that will be saved is hidden.
  function markArea(event) {
    var area = event.target.closest && event.target.closest("[data-area]");
    if (!area) return;
    var note = area.querySelector("textarea");
    var rating = area.querySelector(".rating-group input:checked");
    var filled = (note && note.value.trim() !== "") || (rating && rating.value !== "");
    area.classList.toggle("area-open", Boolean(filled) || area.hasAttribute("data-area-errors"));
  }
  document.addEventListener("input", markArea);
  document.addEventListener("change", markArea);
  // A wording hint arrives in the box under the field being typed in. The form's one status line reads it out once:
  // only when it differs from what that box last said, so a screen reader does not repeat it on every keystroke.
  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    if (!box || !box.classList || !box.classList.contains("wording-hints")) return;
    var text = box.textContent.replace(/\s+/g, " ").trim();
    if (text === (box.dataset.said || "")) return;
    box.dataset.said = text;
    var form = box.closest("form");
    var status = form && form.querySelector("[data-wording-status]");
    if (!status || !text) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 100);
  });
  // Filters collapsed behind one button (a <details>) on a phone, so people come first; open on a wider screen.
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(min-width: 768px)").matches) return;
    document.querySelectorAll("details[data-open-when-wide]").forEach(function (details) { details.open = true; });
  });
})();
