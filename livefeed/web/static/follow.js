// "Follow": a "Copy" button next to each feed address copies it and says so; where there is no
// clipboard the address is selected in its field, to copy by hand.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".copy-address") : null;
    if (!button) { return; }
    var row = button.closest("li");
    var panel = button.closest(".follow");
    var field = row ? row.querySelector(".follow-address") : null;
    var status = panel ? panel.querySelector(".copy-status") : null;
    var address = button.getAttribute("data-copy");

    function say(text) {
      if (!status) { return; }
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function byHand() {
      if (field) { field.focus(); field.select(); }
      say(_("Copy the selected address"));
    }

    var clipboard = navigator.clipboard;
    if (!clipboard || typeof clipboard.writeText !== "function") { byHand(); return; }
    clipboard.writeText(address).then(function () { say(_("Copied")); }, byHand);
  });
})();
