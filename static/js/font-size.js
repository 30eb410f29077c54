/* The reader's text-size control.
   Runs in <head> so a saved size applies before the first paint (no layout shift),
   then wires up the buttons once the page has loaded. */
(function () {
  "use strict";
  var KEY = "newsroom:text-scale";
  var STEPS = [0.875, 1, 1.125, 1.25, 1.5, 1.75];
  var root = document.documentElement;

  function saved() {
    try {
      var value = parseFloat(window.localStorage.getItem(KEY));
      return STEPS.indexOf(value) === -1 ? 1 : value;
    } catch (error) {
      return 1;
    }
  }

  function apply(scale) {
    root.style.setProperty("--text-scale", String(scale));
    var outputs = document.querySelectorAll("[data-font-size-value]");
    for (var i = 0; i < outputs.length; i++) {
      outputs[i].textContent = Math.round(scale * 100) + "%";
    }
  }

  function store(scale) {
    try {
      window.localStorage.setItem(KEY, String(scale));
    } catch (error) {
      /* Private browsing: the size still applies to this page. */
    }
  }

  apply(saved());

  document.addEventListener("DOMContentLoaded", function () {
    var controls = document.querySelectorAll("[data-font-size-control]");
    for (var i = 0; i < controls.length; i++) {
      controls[i].hidden = false;
      controls[i].addEventListener("click", function (event) {
        var button = event.target.closest("[data-font-size]");
        if (!button) return;
        var index = STEPS.indexOf(saved());
        var action = button.getAttribute("data-font-size");
        if (action === "larger") index = Math.min(index + 1, STEPS.length - 1);
        else if (action === "smaller") index = Math.max(index - 1, 0);
        else index = STEPS.indexOf(1);
        store(STEPS[index]);
        apply(STEPS[index]);
      });
    }
    apply(saved());
  });
})();
