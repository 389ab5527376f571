// Inside an embed: tell the page around the frame how tall the content is, whenever it changes,
// so the frame can fit it (see embed.js). The height and title are public: any parent may know.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var root = document.documentElement;
  var last = -1;

  function report() {
    var height = Math.ceil(root.getBoundingClientRect().height);
    if (height === last) { return; }
    last = height;
    window.parent.postMessage({ type: "livefeed:height", height: height, title: document.title }, "*");
  }

  if (typeof window.ResizeObserver === "function") {
    new window.ResizeObserver(report).observe(root);
  }
  window.addEventListener("load", report);
  report();
})();
