// Character counts under the compose form's fields that have a limit: "153 / 200", turning to
// a warning near it. `maxlength` is a limit the browser enforces as well; `data-maxlength` one
// it must not, so that a long paste is kept whole (the server refuses it, and keeps it).
// The count is part of the field's description, read out with the field; only crossing into
// the warning is announced, once, politely. Counts follow the server's: code points, NFC, one
// character per line break.
(function () {
  "use strict";
  var words = window.livefeedWords, ngettext = words.ngettext;

  var NEAR_LIMIT = 0.9;
  var LIMITED = "input[maxlength], textarea[maxlength], input[data-maxlength], textarea[data-maxlength]";

  function count(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").normalize("NFC")).length;
  }

  function number(value) { return value.toLocaleString(words.locale); }

  function labelOf(field) {
    var label = field.id ? document.querySelector('label[for="' + field.id + '"]') : null;
    return (label ? label.textContent : field.name).replace(/\s*\([^)]*\)\s*$/, "").trim();
  }

  function describe(field, id) {
    var ids = (field.getAttribute("aria-describedby") || "").split(/\s+/).filter(Boolean);
    if (ids.indexOf(id) === -1) { ids.push(id); }
    field.setAttribute("aria-describedby", ids.join(" "));
  }

  Array.prototype.forEach.call(document.querySelectorAll("form[data-compose]"), function (form) {
    var announcer = document.createElement("div");
    announcer.className = "visually-hidden";
    announcer.setAttribute("aria-live", "polite");
    form.appendChild(announcer);

    Array.prototype.forEach.call(form.querySelectorAll(LIMITED), function (field) {
      var limit = parseInt(field.getAttribute("data-maxlength") || field.getAttribute("maxlength"), 10);
      if (!(limit > 0) || !field.id) { return; }
      var output = document.createElement("p");
      output.className = "char-count";
      output.id = field.id + "-count";
      field.insertAdjacentElement("afterend", output);
      describe(field, output.id);
      var state = "";

      function update(quiet) {
        var used = count(field.value);
        var next = used > limit ? "over" : used >= limit * NEAR_LIMIT ? "near" : "";
        var text = number(used) + " / " + number(limit);
        var left = { num: number(limit - used), over: number(used - limit), limit: number(limit) };
        if (next === "near") { text += " " + ngettext("(%(num)s left)", "(%(num)s left)", limit - used, left); }
        if (next === "over") { text += " " + ngettext("(%(over)s too many)", "(%(over)s too many)", used - limit, left); }
        output.textContent = text;
        output.setAttribute("data-state", next);
        if (next && next !== state && !quiet) {
          left.label = labelOf(field);
          announcer.textContent = next === "over"
            ? ngettext("%(label)s: %(over)s character over the limit of %(limit)s",
              "%(label)s: %(over)s characters over the limit of %(limit)s", used - limit, left)
            : ngettext("%(label)s: %(num)s character left", "%(label)s: %(num)s characters left",
              limit - used, left);
        }
        state = next;
      }

      // Typing is announced; a value put back by a script (a restored copy) is not.
      field.addEventListener("input", function (event) { update(!event.isTrusted); });
      update(true);
    });
  });
})();
