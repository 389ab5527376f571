// "Catch me up": the page remembers, in this browser only, the last event of the feed the
// reader saw and when. Coming back, they are told what was published since ("14 updates
// since you were here at 14:05 — 2 key events"), key events listed first, with a link that
// jumps to where they left off. Nothing about the reader is sent to or kept on the server.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._, ngettext = words.ngettext;
  var feed = document.querySelector("[data-live-feed]");
  var box = feed ? feed.querySelector(".catch-up") : null;
  if (!box) { return; }
  var slug = feed.getAttribute("data-live-feed");
  var zone = feed.getAttribute("data-zone") || "UTC";
  var key = "livefeed:seen:" + slug;
  var seq = parseInt(feed.getAttribute("data-last-seq"), 10) || 0;

  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function save() {
    try { window.localStorage.setItem(key, JSON.stringify({ seq: seq, at: Date.now() })); } catch (e) { /* no storage */ }
  }

  function clock(moment) {
    var options = { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    var day = { timeZone: zone, day: "numeric", month: "long" };
    var format = new Intl.DateTimeFormat(words.locale, options);
    var days = new Intl.DateTimeFormat(words.locale, day);
    var time = format.format(moment);
    if (days.format(moment) === days.format(new Date())) { return time; }
    return _("%(time)s on %(day)s", { time: time, day: days.format(moment) });
  }

  function item(post) {
    var li = document.createElement("li");
    li.setAttribute("data-post-id", post.id);
    var link = document.createElement("a");
    link.href = "#post-" + post.id;
    link.setAttribute("data-post-id", post.id);
    link.textContent = post.title;
    li.appendChild(link);
    return li;
  }

  // The posts published since, as they are now: one edited is counted once, one taken down
  // not at all.
  function since(events) {
    var posts = {};
    var order = [];
    events.forEach(function (message) {
      var data = message.data || {};
      if (message.type === "post.published" && message.post) {
        posts[data.id] = { id: data.id, title: data.title || data.headline, key: Boolean(data.key_event) };
        order.push(data.id);
      } else if (message.type === "post.updated" && posts[data.id]) {
        posts[data.id].title = data.title || data.headline || posts[data.id].title;
        posts[data.id].key = Boolean(data.key_event);
      } else if (message.type === "post.deleted") {
        delete posts[data.id];
      }
    });
    return order.filter(function (id) { return posts[id]; }).map(function (id) { return posts[id]; });
  }

  function show(posts, at) {
    var keys = posts.filter(function (post) { return post.key; });
    var heading = document.createElement("h2");
    heading.id = "catch-up-title";
    var values = {
      updates: ngettext("%(num)d update", "%(num)d updates", posts.length),
      time: clock(new Date(at)),
      key_events: ngettext("%(num)d key event", "%(num)d key events", keys.length)
    };
    heading.textContent = keys.length
      ? _("%(updates)s since you were here at %(time)s — %(key_events)s", values)
      : _("%(updates)s since you were here at %(time)s", values);
    box.appendChild(heading);
    var list = document.createElement("ol");
    // Key events first, newest first; then the rest.
    keys.slice().reverse().forEach(function (post) { list.appendChild(item(post)).classList.add("is-key-event"); });
    posts.filter(function (post) { return !post.key; }).reverse().slice(0, 5).forEach(function (post) { list.appendChild(item(post)); });
    box.appendChild(list);
    var actions = document.createElement("p");
    var all = document.createElement("a");
    all.className = "catch-up-all";
    all.href = "#post-" + posts[0].id;
    all.setAttribute("data-post-id", posts[0].id);
    all.textContent = ngettext("Show all %(num)d update from where you left off",
      "Show all %(num)d updates from where you left off", posts.length);
    actions.appendChild(all);
    var close = document.createElement("button");
    close.type = "button";
    close.className = "link-button catch-up-close";
    close.textContent = _("Dismiss");
    close.addEventListener("click", function () { box.hidden = true; });
    actions.appendChild(document.createTextNode(" "));
    actions.appendChild(close);
    box.appendChild(actions);
    box.hidden = false;
  }

  var seen = read();
  if (seen && typeof seen.seq === "number" && seen.seq < seq) {
    fetch("/feeds/" + encodeURIComponent(slug) + "/updates?since=" + seen.seq, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        var posts = body ? since(body.events || []) : [];
        if (posts.length) { show(posts, seen.at || Date.now()); }
      })
      .catch(function () { /* no summary: the page is there all the same */ });
  }
  save();

  document.addEventListener("livefeed:applied", function (event) {
    var message = event.detail.message;
    if (message.seq > seq) { seq = message.seq; save(); }
  });
  window.addEventListener("pagehide", save);
})();
