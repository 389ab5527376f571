// "Show older posts" (or later ones, reading oldest first) loads the next page into this one,
// so the page stays live; without JavaScript the link leads to that page instead. Other
// scripts load pages the same way to reach a post further down (Livefeed.loadOlder).
(function () {
  "use strict";
  var feed = document.querySelector(".feed");
  var list = feed ? feed.querySelector(".posts") : null;
  if (!list) { return; }
  var loading = null;

  function link() { return feed.querySelector(".older a[rel=next]"); }

  // The next page's posts go at the end, less any the page already has (a post that arrived
  // live, or one published since, moves the pages by one).
  function loadOlder() {
    if (loading) { return loading; }
    var next = link();
    if (!next) { return Promise.resolve([]); }
    loading = fetch(next.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var added = [];
        Array.prototype.forEach.call(page.querySelectorAll(".posts > li"), function (item) {
          var post = item.querySelector(":scope > .post");
          if (!post || document.getElementById(post.id)) { return; }
          var copy = document.importNode(item, true);
          list.appendChild(copy);
          added.push(copy.querySelector(".post"));
        });
        var further = page.querySelector(".older a[rel=next]");
        if (further) { next.href = further.getAttribute("href"); } else { next.parentElement.remove(); }
        loading = null;
        return added;
      }, function (error) { loading = null; throw error; });
    return loading;
  }

  window.Livefeed = window.Livefeed || {};
  window.Livefeed.loadOlder = loadOlder;

  feed.addEventListener("click", function (event) {
    var next = event.target.closest ? event.target.closest(".older a[rel=next]") : null;
    if (!next) { return; }
    event.preventDefault();
    next.setAttribute("aria-busy", "true");
    loadOlder().then(function (added) {
      next.removeAttribute("aria-busy");
      // The reader goes on reading where the new posts start.
      if (added.length) {
        added[0].setAttribute("tabindex", "-1");
        added[0].focus();
      }
    }, function () {
      window.location.href = next.href;
    });
  });
})();
