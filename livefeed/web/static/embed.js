// The embed snippet for partner sites:
//   <script src="https://ORIGIN/static/embed.js" data-feed="SLUG" data-theme="dark"
//           data-tag="TAG" data-limit="10" async></script>
// puts the feed's embed in a frame just after the script and keeps the frame as tall as its
// content, from the height the embed reports. Only messages from the frame itself, served by
// the origin this script came from, are listened to.
(function () {
  "use strict";
  // A partner's page has none of our words (web/static/words.js): the frame is titled in English
  // until the embed inside it gives its own title.
  var _ = window.livefeedWords ? window.livefeedWords._ : function (message) { return message; };
  var MESSAGE = "livefeed:height";
  var MAX_HEIGHT = 100000;

  function mount(script) {
    script.setAttribute("data-livefeed-mounted", "");
    var slug = script.getAttribute("data-feed");
    if (!slug) { return; }
    var origin = new URL(script.src, document.baseURI).origin;
    var query = [];
    ["theme", "tag", "limit"].forEach(function (name) {
      var value = script.getAttribute("data-" + name);
      if (value) { query.push(name + "=" + encodeURIComponent(value)); }
    });
    var frame = document.createElement("iframe");
    frame.src = origin + "/feeds/" + encodeURIComponent(slug) + "/embed" + (query.length ? "?" + query.join("&") : "");
    frame.title = _("Live updates");
    frame.className = "livefeed-embed";
    frame.style.display = "block";
    frame.style.width = "100%";
    frame.style.border = "0";
    frame.style.height = "32rem";  // until the embed says how tall it is
    script.parentNode.insertBefore(frame, script.nextSibling);

    window.addEventListener("message", function (event) {
      if (event.origin !== origin || event.source !== frame.contentWindow) { return; }
      var data = event.data;
      if (!data || data.type !== MESSAGE || typeof data.height !== "number" || !(data.height >= 0)) { return; }
      frame.style.height = Math.min(Math.ceil(data.height), MAX_HEIGHT) + "px";
      if (typeof data.title === "string" && data.title) { frame.title = data.title.slice(0, 300); }
    });
  }

  var current = document.currentScript;
  if (current && !current.hasAttribute("data-livefeed-mounted")) { mount(current); }
})();
