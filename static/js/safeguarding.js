// Raising a concern: choosing an urgency that means immediate danger shows the crisis routes at once.
(function () {
  "use strict";
  var panel = document.getElementById("crisis-panel");
  if (!panel) { return; }
  var crisis = (panel.getAttribute("data-crisis-urgencies") || "").split(",").filter(Boolean);
  var radios = document.querySelectorAll("input[data-crisis-toggle]");
  function update() {
    var chosen = document.querySelector("input[data-crisis-toggle]:checked");
    var show = Boolean(chosen && crisis.indexOf(chosen.value) !== -1);
    panel.hidden = !show;
    if (show) { panel.setAttribute("role", "alert"); } else { panel.removeAttribute("role"); }
  }
  radios.forEach(function (radio) { radio.addEventListener("change", update); });
  update();
})();
