// The moderation queue from the keyboard, kept current without a reload.
//
// j and k move the selection (a roving tabindex: the selected card is the one in the tab
// order, and it takes the focus, so a screen reader reads it); a approves, r asks for the
// reason and rejects, h hides, ? lists the keys. The buttons on each card are the same forms
// the page sends without this script; here they go with Accept: application/json and the
// queue is fetched again at once.
//
// Every few seconds the queue is asked whether it changed (If-None-Match: an unchanged queue
// answers 304). When it did, the cards are swapped for the new ones: the selected card stays
// selected if it is still there, otherwise the one now in its place is, and the focus follows
// only if it was in the queue. A decision another moderator took takes its card away; acting
// on it before that is refused by the server (409), and the refusal is said in the status line.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._, ngettext = words.ngettext;
  var section = document.querySelector("[data-moderation-queue]");
  if (!section) { return; }
  var list = section.querySelector(".moderation-list");
  var status = section.querySelector(".moderation-status");
  var rejectDialog = document.querySelector(".reject-dialog");
  var keysDialog = document.querySelector(".keys-dialog");
  var feed = section.getAttribute("data-feed") || "";
  var tab = section.getAttribute("data-tab") || "pending";
  var etag = section.getAttribute("data-etag") || "";
  var interval = parseInt(section.getAttribute("data-poll-ms"), 10) || 5000;
  var selectedId = null;
  var rejecting = null;
  var inFlight = 0;
  var timer = null;

  // A session that has ended (logged out elsewhere) is sent to the login page, as HTML.
  var SIGNED_OUT = _("You are no longer signed in: reload the page to log in again.");

  function isJson(response) {
    return (response.headers.get("content-type") || "").indexOf("application/json") === 0;
  }

  function cards() {
    return Array.prototype.slice.call(list.querySelectorAll(".moderation-card"));
  }

  function idOf(card) {
    return card.closest(".moderation-item").getAttribute("data-comment-id");
  }

  function selectedCard() {
    return selectedId ? document.getElementById("moderation-item-" + selectedId) : null;
  }

  function say(text, failed) {
    status.classList.toggle("is-error", !!failed);
    // Emptied first, so the same words said twice are announced twice.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 30);
  }

  function select(card, focus) {
    cards().forEach(function (other) {
      other.setAttribute("tabindex", "-1");
      other.classList.remove("is-selected");
    });
    if (!card) {
      selectedId = null;
      section.setAttribute("tabindex", "-1");
      if (focus) { section.focus(); }
      return;
    }
    card.setAttribute("tabindex", "0");
    card.classList.add("is-selected");
    selectedId = idOf(card);
    if (focus) {
      card.focus();
      card.scrollIntoView({ block: "nearest" });
    }
  }

  // The first j or k from outside the queue brings the focus to the selected card; the next
  // ones move it.
  function move(by) {
    var all = cards();
    if (!all.length) { return; }
    var current = selectedCard();
    var at = all.indexOf(current);
    if (current && !list.contains(document.activeElement)) {
      select(current, true);
      return;
    }
    var next = at < 0 ? 0 : Math.min(all.length - 1, Math.max(0, at + by));
    select(all[next], true);
  }

  function updateCounts(counts) {
    Object.keys(counts).forEach(function (name) {
      var badge = document.querySelector('[data-count="' + name + '"]');
      if (badge) { badge.textContent = String(counts[name]); }
    });
  }

  function busy() {
    var open = (rejectDialog && rejectDialog.open) || (keysDialog && keysDialog.open);
    var typing = list.contains(document.activeElement) &&
      document.activeElement.matches("select, input, textarea");
    return open || typing || inFlight > 0;
  }

  function swap(body) {
    var before = cards();
    var oldIds = before.map(idOf);
    var at = before.indexOf(selectedCard());
    var hadFocus = list.contains(document.activeElement);
    list.innerHTML = body.html;
    etag = body.etag;
    updateCounts(body.counts);
    var fresh = cards();
    var kept = selectedCard();
    var target = kept || fresh[Math.min(Math.max(at, 0), fresh.length - 1)] || null;
    select(target, hadFocus);
    var ids = body.ids.map(String);
    var arrived = ids.filter(function (id) { return oldIds.indexOf(id) < 0; }).length;
    var gone = oldIds.filter(function (id) { return ids.indexOf(id) < 0; }).length;
    return { arrived: arrived, gone: gone };
  }

  // What changed by itself (not by this moderator's hand), said once.
  function tell(change) {
    var told = {
      arrived: ngettext("%(num)d new comment", "%(num)d new comments", change.arrived),
      gone: ngettext("%(num)d comment decided elsewhere", "%(num)d comments decided elsewhere", change.gone)
    };
    if (change.arrived && change.gone) {
      say(_("%(arrived)s, %(gone)s.", told), false);
    } else if (change.arrived || change.gone) {
      say(_("%(change)s.", { change: change.arrived ? told.arrived : told.gone }), false);
    }
  }

  function poll(now) {
    window.clearTimeout(timer);
    if (!now && (document.hidden || busy())) {
      timer = window.setTimeout(poll, interval);
      return Promise.resolve(null);
    }
    var query = new URLSearchParams({ feed: feed, tab: tab }).toString();
    return fetch("/moderation/queue.json?" + query, {
      headers: { "Accept": "application/json", "If-None-Match": '"' + etag + '"' },
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      if (response.status !== 200) { return null; }
      if (!isJson(response)) {
        say(SIGNED_OUT, true);
        return null;
      }
      return response.json().then(swap);
    }).catch(function () {
      return null;
    }).then(function (change) {
      timer = window.setTimeout(poll, interval);
      if (change && !now) { tell(change); }
      return change;
    });
  }

  function send(form, reason) {
    var data = new FormData(form);
    if (reason) { data.set("reason", reason); }
    inFlight += 1;
    return fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(data),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      if (!isJson(response)) { return { ok: false, body: { detail: SIGNED_OUT } }; }
      return response.json().then(function (body) {
        return { ok: response.ok, body: body };
      });
    }).then(function (result) {
      if (result.ok) {
        say(result.body.message, false);
      } else {
        say(result.body.detail || _("That did not work: reload the page."), true);
      }
    }).catch(function () {
      say(_("The server could not be reached: try again."), true);
    }).then(function () {
      inFlight -= 1;
      return poll(true);
    });
  }

  function act(card, action) {
    var form = card.querySelector('form[data-action="' + action + '"]');
    if (!form) {
      say({
        approve: _("This comment cannot be approved now."),
        hide: _("This comment cannot be hidden now."),
        reject: _("This comment cannot be rejected now.")
      }[action], true);
      return;
    }
    send(form, null);
  }

  function askReason(card) {
    if (!card.querySelector('form[data-action="reject"]')) {
      act(card, "reject");
      return;
    }
    rejecting = card;
    rejectDialog.returnValue = "";
    rejectDialog.showModal();
    var first = rejectDialog.querySelector(".reject-reasons button");
    if (first) { first.focus(); }
  }

  function reject(reason) {
    var card = rejecting;
    rejecting = null;
    rejectDialog.close();
    if (!card) { return; }
    card.focus();
    if (reason) { send(card.querySelector('form[data-action="reject"]'), reason); }
  }

  rejectDialog.addEventListener("click", function (event) {
    var button = event.target.closest(".reject-reasons button");
    if (button) { reject(button.value); }
  });
  rejectDialog.addEventListener("keydown", function (event) {
    var buttons = rejectDialog.querySelectorAll(".reject-reasons button");
    var number = parseInt(event.key, 10);
    if (number >= 1 && number <= buttons.length) {
      event.preventDefault();
      reject(buttons[number - 1].value);
    }
  });
  rejectDialog.addEventListener("close", function () {
    if (rejecting) {
      var card = rejecting;
      rejecting = null;
      card.focus();
    }
  });

  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-action]")) { return; }
    event.preventDefault();
    select(form.closest(".moderation-card"), false);
    send(form, null);
  });

  list.addEventListener("focusin", function (event) {
    var card = event.target.closest(".moderation-card");
    if (card && idOf(card) !== selectedId) { select(card, false); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey) { return; }
    if (event.target.closest("input, select, textarea, [contenteditable], dialog")) { return; }
    var key = event.key;
    if (key === "?") {
      event.preventDefault();
      keysDialog.showModal();
      return;
    }
    if (key === "j" || key === "k") {
      event.preventDefault();
      move(key === "j" ? 1 : -1);
      return;
    }
    var card = selectedCard();
    if (!card || ["a", "r", "h"].indexOf(key) < 0) { return; }
    event.preventDefault();
    if (key === "a") { act(card, "approve"); }
    if (key === "r") { askReason(card); }
    if (key === "h") { act(card, "hide"); }
  });

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { poll(true); }
  });

  select(cards()[0] || null, false);
  timer = window.setTimeout(poll, interval);
})();
