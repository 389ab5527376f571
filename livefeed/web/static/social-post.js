// "Show the original" under a social post's snapshot: only after this click does the page
// frame the site's own embed (served from /embeds/{id}/original under a policy naming that
// site alone). Delegated, so posts that arrive live get it too. Without this script readers
// keep the snapshot and its link to the site.
(function () {
  "use strict";
  function reveal(root) {
    var boxes = root.querySelectorAll("[data-social-original][hidden]");
    Array.prototype.forEach.call(boxes, function (box) { box.hidden = false; });
  }
  reveal(document);
  document.addEventListener("livefeed:applied", function () { reveal(document); });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-social-show]");
    if (!button) { return; }
    var box = button.closest("[data-social-original]");
    if (!box) { return; }
    var frame = document.createElement("iframe");
    frame.src = box.getAttribute("data-social-original");
    frame.title = box.getAttribute("data-social-title") || "";
    frame.className = "social-post-frame";
    frame.setAttribute("sandbox", "allow-scripts allow-popups allow-popups-to-escape-sandbox");
    frame.setAttribute("referrerpolicy", "no-referrer");
    frame.setAttribute("loading", "eager");
    box.replaceChildren(frame);
    frame.focus();
  });
})();
