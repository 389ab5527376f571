// Publish to screen: one reader's page in a hundred (the page says how many; every editor's
// page takes part) notes how long each post took from its commit on the server to arriving
// here, and sends the seconds in one small anonymous beacon as it goes away, or when it holds
// as many as one beacon carries.
(function () {
  "use strict";
  var feed = document.querySelector("[data-live-feed][data-screen-sample]");
  if (!feed || !navigator.sendBeacon || !window.Blob) { return; }
  var oneIn = parseInt(feed.getAttribute("data-screen-sample"), 10) || 100;
  if (Math.random() * oneIn >= 1) { return; }
  var MOST = 20;
  var url = "/feeds/" + encodeURIComponent(feed.getAttribute("data-live-feed")) + "/latency";
  var held = [];

  function send() {
    if (!held.length) { return; }
    var body = JSON.stringify({ latencies: held.splice(0, MOST) });
    navigator.sendBeacon(url, new Blob([body], { type: "application/json" }));
  }

  document.addEventListener("livefeed:applied", function (event) {
    var message = event.detail && event.detail.message;
    if (!message || typeof message.created !== "number") { return; }
    held.push(Math.max(0, Math.round(Date.now() - message.created * 1000) / 1000));
    if (held.length >= MOST) { send(); }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { send(); }
  });
  window.addEventListener("pagehide", send);
})();
