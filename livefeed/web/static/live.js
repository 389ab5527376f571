// Live updates for a feed page: new posts, edits and deletions arrive without a reload.
// New posts wait behind a "N new posts" banner while the reader is scrolled into the feed,
// so nothing moves under their eyes; at the top of the page they go in at once.
// An embed may show one tag only (data-tag) and at most so many posts (data-limit); a feed page
// may show one tag, key events only (data-key-events-only), or read oldest first (data-order:
// new posts then go in at the bottom, the banner below them). While the reader has paused live
// updates (data-paused, see pause.js) every new post waits in the banner. Each event applied is
// told to the page's other scripts as a "livefeed:applied" event (key-events.js, days.js…).
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._, ngettext = words.ngettext;
  var feed = document.querySelector("[data-live-feed]");
  if (!feed) { return; }
  var slug = feed.getAttribute("data-live-feed");
  var lastSeq = parseInt(feed.getAttribute("data-last-seq"), 10) || 0;
  var list = feed.querySelector(".posts");
  var banner = feed.querySelector(".new-posts");
  var announcer = feed.querySelector(".live-announcer");
  var status = feed.querySelector(".live-status");
  var onlyTag = feed.getAttribute("data-tag") || "";
  // The "Confirmed only" view shows posts in that verification state alone.
  var onlyState = feed.getAttribute("data-only-verification") || "";
  var keyEventsOnly = feed.getAttribute("data-key-events-only") === "true";
  var oldestFirst = feed.getAttribute("data-order") === "oldest";
  var filtered = Boolean(onlyTag) || Boolean(onlyState) || keyEventsOnly;
  var limit = parseInt(feed.getAttribute("data-limit"), 10) || 0;
  var waiting = [];
  var unread = 0;
  var title = document.title;
  var source = null;
  var pollTimer = null;
  var pollDelay = 10000;
  // What this script shows itself; the other events of the feed's stream are handed on to the
  // rest of the page as a "livefeed:event" (see discussion.js), which may ignore them.
  var OURS = ["post.published", "post.updated", "post.deleted", "feed.updated", "feed.ended"];
  var OTHERS = ["comment.approved", "comment.removed"];

  function setStatus(text, state) {
    if (!status) { return; }
    status.textContent = text;
    status.setAttribute("data-state", state);
  }

  function fragment(html) {
    var template = document.createElement("template");
    template.innerHTML = html.trim();
    return template.content.firstElementChild;
  }

  // Whether new posts may go in at once: live updates not paused, and the reader where they
  // arrive (the top of the list; its end when reading oldest first).
  function atTop() {
    if (feed.hasAttribute("data-paused")) { return false; }
    if (oldestFirst) { return list.getBoundingClientRect().bottom <= window.innerHeight; }
    return list.getBoundingClientRect().top >= 0;
  }

  function insert(article) {
    var item = document.createElement("li");
    item.appendChild(article);
    var pinned = list.querySelector(":scope > li > .post.is-pinned");
    var anchor = pinned && !article.classList.contains("is-pinned")
      ? pinned.parentElement.nextElementSibling
      : list.firstElementChild;
    list.insertBefore(item, oldestFirst && !article.classList.contains("is-pinned") ? null : anchor);
    article.classList.add("is-new");
    window.setTimeout(function () { article.classList.remove("is-new"); }, 4000);
    var empty = feed.querySelector(".empty");
    if (empty) { empty.remove(); }
    trim();
  }

  function wanted(data) {
    if (keyEventsOnly && !data.key_event) { return false; }
    if (onlyState && data.verification !== onlyState) { return false; }
    return !onlyTag || (data.tags || []).indexOf(onlyTag) !== -1;
  }

  // The oldest posts go once there are more than the limit.
  function trim() {
    while (limit && list.children.length > limit) { list.lastElementChild.remove(); }
  }

  function drop(id) {
    var gone = existing(id);
    if (gone && gone.parentElement) { gone.parentElement.remove(); }
    waiting = waiting.filter(function (w) { return w.id !== "post-" + id; });
    updateBanner();
  }

  // The banner's tap brings the new posts into view: the list scrolls to the first of them
  // (at once for a reader who asked for reduced motion), which takes the focus, and they are
  // highlighted for a moment (livefeed.css).
  function showWaiting(event) {
    var shown = waiting;
    waiting = [];
    shown.forEach(insert);
    banner.hidden = true;
    var first = oldestFirst ? shown[0] : shown[shown.length - 1];
    if (!event || !first) { return; }
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    first.setAttribute("tabindex", "-1");
    first.scrollIntoView({ behavior: still ? "auto" : "smooth", block: "start" });
    first.focus({ preventScroll: true });
  }

  function updateBanner() {
    var count = waiting.length;
    banner.hidden = count === 0;
    banner.textContent = ngettext("%(num)d new post", "%(num)d new posts", count);
  }

  function announce(text) {
    if (announcer) { announcer.textContent = text; }
    if (document.hidden) {
      unread += 1;
      document.title = _("(%(count)s) %(title)s", { count: unread, title: title });
    }
  }

  function existing(id) {
    return document.getElementById("post-" + id);
  }

  // Where a post that is not pinned belongs: above the first older post. Times on the page
  // are to the second, so posts of the same second are ordered by id, as the server does.
  function olderThan(other, moment, id) {
    var otherTime = other.querySelector("time");
    if (!otherTime) { return false; }
    var otherMoment = otherTime.getAttribute("datetime");
    if (otherMoment !== moment) { return otherMoment < moment; }
    var article = other.querySelector(".post");
    return article !== null && parseInt(article.getAttribute("data-post-id"), 10) < id;
  }

  function place(item) {
    var time = item.querySelector("time");
    var moment = time ? time.getAttribute("datetime") : "";
    var article = item.querySelector(".post");
    var id = article ? parseInt(article.getAttribute("data-post-id"), 10) : 0;
    var children = Array.prototype.slice.call(list.children);
    for (var i = 0; i < children.length; i += 1) {
      var other = children[i];
      if (other === item || other.querySelector(".post.is-pinned")) { continue; }
      if (olderThan(other, moment, id)) {
        list.insertBefore(item, other);
        return;
      }
    }
    list.appendChild(item);
  }

  function arrange(article) {
    var item = article.parentElement;
    if (!item) { return; }
    if (article.classList.contains("is-pinned")) {
      list.insertBefore(item, list.firstElementChild);
    } else {
      place(item);
    }
  }

  // A correction or a retraction is news in itself; a minor edit is not announced.
  function announceCorrection(current, replacement, data) {
    if (replacement.classList.contains("is-retracted") && !current.classList.contains("is-retracted")) {
      announce(_("Retracted: %(title)s", { title: data.title || data.headline }));
    } else if (replacement.querySelectorAll(".post-correction").length >
               current.querySelectorAll(".post-correction").length) {
      announce(_("Corrected: %(title)s", { title: data.title || data.headline }));
    }
  }

  function apply(message) {
    if (message.seq <= lastSeq) { return; }
    lastSeq = message.seq;
    var data = message.data || {};
    if (message.type === "post.published" && message.html) {
      if (existing(data.id) || !wanted(data)) { return; }
      var article = fragment(message.html);
      // Reading oldest first with later pages still to load: it comes with the last of them.
      if (oldestFirst && feed.querySelector(".older a")) { told(message, article); return; }
      if (atTop()) { insert(article); } else { waiting.push(article); updateBanner(); }
      told(message, article);
      announce(_("New post: %(title)s", { title: data.title || data.headline }));
    } else if (message.type === "post.updated") {
      var current = existing(data.id);
      var replacement = message.html ? fragment(message.html) : null;
      if (!wanted(data)) { drop(data.id); told(message, replacement); return; }
      if (current && replacement) {
        announceCorrection(current, replacement, data);
        current.replaceWith(replacement); arrange(replacement);
      } else if (filtered && replacement && !waiting.some(function (w) { return w.id === replacement.id; })) {
        // It has just been given the tag this embed shows: in it goes, where it belongs.
        var item = document.createElement("li");
        item.appendChild(replacement);
        list.appendChild(item);
        arrange(replacement);
        trim();
      }
      told(message, replacement);
      waiting = waiting.map(function (w) { return w.id === "post-" + data.id && message.html ? fragment(message.html) : w; });
    } else if (message.type === "post.deleted") {
      drop(data.id);
      told(message, null);
    } else if (message.type === "feed.updated") {
      var heading = document.getElementById("feed-title");
      if (heading && data.title && heading.textContent !== data.title) {
        heading.textContent = data.title;
        title = data.title + " – Livefeed";
        document.title = unread ? _("(%(count)s) %(title)s", { count: unread, title: title }) : title;
      }
    } else if (message.type === "feed.ended") {
      stop();
      setStatus(_("This live feed has ended"), "ended");
      var badge = document.querySelector(".badge-live");
      if (badge) { badge.className = "badge badge-ended"; badge.textContent = _("Ended"); }
    } else if (OURS.indexOf(message.type) === -1) {
      document.dispatchEvent(new CustomEvent("livefeed:event", { detail: message }));
    }
  }

  function told(message, article) {
    document.dispatchEvent(new CustomEvent("livefeed:applied", { detail: { message: message, article: article } }));
  }

  function stop() {
    if (source) { source.close(); source = null; }
    if (pollTimer) { window.clearTimeout(pollTimer); pollTimer = null; }
  }

  function listen() {
    source = new EventSource("/feeds/" + encodeURIComponent(slug) + "/events?last_event_id=" + lastSeq);
    OURS.concat(OTHERS).forEach(function (type) {
      source.addEventListener(type, function (event) { apply(JSON.parse(event.data)); });
    });
    source.addEventListener("reset", function () { stop(); window.location.reload(); });
    source.onopen = function () { setStatus(_("Live"), "live"); };
    source.onerror = function () {
      if (source && source.readyState === EventSource.CLOSED) {
        source = null;
        setStatus(_("Checking for updates every few seconds"), "polling");
        poll();
      } else {
        setStatus(_("Reconnecting…"), "reconnecting");
      }
    };
  }

  function poll() {
    var url = "/feeds/" + encodeURIComponent(slug) + "/updates?since=" + lastSeq;
    fetch(url, { headers: { Accept: "application/json" } }).then(function (response) {
      if (response.status === 304) { return null; }
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (body) {
      pollDelay = document.hidden ? 30000 : 10000;
      if (body) {
        body.events.forEach(apply);
        if (body.status === "ended") { return; }
      }
      pollTimer = window.setTimeout(poll, pollDelay);
    }).catch(function () {
      pollDelay = Math.min(pollDelay * 2, 120000);
      pollTimer = window.setTimeout(poll, pollDelay);
    });
  }

  banner.addEventListener("click", showWaiting);
  window.addEventListener("scroll", function () { if (atTop() && waiting.length) { showWaiting(); } }, { passive: true });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { unread = 0; document.title = title; }
  });
  if (typeof window.EventSource === "function") { listen(); } else { poll(); }
})();

// Publish to screen, beside the live updates it measures (no script of its own to load for
// every reader): one reader's page in a hundred (the page says how many; every editor's
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
    if (!message || message.type !== "post.published" || typeof message.created !== "number") {
      return;
    }
    held.push(Math.max(0, Math.round(Date.now() - message.created * 1000) / 1000));
    if (held.length >= MOST) { send(); }
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { send(); }
  });
  window.addEventListener("pagehide", send);
})();
