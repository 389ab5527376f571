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

  // A post's event carries what it says (message.html) and its particulars (message.post,
  // web/reader/live_posts.py): its header and footer are built here as _post.html renders
  // them, with the words of the page's #post-parts, so they need not travel to every reader.
  var parts = document.getElementById("post-parts");
  var SHARE_URL = "livefeed-share-url", SHARE_TITLE = "livefeed-share-title";

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function part(selector) {
    return parts.content.querySelector(selector).cloneNode(true);
  }

  // The stand-in address and title of #post-parts become the post's: as they are in text and
  // in a link that is the address, encoded where they are a link's parameters.
  function fill(node, url, title) {
    function swap(text, encoded) {
      var put = encoded ? encodeURIComponent : String;
      return text.split(SHARE_URL).join(put(url)).split(SHARE_TITLE).join(put(title));
    }
    var walker = document.createTreeWalker(node, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (var current = node; current; current = walker.nextNode()) {
      if (current.nodeType === Node.TEXT_NODE) {
        current.nodeValue = swap(current.nodeValue, false);
        continue;
      }
      Array.prototype.forEach.call(current.attributes, function (attribute) {
        var encoded = attribute.name === "href" && attribute.value.indexOf(SHARE_URL) !== 0;
        attribute.value = swap(attribute.value, encoded);
      });
    }
    return node;
  }

  function header(data, post) {
    var head = element("header", "post-header");
    var meta = head.appendChild(element("p", "post-meta"));
    var link = meta.appendChild(element("a", "post-time"));
    link.setAttribute("href", "/feeds/" + encodeURIComponent(slug) + "/posts/" + data.id);
    var time = link.appendChild(element("time", "", post.clock));
    time.setAttribute("datetime", post.at);
    time.appendChild(element("span", "zone", " " + post.zone));
    link.appendChild(element("span", post.dated ? "post-date" : "post-date visually-hidden", ", " + post.date));
    if (post.pinned) { meta.appendChild(part(".flag-pinned")); }
    if (data.key_event) { meta.appendChild(part(".flag-key")); }
    var checked = post.verification ? fragment(post.verification) : element("p", "verification", " ");
    if (!post.verification) {
      checked.setAttribute("data-verification", data.verification);
      checked.hidden = true;
    }
    head.appendChild(checked);
    if (data.headline) {
      head.appendChild(element("h3", "post-headline", data.headline)).id = "post-" + data.id + "-headline";
    }
    return head;
  }

  function footer(data, post) {
    var foot = element("footer", "post-footer");
    if (post.tags) { foot.appendChild(fragment(post.tags)); }
    if (post.byline) { foot.appendChild(fragment(post.byline)); }
    var url = post.short || post.link, title = data.title || data.headline;
    foot.appendChild(fill(part(".post-share"), url, title));
    if (post.short) { foot.appendChild(fill(part(".short-url"), url, title)); }
    return foot;
  }

  function build(message) {
    var data = message.data, post = message.post;
    var article = element("article", "post");
    article.classList.toggle("is-pinned", Boolean(post.pinned));
    article.classList.toggle("is-key-event", Boolean(data.key_event));
    article.classList.toggle("is-retracted", Boolean(post.retracted));
    article.id = "post-" + data.id;
    var attributes = {
      "data-post-id": data.id, "data-version": post.version, "data-day": post.day,
      "data-day-label": post.day_label, "data-when": post.when
    };
    Object.keys(attributes).forEach(function (name) { article.setAttribute(name, attributes[name]); });
    if (data.headline) {
      article.setAttribute("aria-labelledby", "post-" + data.id + "-headline");
    } else {
      article.setAttribute("aria-label", data.title);
    }
    article.appendChild(header(data, post));
    var content = document.createElement("template");
    content.innerHTML = message.html;
    article.appendChild(content.content);
    article.appendChild(footer(data, post));
    return article;
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
    if (message.type === "post.published" && message.post) {
      if (existing(data.id) || !wanted(data)) { return; }
      var article = build(message);
      // Reading oldest first with later pages still to load: it comes with the last of them.
      if (oldestFirst && feed.querySelector(".older a")) { told(message, article); return; }
      if (atTop()) { insert(article); } else { waiting.push(article); updateBanner(); }
      told(message, article);
      announce(_("New post: %(title)s", { title: data.title || data.headline }));
    } else if (message.type === "post.updated") {
      var current = existing(data.id);
      var replacement = message.post ? build(message) : null;
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
      waiting = waiting.map(function (w) { return w.id === "post-" + data.id && message.post ? build(message) : w; });
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
