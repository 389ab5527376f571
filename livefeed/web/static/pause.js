// "Pause live updates": while paused, new posts wait in the banner however the reader
// scrolls (WCAG 2.2.2); "Resume" shows them. The choice is kept per feed, on this device.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  var feed = document.querySelector("[data-live-feed]");
  var button = feed ? feed.querySelector(".pause-live") : null;
  if (!button) { return; }
  var key = "livefeed:paused:" + feed.getAttribute("data-live-feed");

  function remembered() {
    try { return window.localStorage.getItem(key) === "true"; } catch (e) { return false; }
  }

  function remember(paused) {
    try {
      if (paused) { window.localStorage.setItem(key, "true"); } else { window.localStorage.removeItem(key); }
    } catch (e) { /* no storage: the choice lasts while the page is open */ }
  }

  function set(paused) {
    if (paused) { feed.setAttribute("data-paused", ""); } else { feed.removeAttribute("data-paused"); }
    button.setAttribute("aria-pressed", paused ? "true" : "false");
    button.textContent = paused ? _("Resume live updates") : _("Pause live updates");
  }

  button.hidden = false;
  set(remembered());
  button.addEventListener("click", function () {
    var paused = !feed.hasAttribute("data-paused");
    set(paused);
    remember(paused);
    if (!paused) {
      var banner = feed.querySelector(".new-posts");
      if (banner && !banner.hidden) { banner.click(); }
    }
  });
})();
