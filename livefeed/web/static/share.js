// "Copy" next to a short URL: copy a feed's or a post's short address to the clipboard. Where there is no
// clipboard (an old browser, a page not served over HTTPS, a refused permission) the address is
// shown in a read-only field, selected, for the reader to copy by hand. One listener for the whole page,
// so posts that arrive live get a working button too.
//
// "Share" on a post opens the system's share sheet where there is one (navigator.share); where
// not, its <details> opens as it does without JavaScript: plain links to share by.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  document.documentElement.classList.add("can-share");

  document.addEventListener("click", function (event) {
    var summary = event.target.closest ? event.target.closest(".post-share > summary") : null;
    if (!summary || typeof navigator.share !== "function") { return; }
    var box = summary.parentElement;
    event.preventDefault();
    navigator.share({ title: box.getAttribute("data-share-title"), url: box.getAttribute("data-share-url") })
      .catch(function (error) {
        // Dismissing the sheet is no failure; anything else falls back to the links.
        if (!error || error.name !== "AbortError") { box.open = true; }
      });
  });

  function say(box, text) {
    var status = box.querySelector(".short-url-status");
    if (!status) { return; }
    // Emptied first, so saying "Copied" twice is announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 50);
  }

  function showField(box, url) {
    var field = box.querySelector(".short-url-text");
    if (!field) {
      field = document.createElement("input");
      field.type = "text";
      field.className = "short-url-text";
      field.readOnly = true;
      field.setAttribute("aria-label", box.getAttribute("data-short-label") || _("Short URL"));
      box.insertBefore(field, box.querySelector(".short-url-status"));
    }
    field.value = url;
    field.hidden = false;
    field.focus();
    field.select();
    say(box, _("Copy the selected address"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".short-url-get") : null;
    if (!button) { return; }
    var box = button.closest("[data-short-url]");
    if (!box) { return; }
    var url = box.getAttribute("data-short-url");
    var clipboard = navigator.clipboard;
    if (!clipboard || typeof clipboard.writeText !== "function") {
      showField(box, url);
      return;
    }
    clipboard.writeText(url).then(
      function () { say(box, _("Copied")); },
      function () { showField(box, url); }
    );
  });
})();
