// What this device keeps of a form, for the compose form (compose.js): its values, read under
// stable keys, compared as the server would store them, put back, and kept in the browser's
// storage, which may be full, turned off or missing (then nothing is kept, and the form works as
// before); when a copy was kept, on the editor's clock; and, across a preview, where the editor
// was on the page.
(function () {
  "use strict";
  var PROBE = "livefeed.kept-forms.probe";
  var SKIPPED = ["hidden", "file", "password", "submit", "button", "reset", "image"];
  // Per tab: where the editor was when they asked for a preview (the key of the form's copy,
  // the scroll, the focused field).
  var PREVIEW = "livefeed.compose.preview";
  var words = window.livefeedWords, _ = words._;

  function storage(name) {
    try {
      var store = window[name];
      store.setItem(PROBE, "1");
      store.removeItem(PROBE);
      return store;
    } catch (error) {
      return null;
    }
  }
  var local = storage("localStorage");
  var session = storage("sessionStorage");

  function load(key) {
    if (!local) { return null; }
    try {
      var copy = JSON.parse(local.getItem(key) || "null");
      return copy && copy.values && typeof copy.saved === "number" ? copy : null;
    } catch (error) {
      return null;
    }
  }

  function keep(key, copy) {
    if (!local) { return false; }
    try {
      local.setItem(key, JSON.stringify(copy));
      return true;
    } catch (error) {
      return false;
    }
  }

  function drop(key) {
    if (local) { local.removeItem(key); }
  }

  function takeSession(name) {
    if (!session) { return null; }
    var raw = session.getItem(name);
    session.removeItem(name);
    try { return JSON.parse(raw || "null"); } catch (error) { return null; }
  }

  // The form's fields, each under a stable key: its name, and for a box its value too.
  function fields(form) {
    var seen = {};
    var found = [];
    Array.prototype.forEach.call(form.elements, function (element) {
      var tag = element.tagName;
      if (!element.name || (tag !== "INPUT" && tag !== "TEXTAREA" && tag !== "SELECT")) { return; }
      if (SKIPPED.indexOf(element.type) !== -1) { return; }
      var box = element.type === "checkbox" || element.type === "radio";
      var key = box ? element.name + "=" + element.value : element.name;
      while (seen[key]) { key += "+"; }
      seen[key] = true;
      found.push({ key: key, element: element, box: box });
    });
    return found;
  }

  function read(form, defaults) {
    var values = {};
    fields(form).forEach(function (field) {
      var element = field.element;
      if (field.box) {
        values[field.key] = defaults ? element.defaultChecked : element.checked;
      } else if (element.tagName === "SELECT") {
        values[field.key] = Array.prototype.filter.call(element.options, function (option) {
          return defaults ? option.defaultSelected : option.selected;
        }).map(function (option) { return option.value; }).join("\n");
      } else {
        values[field.key] = defaults ? element.defaultValue : element.value;
      }
    });
    return values;
  }

  // Put values back into the form; returns the first field that changed, for the focus.
  function apply(form, values) {
    var changed = [];
    fields(form).forEach(function (field) {
      if (!Object.prototype.hasOwnProperty.call(values, field.key)) { return; }
      var value = values[field.key];
      var element = field.element;
      var before = plain(field.box ? element.checked : element.value);
      if (field.box) {
        element.checked = value === true;
      } else if (element.tagName === "SELECT") {
        var chosen = String(value).split("\n");
        Array.prototype.forEach.call(element.options, function (option) {
          option.selected = chosen.indexOf(option.value) !== -1;
        });
      } else {
        element.value = String(value);
      }
      if (plain(field.box ? element.checked : element.value) !== before) {
        changed.push(element);
      }
    });
    changed.forEach(told);
    return changed[0] || null;
  }

  // Tell other scripts (the character counts) that a value was put back.
  function told(element) {
    element.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // Equal as the server would store them: line endings and surrounding spaces do not count.
  function plain(value) {
    if (value === true) { return "\u2713"; }
    if (value === false || value === undefined || value === null) { return ""; }
    return String(value).replace(/\r\n?/g, "\n").trim();
  }

  function same(a, b) {
    var keys = Object.keys(a).concat(Object.keys(b));
    return keys.every(function (key) { return plain(a[key]) === plain(b[key]); });
  }

  function hasContent(values) {
    return Object.keys(values).some(function (key) { return plain(values[key]) !== ""; });
  }

  // The editor's own clock, in the page's language: when this device kept a copy.
  function clock(ms) {
    var date = new Date(ms);
    var time = new Intl.DateTimeFormat(words.locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(date);
    if (date.toDateString() === new Date().toDateString()) { return time; }
    var day = new Intl.DateTimeFormat(words.locale, { day: "numeric", month: "short" }).format(date);
    return _("%(day)s %(time)s", { day: day, time: time });
  }

  function focusOf(submitter) {
    var active = document.activeElement;
    var target = active && active !== document.body && active.form ? active : submitter;
    if (!target) { return null; }
    return { id: target.id || "", name: target.name || "", value: target.value || "" };
  }

  function keepPreviewPlace(key, submitter) {
    if (session) {
      session.setItem(PREVIEW, JSON.stringify({ key: key, y: window.scrollY, focus: focusOf(submitter) }));
    }
  }

  // After a preview, the page comes back where it was, with the focus where it was.
  function restorePreviewPlace(form, key) {
    if (!session) { return; }
    var raw = session.getItem(PREVIEW);
    if (!raw) { return; }
    var place = takeSession(PREVIEW);
    if (!place || place.key !== key || !form.querySelector(".preview")) { return; }
    window.scrollTo(0, place.y);
    var focus = place.focus;
    var target = null;
    if (focus && focus.id) { target = document.getElementById(focus.id); }
    if (!target && focus && focus.name) {
      target = Array.prototype.filter.call(form.elements, function (element) {
        return element.name === focus.name && element.value === focus.value;
      })[0] || null;
    }
    if (target) { target.focus({ preventScroll: true }); }
  }

  window.livefeedKeptForms = {
    local: local, session: session, load: load, keep: keep, drop: drop, takeSession: takeSession,
    fields: fields, read: read, apply: apply, told: told, same: same, hasContent: hasContent,
    clock: clock, keepPreviewPlace: keepPreviewPlace, restorePreviewPlace: restorePreviewPlace
  };
})();
