// Light or dark: the system's choice (prefers-color-scheme) unless the reader picked one with
// the header's "Dark mode" button; the pick is kept on this device only. Loaded in <head>
// without defer, so the page is drawn in the right colours from the start.
(function () {
  "use strict";
  var KEY = "livefeed:theme";
  var root = document.documentElement;
  var system = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function isDark() {
    var chosen = root.getAttribute("data-theme");
    if (chosen) { return chosen === "dark"; }
    return Boolean(system && system.matches);
  }

  var saved = stored();
  if (saved === "dark" || saved === "light") { root.setAttribute("data-theme", saved); }

  function show(button) {
    button.setAttribute("aria-pressed", isDark() ? "true" : "false");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".theme-toggle");
    if (!button) { return; }
    button.hidden = false;
    show(button);
    button.addEventListener("click", function () {
      var next = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", next);
      try { window.localStorage.setItem(KEY, next); } catch (e) { /* private mode: this page only */ }
      show(button);
    });
    if (system && system.addEventListener) {
      system.addEventListener("change", function () { show(button); });
    }
  });
})();
