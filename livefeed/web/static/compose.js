// The compose form (a new post, or an edit), for editors working fast on a laptop or a phone:
// - what is typed is kept on this device until the server confirms it has it, so a closed lid,
//   a dropped network or a crash loses nothing; a new post comes back by itself, an edit is
//   offered back (the server's version may have moved on);
// - Ctrl+Enter (or Cmd+Enter) sends the form with its main button, from any field;
// - a submit that cannot reach the server keeps the form and says so;
// - a preview comes back where the editor was, focus included.
// The page is loaded for signed-in users only, so that it also runs on the page a successful
// submit lands on, which is where the kept copy is let go. Without it the form works as before.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  var kept = window.livefeedKeptForms;
  var local = kept.local, session = kept.session, load = kept.load, keep = kept.keep;
  var drop = kept.drop, takeSession = kept.takeSession, fields = kept.fields, read = kept.read;
  var apply = kept.apply, told = kept.told, same = kept.same, hasContent = kept.hasContent;
  var clock = kept.clock;

  var PREFIX = "livefeed.compose:";
  // Per tab: the form just sent, so the page the server answers with can tell whether it was
  // accepted (a redirect away from the form's page) or sent back (the form, re-rendered).
  var SENT = "livefeed.compose.sent";
  var SAVE_DELAY = 500;
  // Other scripts fill fields without input events (an upload, "Fill from the article").
  var SWEEP_EVERY = 5000;
  var KEEP_FOR = 30 * 24 * 3600 * 1000;
  var SENT_FOR = 10 * 60 * 1000;
  var PROBE_TIMEOUT = 8000;
  // A second press while the browser is already sending the form is not a second post.
  var SENDING_FOR = 15000;

  function here() {
    return location.href.split("#")[0];
  }

  // Copies of forms never sent nor opened again for a month are let go.
  function sweepOld() {
    if (!local) { return; }
    for (var i = local.length - 1; i >= 0; i -= 1) {
      var key = local.key(i);
      if (key && key.indexOf(PREFIX) === 0) {
        var copy = load(key);
        if (!copy || Date.now() - copy.saved > KEEP_FOR) { drop(key); }
      }
    }
  }

  // A submit answered by a redirect was accepted: the server has the text, the copy can go.
  // The referrer ties the redirect to the page that sent the form (a login, say, is not it).
  function settleSent() {
    var sent = takeSession(SENT);
    if (!sent || Date.now() - sent.at > SENT_FOR) { return; }
    var entries = performance.getEntriesByType ? performance.getEntriesByType("navigation") : [];
    var redirects = entries.length ? entries[0].redirectCount
      : (performance.navigation ? performance.navigation.redirectCount : 0);
    if (redirects > 0 && document.referrer === sent.page) { drop(sent.key); }
  }

  function primaryOf(form) {
    return form.querySelector("button[data-primary]")
      || form.querySelector('button[type="submit"]:not([value="preview"])')
      || form.querySelector('button[type="submit"]');
  }

  function isMac() {
    var platform = (navigator.userAgentData && navigator.userAgentData.platform) || navigator.platform || "";
    return /mac|iphone|ipad/i.test(platform);
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text) { node.textContent = text; }
    return node;
  }

  function button(text, secondary) {
    var node = element("button", secondary ? "secondary" : "", text);
    node.type = "button";
    return node;
  }

  function setUp(form) {
    var key = PREFIX + form.getAttribute("data-compose");
    var isNew = /\/new$/.test(key);
    var version = form.querySelector('input[type="hidden"][name="version"]');
    var primary = primaryOf(form);
    // A form the server sent back (errors, a preview) holds what the editor typed, not the
    // server's post: it is kept on this device for as long as it holds anything.
    var sentBack = !!form.querySelector(".form-error, .preview, [aria-invalid='true']");
    var baseline = sentBack ? null : read(form, true);
    var timer = null;
    var offer = null;
    var checking = false;
    var sentAt = 0;
    var passing = false;
    var wasOffline = false;
    var actions = primary ? primary.closest(".actions") || primary.parentNode : form;
    var alert = element("p", "compose-alert");
    alert.setAttribute("role", "alert");
    var status = element("p", "compose-saved");
    actions.appendChild(alert);
    actions.appendChild(status);

    if (primary) {
      primary.setAttribute("aria-keyshortcuts", "Control+Enter Meta+Enter");
      var hint = element("span", "shortcut-hint");
      hint.setAttribute("aria-hidden", "true");
      // Translators: the Control key as a keyboard's key cap names it.
      hint.appendChild(element("kbd", "", isMac() ? "⌘" : _("Ctrl")));
      hint.appendChild(document.createTextNode("+"));
      // Translators: the Enter key as a keyboard's key cap names it.
      hint.appendChild(element("kbd", "", _("Enter")));
      primary.insertAdjacentElement("afterend", hint);
    }

    function showSaved(at) {
      if (at === false) {
        status.textContent = _("Not saved on this device: its browser storage is full or turned off.");
      } else {
        status.textContent = at ? _("Saved on this device %(time)s", { time: clock(at) }) : "";
      }
    }

    function say(text) {
      alert.textContent = "";
      // Set apart from the clearing, so that the same words twice are announced twice.
      window.setTimeout(function () { alert.textContent = text; }, 50);
    }

    function save() {
      window.clearTimeout(timer);
      timer = null;
      if (offer || !local) { return; }
      var values = read(form, false);
      var worth = baseline ? !same(values, baseline) : hasContent(values);
      if (!worth) {
        drop(key);
        showSaved(null);
        return;
      }
      var before = load(key);
      var based = version ? version.value : null;
      if (before && JSON.stringify(before.values) === JSON.stringify(values) && before.version === based) {
        return;
      }
      var copy = { values: values, version: based, saved: Date.now() };
      showSaved(keep(key, copy) ? copy.saved : false);
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, SAVE_DELAY);
    }

    function closeOffer() {
      if (offer) { offer.parentNode.removeChild(offer); }
      offer = null;
    }

    function firstField() {
      var all = fields(form);
      return all.length ? all[0].element : null;
    }

    function noticeAtTop(node) {
      var first = form.querySelector(".form-error, .field, fieldset");
      form.insertBefore(node, first || form.firstChild);
    }

    function restoreNew(copy) {
      var blank = read(form, false);
      apply(form, copy.values);
      var note = element("div", "compose-restore");
      note.appendChild(element("p", "", _("Restored the post you were writing, kept on this device at %(time)s.",
        { time: clock(copy.saved) })));
      var discard = button(_("Discard it"), true);
      note.appendChild(discard);
      discard.addEventListener("click", function () {
        apply(form, blank);
        drop(key);
        showSaved(null);
        note.parentNode.removeChild(note);
        var first = firstField();
        if (first) { first.focus(); }
      });
      noticeAtTop(note);
      showSaved(copy.saved);
    }

    // An edit is offered back, not put back: the server's post may have moved on since.
    // Restoring keeps the version the changes were based on, so the server still refuses
    // them if someone else saved in between.
    function offerEdit(copy) {
      offer = element("div", "compose-restore");
      var text = _("This device kept changes to this post that were never saved.");
      if (version && copy.version && copy.version !== version.value) {
        text += " " + _("The post has changed since: if you restore them, saving will tell you before anything is overwritten.");
      }
      offer.appendChild(element("p", "", text));
      var restore = button(_("Restore your unsaved changes from %(time)s", { time: clock(copy.saved) }));
      var discard = button(_("Discard"), true);
      offer.appendChild(restore);
      offer.appendChild(discard);
      restore.addEventListener("click", function () {
        var changed = apply(form, copy.values);
        if (version && copy.version) { version.value = copy.version; }
        closeOffer();
        showSaved(copy.saved);
        var first = changed || firstField();
        if (first) { first.focus(); }
      });
      discard.addEventListener("click", function () {
        closeOffer();
        drop(key);
        save();
        var first = firstField();
        if (first) { first.focus(); }
      });
      noticeAtTop(offer);
      status.textContent = _("Not saving on this device until you restore or discard the changes above.");
    }

    function start() {
      var copy = load(key);
      var now = read(form, false);
      if (!copy) {
        save();
      } else if (same(copy.values, now)) {
        showSaved(copy.saved);
        save();
      } else if (sentBack) {
        save();  // what the server sent back is newer than the copy
      } else if (isNew) {
        if (same(now, baseline)) { restoreNew(copy); } else { save(); }
      } else if (!hasContent(copy.values)) {
        drop(key);
      } else {
        offerEdit(copy);
      }
    }

    function reachable() {
      if (!window.fetch) { return Promise.resolve(true); }
      var controller = window.AbortController ? new AbortController() : null;
      var stop = controller ? window.setTimeout(function () { controller.abort(); }, PROBE_TIMEOUT) : 0;
      return fetch("/static/compose.js", {
        method: "HEAD", cache: "no-store", credentials: "same-origin",
        signal: controller ? controller.signal : undefined
      }).then(function (response) { return response.ok; }, function () { return false; })
        .then(function (ok) { window.clearTimeout(stop); return ok; });
    }

    function send(submitter) {
      if (form.requestSubmit) {
        form.requestSubmit(submitter || undefined);
      } else if (submitter) {
        submitter.click();
      } else {
        form.submit();
      }
    }

    function cannotSend() {
      wasOffline = navigator.onLine === false;
      if (wasOffline) {
        say(isNew
          ? _("You are offline: your post is kept here; it will be sent when you try again.")
          : _("You are offline: your changes are kept here; they will be sent when you try again."));
      } else {
        say(isNew
          ? _("The server cannot be reached: your post is kept here; it will be sent when you try again.")
          : _("The server cannot be reached: your changes are kept here; they will be sent when you try again."));
      }
    }

    form.addEventListener("input", function () {
      if (session && session.getItem(SENT)) { session.removeItem(SENT); }
      later();
    });
    form.addEventListener("change", later);

    form.addEventListener("keydown", function (event) {
      if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) { return; }
      if (event.altKey || event.shiftKey || event.isComposing || !primary || primary.disabled) { return; }
      event.preventDefault();
      send(primary);
    });

    // Sending: keep the latest text first, then make sure the server can be reached before
    // the browser leaves the page, so that a dead network leaves the editor on the form.
    // The copy stays until the page the server answers with shows it was accepted.
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) {  // another script holds it back (an upload finishing first)
        passing = false;
        return;
      }
      var submitter = event.submitter || null;
      if (offer) {  // sending the form as it stands answers the offer
        closeOffer();
      }
      save();
      if (passing) {
        passing = false;
        sentAt = Date.now();
        status.textContent = _("Sending…");
        if (session) {
          session.setItem(SENT, JSON.stringify({ key: key, page: here(), at: sentAt }));
          if (submitter && submitter.value === "preview") { kept.keepPreviewPlace(key, submitter); }
        }
        return;
      }
      event.preventDefault();
      if (checking || Date.now() - sentAt < SENDING_FOR) {  // already on its way
        status.textContent = _("Sending…");
        return;
      }
      if (navigator.onLine === false) {
        cannotSend();
        return;
      }
      checking = true;
      reachable().then(function (ok) {
        checking = false;
        if (!ok) {
          cannotSend();
          return;
        }
        alert.textContent = "";
        passing = true;
        send(submitter);
      });
    });

    window.addEventListener("online", function () {
      if (!wasOffline || !alert.textContent) { return; }
      wasOffline = false;
      var label = primary ? primary.textContent.trim() : _("the button");
      say(isNew
        ? _("You are back online: press %(button)s to send your post.", { button: label })
        : _("You are back online: press %(button)s to send your changes.", { button: label }));
    });

    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") { save(); }
    });
    window.addEventListener("pagehide", save);
    window.setInterval(function () { if (!document.hidden) { save(); } }, SWEEP_EVERY);

    // Back to this page from the browser's cache after a submit: if the server took the post,
    // its copy is gone and the new-post form is made ready for the next one.
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted) { return; }
      sentAt = 0;
      checking = false;
      if (isNew && !load(key) && hasContent(read(form, false))) {
        form.reset();
        fields(form).forEach(function (field) { told(field.element); });
        showSaved(null);
      }
    });

    start();
    kept.restorePreviewPlace(form, key);
  }

  settleSent();
  sweepOld();
  Array.prototype.forEach.call(document.querySelectorAll("form[data-compose]"), setUp);
})();
