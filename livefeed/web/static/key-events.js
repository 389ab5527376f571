// The key events box follows the feed live (a post marked, edited, unmarked or taken down),
// and a click on an entry, or on a link to a post in the catch-up summary, scrolls to the post
// in the page, loading older pages into it first when the post is further down than the page
// reaches (older.js); a post never found there opens on its own page, as without JavaScript.
(function () {
  "use strict";
  var box = document.querySelector(".key-events");
  var feed = document.querySelector(".feed");
  if (!feed) { return; }
  var TOP = 5;
  var PAGES = 50;

  function entryFor(list, data, article) {
    var entry = list.querySelector('li[data-post-id="' + data.id + '"]');
    if (!entry) {
      entry = document.createElement("li");
      entry.setAttribute("data-post-id", data.id);
      entry.innerHTML = '<a><time></time><span class="key-event-headline"></span></a>';
      list.insertBefore(entry, list.firstElementChild);
    }
    var when = article ? article.querySelector(".post-time time") : null;
    entry.querySelector("a").setAttribute("href", "#post-" + data.id);
    if (when) {
      entry.querySelector("time").setAttribute("datetime", when.getAttribute("datetime"));
      entry.querySelector("time").textContent = article.getAttribute("data-when");
    }
    entry.querySelector(".key-event-headline").textContent = data.title || data.headline || "";
  }

  function follow(message, article) {
    var data = message.data || {};
    var lists = [box.querySelector(".key-events-top"), box.querySelector(".key-events-all ol")];
    var total = parseInt(box.getAttribute("data-total"), 10) || 0;
    var had = lists[1].querySelector('li[data-post-id="' + data.id + '"]') !== null;
    var keep = message.type !== "post.deleted" && data.key_event && data.state !== "deleted";
    lists.forEach(function (list) {
      var entry = list.querySelector('li[data-post-id="' + data.id + '"]');
      if (!keep) {
        if (entry) { entry.remove(); }
      } else if (entry || message.type === "post.published" || !had) {
        entryFor(list, data, article);
      }
    });
    total += (keep && !had ? 1 : 0) - (!keep && had ? 1 : 0);
    // The newest five stand on top; an entry that drops out is still under "Show all".
    while (lists[0].children.length > TOP) { lists[0].lastElementChild.remove(); }
    box.setAttribute("data-total", String(total));
    box.querySelector(".key-events-count").textContent = String(total);
    var all = box.querySelector(".key-events-all");
    all.hidden = total <= 3;
    all.classList.toggle("is-short", total <= TOP);
    box.hidden = total === 0;
  }

  if (box) {
    document.addEventListener("livefeed:applied", function (event) {
      var message = event.detail.message;
      if (message.type.indexOf("post.") === 0) { follow(message, event.detail.article); }
    });
  }

  function reveal(post) {
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    post.setAttribute("tabindex", "-1");
    post.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "start" });
    post.focus({ preventScroll: true });
  }

  function reach(id, pages) {
    var post = document.getElementById("post-" + id);
    if (post) { return Promise.resolve(post); }
    var more = window.Livefeed && window.Livefeed.loadOlder;
    if (!more || pages <= 0 || !feed.querySelector(".older a[rel=next]")) { return Promise.resolve(null); }
    return more().then(function () { return reach(id, pages - 1); });
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest(".key-events a, .catch-up a[data-post-id]") : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) { return; }
    var holder = link.closest("[data-post-id]");
    var id = holder ? holder.getAttribute("data-post-id") : null;
    if (!id) { return; }
    event.preventDefault();
    reach(id, PAGES).then(function (post) {
      if (post) {
        reveal(post);
        if (window.history && window.history.replaceState) { window.history.replaceState(null, "", "#post-" + id); }
      } else {
        window.location.href = link.href;
      }
    }, function () { window.location.href = link.href; });
  });
})();
