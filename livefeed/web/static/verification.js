// A post's verification label changes in place: live.js replaces the post with its new version,
// and this script, watching the list, says in the page's live region what the change was
// ("Now confirmed: …"), as it does for a new post or a correction.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  var feed = document.querySelector("[data-live-feed]");
  if (!feed) { return; }
  var list = feed.querySelector(".posts");
  var announcer = feed.querySelector(".live-announcer");
  if (!list || !announcer) { return; }
  function said(state, title) {
    var values = { title: title };
    if (state === "unverified") { return _("Now unconfirmed: %(title)s", values); }
    if (state === "confirmed") { return _("Now confirmed: %(title)s", values); }
    if (state === "disputed") { return _("Now disputed: %(title)s", values); }
    return "";
  }
  var known = {};

  function stateOf(article) {
    var label = article.querySelector(".verification");
    return label ? label.getAttribute("data-verification") : null;
  }

  function titleOf(article) {
    var headline = article.querySelector(".post-headline");
    return headline ? headline.textContent : (article.getAttribute("aria-label") || "");
  }

  function look(article) {
    var state = stateOf(article);
    var before = known[article.id];
    known[article.id] = state;
    var text = before && state && before !== state ? said(state, titleOf(article)) : "";
    if (text) {
      announcer.textContent = text;
    }
  }

  Array.prototype.forEach.call(list.querySelectorAll(".post"), function (article) {
    known[article.id] = stateOf(article);
  });
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      Array.prototype.forEach.call(record.addedNodes, function (node) {
        if (node.nodeType !== 1) { return; }
        var found = node.matches(".post") ? [node] : node.querySelectorAll(".post");
        Array.prototype.forEach.call(found, look);
      });
    });
  }).observe(list, { childList: true, subtree: true });
})();
