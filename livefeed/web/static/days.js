// Day separators ("Thursday 5 March") between a feed's posts once the page holds more than one
// day, kept right as posts arrive live, go, or older ones load. Each post carries its day and the
// words for it (data-day, data-day-label), worded by the server.
(function () {
  "use strict";
  var list = document.querySelector(".feed .posts");
  if (!list) { return; }

  function regroup() {
    Array.prototype.forEach.call(list.querySelectorAll(":scope > li.day-separator"), function (old) { old.remove(); });
    var items = Array.prototype.filter.call(list.children, function (item) {
      var post = item.querySelector(":scope > .post");
      return post && !post.classList.contains("is-pinned");
    });
    var days = {};
    items.forEach(function (item) { days[item.querySelector(".post").getAttribute("data-day")] = true; });
    if (Object.keys(days).length < 2) { return; }
    var current = null;
    items.forEach(function (item) {
      var post = item.querySelector(".post");
      var day = post.getAttribute("data-day");
      if (day === current) { return; }
      current = day;
      var separator = document.createElement("li");
      separator.className = "day-separator";
      var heading = document.createElement("h3");
      heading.textContent = post.getAttribute("data-day-label");
      separator.appendChild(heading);
      list.insertBefore(separator, item);
    });
  }

  // Whatever put a post in or took one out (live.js, older.js), the days follow.
  var watcher = new MutationObserver(function () {
    watcher.disconnect();
    regroup();
    watcher.observe(list, { childList: true });
  });
  watcher.observe(list, { childList: true });
})();
