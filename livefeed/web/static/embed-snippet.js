// The desk's embed code: the options rewrite the snippet, and "Copy embed code" copies it.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  var box = document.querySelector(".embed-snippet");
  if (!box) { return; }
  var code = box.querySelector(".embed-code");
  var copy = box.querySelector(".embed-copy");
  var said = box.querySelector(".embed-copied");
  var options = box.querySelector(".embed-options");
  var DEFAULT_LIMIT = "10";

  function attribute(name, value) {
    return " data-" + name + '="' + value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;") + '"';
  }

  function write() {
    var line = '<script src="' + box.getAttribute("data-embed-src") + '"' + attribute("feed", box.getAttribute("data-feed"));
    options.querySelectorAll("[data-option]").forEach(function (input) {
      var name = input.getAttribute("data-option");
      var value = input.value.trim();
      if (name === "tag") { value = value.toLowerCase().replace(/\s+/g, "-"); }
      if (value && !(name === "limit" && value === DEFAULT_LIMIT)) { line += attribute(name, value); }
    });
    code.value = line + " async></script>";
    said.textContent = "";
  }

  function copied() { said.textContent = _("Copied"); }

  function copyByHand() {
    code.focus();
    code.select();
    try {
      if (document.execCommand("copy")) { copied(); return; }
    } catch (ignored) { /* fall through */ }
    said.textContent = _("Press Ctrl+C (⌘C on a Mac) to copy the selected code");
  }

  options.hidden = false;
  copy.hidden = false;
  options.addEventListener("input", write);
  options.addEventListener("change", write);
  copy.addEventListener("click", function () {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(code.value).then(copied, copyByHand);
    } else {
      copyByHand();
    }
  });
  code.addEventListener("focus", function () { code.select(); });
})();
