// The warning before the idle limit (WCAG 2.2.1, timing adjustable), and the message when the session has ended.
// The server says how many seconds are left on every answer (X-Chime-Seconds-Left); a background request made after
// the session ended gets a 401 marked X-Chime-Signed-Out, so the page stays as it is and says what happened.
(function () {
  "use strict";
  var timer = document.getElementById("session-timer");
  if (!timer) return;
  var warning = document.getElementById("idle-warning");
  var signedOut = document.getElementById("signed-out");
  var warnSeconds = Number(timer.dataset.warnSeconds);
  var deadline = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
  var dismissed = false;
  var ended = false;

  function secondsLeft() { return Math.max(0, Math.round((deadline - Date.now()) / 1000)); }

  function inWords(seconds) {
    if (seconds > 90) return "in about " + Math.round(seconds / 60) + " minutes";
    if (seconds > 45) return "in about a minute";
    return "in " + seconds + " seconds";
  }

  function setLeft(seconds) {
    deadline = Date.now() + seconds * 1000;
    if (seconds > warnSeconds) {
      dismissed = false;
      if (warning.open) warning.close();
    }
  }

  function showEnded() {
    if (ended) return;
    ended = true;
    if (warning.open) warning.close();
    if (document.querySelector("[data-draft-save]")) signedOut.querySelector("[data-kept]").hidden = false;
    signedOut.showModal();
  }

  function tick() {
    if (ended) return;
    var left = secondsLeft();
    if (left <= 0) { showEnded(); return; }
    if (left > warnSeconds || dismissed) return;
    warning.querySelector("[data-idle-left]").textContent = inWords(left);
    if (!warning.open) warning.showModal();
  }

  function stay() {
    var csrf = warning.querySelector("input[name=csrfmiddlewaretoken]").value;
    fetch(timer.dataset.stayUrl, {
      method: "POST",
      headers: { "X-CSRFToken": csrf, "X-Chime-Background": "1" },
      credentials: "same-origin"
    }).then(function (response) {
      heard(response.headers);
      if (response.ok) warning.close();
    });
  }

  // Whatever the page asks the server, the answer says how long is left, or that the session has ended.
  function heard(headers) {
    if (headers.get("X-Chime-Signed-Out")) { showEnded(); return; }
    var left = headers.get("X-Chime-Seconds-Left");
    if (left !== null) setLeft(Number(left));
  }

  warning.querySelector("[data-stay]").addEventListener("click", stay);
  warning.addEventListener("cancel", function () { dismissed = true; });
  signedOut.querySelector("[data-close]").addEventListener("click", function () { signedOut.close(); });
  document.addEventListener("chime:answer", function (event) { heard(event.detail); });
  document.addEventListener("htmx:afterRequest", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status) heard({ get: function (name) { return xhr.getResponseHeader(name); } });
  });
  setInterval(tick, 1000);
})();
