// The desk's edit page. While it is open it tells the server, every few seconds, that this
// editor has the post open (so other editors see "Anna is editing"), and shows who else has
// it open; when the page goes away it says so at once. After a save refused because someone
// saved first, "Use theirs" copies their saved text into the form, field by field.
(function () {
  "use strict";
  var form = document.querySelector("form[data-compose]") || document.querySelector("main form");
  var token = form ? form.querySelector("input[name=csrf_token]") : null;

  document.querySelectorAll("[data-use-theirs]").forEach(function (button) {
    var field = form ? form.elements.namedItem(button.getAttribute("data-use-theirs")) : null;
    if (!field) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var value = button.getAttribute("data-value") || "";
      if (field.type === "checkbox") {
        field.checked = value === "on";
      } else {
        field.value = value;
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
      field.focus();
    });
  });

  var notice = document.querySelector("[data-editing-notice]");
  if (!notice || !token) { return; }
  var url = notice.getAttribute("data-editing-url");
  var every = parseInt(notice.getAttribute("data-heartbeat-ms"), 10) || 15000;
  var timer = null;

  function report(left) {
    var body = new FormData();
    body.append("csrf_token", token.value);
    if (left) { body.append("left", "1"); }
    return body;
  }

  function show(answer) {
    notice.textContent = answer.line || "";
    notice.hidden = !answer.line;
  }

  function beat() {
    window.clearTimeout(timer);
    fetch(url, {
      method: "POST",
      body: report(false),
      credentials: "same-origin",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer) { show(answer); }
    }).catch(function () {
      // A missed report only makes this editor count a little less long; the next one comes.
    }).then(function () {
      timer = window.setTimeout(beat, every);
    });
  }

  function leave() {
    window.clearTimeout(timer);
    if (navigator.sendBeacon) { navigator.sendBeacon(url, report(true)); }
  }

  window.addEventListener("pagehide", leave);
  // Back from the browser's page cache: this editor has the post open again.
  window.addEventListener("pageshow", function (event) { if (event.persisted) { beat(); } });
  beat();
})();
