// Drafts of long forms (chime/drafts.py): a form with {% keep_draft %} is filled in again from its draft, and sends
// its fields to the server a moment after the person stops typing, and as the page is left.
(function () {
  "use strict";
  var DELAY = 1500;

  function restore(form, data) {
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      var name = field.name;
      if (!name || name === "csrfmiddlewaretoken" || name === "chime_draft") return;
      if (["file", "submit", "button", "reset"].indexOf(field.type) !== -1) return;
      var values = data[name] || [];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = values.indexOf(field.value) !== -1;
        field.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (field.tagName === "SELECT") {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = values.indexOf(option.value) !== -1;
        });
        field.dispatchEvent(new Event("change", { bubbles: true }));
      } else if (name in data) {
        var i = seen[name] || 0;
        seen[name] = i + 1;
        field.value = values[i] === undefined ? "" : values[i];
      }
    });
  }

  function keep(form, tokenInput, state) {
    var url = tokenInput.dataset.draftSave;
    var status = form.querySelector("[data-draft-status]");
    var timer = null;
    var last = new URLSearchParams(new FormData(form)).toString();

    function send(leaving) {
      clearTimeout(timer);
      var body = new URLSearchParams(new FormData(form)).toString();
      if (state.done || body === last) return;
      last = body;
      fetch(url, {
        method: "POST",
        body: body,
        keepalive: leaving,
        credentials: "same-origin",
        headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Chime-Background": "1" }
      }).then(function (response) {
        document.dispatchEvent(new CustomEvent("chime:answer", { detail: response.headers }));
        if (response.ok && status) {
          var now = new Date();
          status.textContent = "Draft kept at " + now.toTimeString().slice(0, 5) + ". It is deleted when you save.";
        }
      }).catch(function () { last = ""; });
    }

    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(send, DELAY); });
    form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(send, DELAY); });
    form.addEventListener("submit", function () { state.done = true; clearTimeout(timer); });
    window.addEventListener("pagehide", function () { send(true); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[name=chime_draft]").forEach(function (tokenInput) {
      var form = tokenInput.form;
      if (!form) return;
      var data = document.getElementById("draft-data");
      var notice = form.querySelector("[data-draft-restored]");
      var state = { done: false };
      if (data && notice) {
        restore(form, JSON.parse(data.textContent));
        notice.hidden = false;
        notice.focus();
        notice.querySelector("[data-draft-discard]").addEventListener("click", function (event) {
          state.done = true;
          var body = new URLSearchParams({ csrfmiddlewaretoken: form.elements.csrfmiddlewaretoken.value });
          fetch(event.target.dataset.draftDiscard, { method: "POST", body: body, credentials: "same-origin" })
            .then(function () { window.location.reload(); });
        });
      }
      keep(form, tokenInput, state);
    });
  });
})();
