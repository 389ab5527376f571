// The discussion, live: approved comments arrive without a reload and without moving what the
// reader is looking at, and taken-down ones leave. On a feed page the feed's own script
// (live.js) reads the stream and hands comment events on as a "livefeed:event"; the
// discussion's own page opens the stream itself. A comment that would go in above the
// reader's view waits behind a "N new comments" button. "Load more comments" fetches the
// next page in place (without this script it is a plain link).
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._, ngettext = words.ngettext;
  var section = document.querySelector("[data-discussion]");
  if (!section) { return; }
  var slug = section.getAttribute("data-discussion");
  var sort = section.getAttribute("data-sort") || "newest";
  var list = section.querySelector(".comments");
  var button = section.querySelector(".new-comments");
  var announcer = section.querySelector(".comments-announcer");
  var count = section.querySelector(".comment-count");
  var waiting = [];

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  function changeCount(by) {
    if (!count) { return; }
    count.textContent = String(Math.max(0, (parseInt(count.textContent, 10) || 0) + by));
  }

  function announce(text) {
    if (announcer) { announcer.textContent = text; }
  }

  function updateButton() {
    button.hidden = waiting.length === 0;
    button.textContent = ngettext("%(num)d new comment", "%(num)d new comments", waiting.length);
  }

  // Whether putting the comment in would push down what the reader sees: only when the spot it
  // goes to is above the top of the window.
  function wouldMove(entry) {
    if (entry.parentId) {
      var parent = document.getElementById("comment-" + entry.parentId);
      return parent !== null && parent.getBoundingClientRect().bottom < 0;
    }
    var box = list.getBoundingClientRect();
    return sort === "newest" ? box.top < 0 : box.bottom < 0;
  }

  function place(entry) {
    var item = document.createElement("li");
    item.appendChild(entry.article);
    if (entry.parentId) {
      var parent = document.getElementById("comment-" + entry.parentId);
      if (!parent) { return; }
      var replies = parent.querySelector(":scope > .replies");
      if (!replies) {
        replies = document.createElement("ol");
        replies.className = "replies";
        parent.appendChild(replies);
      }
      replies.appendChild(item);
    } else if (sort === "newest") {
      list.insertBefore(item, list.firstElementChild);
    } else {
      list.appendChild(item);
    }
    var empty = section.querySelector(".comments-empty");
    if (empty) { empty.remove(); }
    entry.article.classList.add("is-new");
    window.setTimeout(function () { entry.article.classList.remove("is-new"); }, 4000);
  }

  function showWaiting() {
    waiting.forEach(place);
    waiting = [];
    updateButton();
  }

  function approved(message) {
    var data = message.data || {};
    if (!message.html) { return; }
    changeCount(1);
    var article = fragment(message.html);
    var existing = document.getElementById("comment-" + data.id);
    if (existing) {
      // The reader's own comment, until now awaiting review: it keeps its place and replies.
      var replies = existing.querySelector(":scope > .replies");
      if (replies) { article.appendChild(replies); }
      existing.replaceWith(article);
      return;
    }
    // Oldest first, a new thread belongs after the comments not loaded yet.
    if (!data.parent_id && sort === "oldest" && section.querySelector(".load-more")) { return; }
    var entry = { id: data.id, parentId: data.parent_id, article: article };
    var author = (data.author && data.author.name) || _("a reader");
    announce(_("New comment from %(name)s", { name: author }));
    if (wouldMove(entry)) {
      waiting.push(entry);
      updateButton();
    } else {
      place(entry);
    }
  }

  function removed(message) {
    var data = message.data || {};
    changeCount(-1);
    var gone = document.getElementById("comment-" + data.id);
    if (gone) {
      var item = gone.parentElement;
      (item && item.tagName === "LI" ? item : gone).remove();
    }
    waiting = waiting.filter(function (w) { return w.id !== data.id && w.parentId !== data.id; });
    updateButton();
  }

  function handle(message) {
    if (message.type === "comment.approved") { approved(message); }
    else if (message.type === "comment.removed") { removed(message); }
  }

  document.addEventListener("livefeed:event", function (event) { handle(event.detail); });
  button.addEventListener("click", showWaiting);
  window.addEventListener("scroll", function () {
    if (waiting.length && !waiting.some(wouldMove)) { showWaiting(); }
  }, { passive: true });

  // The discussion's own page, while the feed is live: no live.js here, so listen ourselves.
  if (section.hasAttribute("data-live") && !document.querySelector("[data-live-feed]")) {
    var lastSeq = parseInt(section.getAttribute("data-last-seq"), 10) || 0;
    var follow = function (message) {
      if (message.seq <= lastSeq) { return; }
      lastSeq = message.seq;
      handle(message);
    };
    var poll = function () {
      fetch("/feeds/" + encodeURIComponent(slug) + "/updates?since=" + lastSeq)
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (body) {
          if (body) { body.events.forEach(follow); }
          if (!body || body.status !== "ended") { window.setTimeout(poll, 10000); }
        })
        .catch(function () { window.setTimeout(poll, 30000); });
    };
    if (typeof window.EventSource === "function") {
      var source = new EventSource("/feeds/" + encodeURIComponent(slug) + "/events?last_event_id=" + lastSeq);
      ["comment.approved", "comment.removed"].forEach(function (type) {
        source.addEventListener(type, function (event) { follow(JSON.parse(event.data)); });
      });
      ["post.published", "post.updated", "post.deleted", "feed.updated"].forEach(function (type) {
        source.addEventListener(type, function (event) { lastSeq = Math.max(lastSeq, JSON.parse(event.data).seq); });
      });
      source.addEventListener("feed.ended", function () { source.close(); });
      source.addEventListener("reset", function () { source.close(); window.location.reload(); });
      source.onerror = function () {
        if (source.readyState === EventSource.CLOSED) { poll(); }
      };
    } else {
      poll();
    }
  }

  // "Load more comments": the next page's threads, appended where the reader is.
  section.addEventListener("click", function (event) {
    var link = event.target.closest("a.load-more");
    if (!link) { return; }
    event.preventDefault();
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: { Accept: "text/html" } }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.text();
    }).then(function (html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var first = null;
      page.querySelectorAll("[data-discussion] .comments > li").forEach(function (item) {
        var article = item.querySelector(".comment");
        if (!article || document.getElementById(article.id)) { return; }
        list.appendChild(document.importNode(item, true));
        first = first || document.getElementById(article.id);
      });
      var next = page.querySelector("a.load-more");
      if (next) {
        link.href = new URL(next.getAttribute("href"), window.location.href).href;
        link.removeAttribute("aria-busy");
      } else {
        link.parentElement.remove();
      }
      if (first) { first.setAttribute("tabindex", "-1"); first.focus({ preventScroll: true }); }
    }).catch(function () { window.location.href = link.href; });
  });
})();
