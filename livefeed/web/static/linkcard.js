// "Fill from the article" on the compose form: the server reads the article's page and the
// Read more fields are filled in, still editable. Without this script the editor types them.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._;
  var boxes = document.querySelectorAll("[data-linkcard]");
  Array.prototype.forEach.call(boxes, function (box) {
    var form = box.closest("form");
    var button = box.querySelector("[data-linkcard-fill]");
    var status = box.querySelector("[data-linkcard-status]");
    if (!form || !button || !status) { return; }

    function field(name) { return form.elements.namedItem(name); }

    function say(text, state) {
      status.textContent = text;
      status.setAttribute("data-state", state || "");
    }

    function fill(card) {
      var names = { "read_more.url": card.url, "read_more.title": card.title,
        "read_more.summary": card.summary, "read_more.image_url": card.image_url };
      Object.keys(names).forEach(function (name) {
        var input = field(name);
        if (input && typeof names[name] === "string") { input.value = names[name]; }
      });
    }

    function problem(data) {
      if (data && data.errors && data.errors.length) { return data.errors[0].message; }
      return (data && data.detail) || _("the card could not be filled");
    }

    button.addEventListener("click", function () {
      var address = field("read_more.url");
      var url = address ? address.value.trim() : "";
      if (!url) {
        say(_("Type or paste the article's address first."), "error");
        if (address) { address.focus(); }
        return;
      }
      var body = new URLSearchParams();
      body.set("csrf_token", field("csrf_token").value);
      body.set("url", url);
      button.disabled = true;
      say(_("Reading the article…"), "busy");
      fetch("/desk/link-card", {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        if (response.redirected) {
          throw new Error(_("you are no longer signed in: log in again in another tab"));
        }
        return response.json().catch(function () { return null; }).then(function (data) {
          if (!response.ok) { throw new Error(problem(data)); }
          return data;
        });
      }).then(function (card) {
        fill(card);
        say(_("Filled from the article: check the card and edit it before publishing."), "done");
        var title = field("read_more.title");
        if (title) { title.focus(); }
      }).catch(function (error) {
        var text = error && error.message ? error.message : _("the server could not be reached");
        say(_("Not filled: %(problem)s. You can type the card yourself.", { problem: text }), "error");
      }).then(function () {
        button.disabled = false;
      });
    });
    box.hidden = false;
  });
})();
