// Uploads on the compose form: a picture chosen, dropped anywhere on the form or pasted, or a
// video chosen, goes to the server once it has a description (alt text); the server stores its
// renditions and the address field is filled in. Without this script, the editor types the
// address of a picture that is online already.
(function () {
  "use strict";
  var words = window.livefeedWords, _ = words._, ngettext = words.ngettext;
  var boxes = document.querySelectorAll("[data-upload]");
  Array.prototype.forEach.call(boxes, function (box) {
    var form = box.closest("form");
    var input = box.querySelector("[data-upload-input]");
    var progress = box.querySelector("[data-upload-progress]");
    var status = box.querySelector("[data-upload-status]");
    if (!form || !input || !progress || !status) { return; }
    var target = field(box.getAttribute("data-upload-field"));
    var alt = field(box.getAttribute("data-upload-alt"));
    var maxBytes = parseInt(box.getAttribute("data-max-bytes"), 10) || 0;
    var feed = box.getAttribute("data-upload-feed");  // counted against this feed's quota
    var pending = null;   // a file waiting for its description
    var sending = null;   // the request on its way
    var waiting = null;   // a submission held back while a file was on its way: {button}

    function field(name) {
      return name ? (form.elements.namedItem(name) || document.getElementById(name)) : null;
    }

    function say(text, state) {
      status.textContent = text;
      status.setAttribute("data-state", state || "");
    }

    function megabytes(bytes) { return _("%(size)s MB", { size: Math.round(bytes / 104857.6) / 10 }); }

    function take(file) {
      if (!file) { return; }
      if (maxBytes && file.size > maxBytes) {
        pending = null;
        say(_("Not uploaded: %(file)s is %(size)s, over the %(limit)s this site takes.",
          { file: file.name, size: megabytes(file.size), limit: megabytes(maxBytes) }), "error");
        return;
      }
      pending = file;
      if (alt && alt.value.trim()) {
        send();
      } else {
        say(_("Now describe it for readers who cannot see it: it uploads as soon as you have."), "");
        if (alt) { alt.focus(); }
      }
    }

    function problem(xhr) {
      var data = null;
      try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      if (data && data.errors && data.errors.length) { return data.errors[0]; }
      return { field: "", message: (data && data.detail) || _("the server could not store it") };
    }

    function finished(ok) {
      sending = null;
      progress.hidden = true;
      var held = waiting;
      waiting = null;
      if (ok && held) { form.requestSubmit(held.button || undefined); }
    }

    function send() {
      var file = pending;
      pending = null;
      var body = new FormData();
      body.append("alt", alt ? alt.value.trim() : "");
      if (feed) { body.append("feed", feed); }
      body.append("file", file, file.name || "pasted");
      var xhr = new XMLHttpRequest();
      sending = xhr;
      xhr.open("POST", "/desk/media");
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", field("csrf_token").value);
      xhr.upload.onprogress = function (event) {
        if (!event.lengthComputable) { return; }
        var done = Math.round(100 * event.loaded / event.total);
        progress.value = done;
        progress.textContent = done + "%";
      };
      xhr.onload = function () {
        if (xhr.status === 201) {
          var media = JSON.parse(xhr.responseText);
          if (target) { target.value = media.url; }
          var sizes = media.renditions.length;
          var shape = { width: media.width, height: media.height };
          if (!media.width) {
            say(_("Uploaded. Check the description before publishing."), "done");
          } else if (sizes > 1) {
            say(ngettext("Uploaded: %(width)s × %(height)s pixels, in %(num)d size. Check the description and caption before publishing.",
              "Uploaded: %(width)s × %(height)s pixels, in %(num)d sizes. Check the description and caption before publishing.",
              sizes, shape), "done");
          } else {
            say(_("Uploaded: %(width)s × %(height)s pixels. Check the description and caption before publishing.", shape), "done");
          }
          preview(media);
          finished(true);
          return;
        }
        var error = /\/login(\?|$)/.test(new URL(xhr.responseURL || location.href).pathname)
          ? { field: "", message: _("you are no longer signed in: log in again in another tab") }
          : problem(xhr);
        pending = file;  // kept, so that fixing the description sends it again
        say(_("Not uploaded: %(problem)s", { problem: error.message }), "error");
        if (error.field === "alt" && alt) { alt.focus(); }
        finished(false);
      };
      xhr.onerror = function () {
        pending = file;
        say(_("Not uploaded: the server could not be reached. Try again."), "error");
        finished(false);
      };
      progress.value = 0;
      progress.hidden = false;
      var name = file.name || _("the file");
      say(_("Uploading %(file)s…", { file: name }), "busy");
      xhr.send(body);
    }

    function preview(media) {
      var old = box.querySelector(".upload-preview");
      if (old) { old.parentNode.removeChild(old); }
      if (!media.renditions.length) { return; }
      var img = document.createElement("img");
      img.className = "upload-preview";
      img.alt = "";
      img.src = media.renditions[0].url;
      box.appendChild(img);
    }

    input.addEventListener("change", function () {
      take(input.files && input.files[0]);
    });
    if (alt) {
      alt.addEventListener("change", function () {
        if (pending && alt.value.trim() && !sending) { send(); }
      });
    }

    // Publishing while a file waits or is on its way: finish the upload, then submit.
    form.addEventListener("submit", function (event) {
      if (!pending && !sending) { return; }
      event.preventDefault();
      waiting = { button: event.submitter || null };
      if (sending) { return; }
      if (alt && !alt.value.trim()) {
        say(_("Describe the picture before publishing: it is not uploaded yet."), "error");
        alt.focus();
        return;
      }
      send();
    });

    if (box.hasAttribute("data-upload-drop")) {
      var image = function (list) {
        for (var i = 0; list && i < list.length; i += 1) {
          if (/^image\//.test(list[i].type)) { return list[i]; }
        }
        return null;
      };
      var carriesFiles = function (event) {
        var types = event.dataTransfer ? event.dataTransfer.types : [];
        return Array.prototype.indexOf.call(types, "Files") >= 0;
      };
      form.addEventListener("dragover", function (event) {
        if (!carriesFiles(event)) { return; }
        event.preventDefault();
        form.classList.add("is-dropping");
      });
      form.addEventListener("dragleave", function (event) {
        if (!form.contains(event.relatedTarget)) { form.classList.remove("is-dropping"); }
      });
      form.addEventListener("drop", function (event) {
        form.classList.remove("is-dropping");
        if (!carriesFiles(event)) { return; }
        event.preventDefault();  // never let the browser leave the form to open the file
        var file = image(event.dataTransfer.files);
        if (file) {
          take(file);
        } else {
          say(_("Only a picture can be dropped here (JPEG, PNG, GIF or WebP)."), "error");
        }
      });
      form.addEventListener("paste", function (event) {
        var file = event.clipboardData && image(event.clipboardData.files);
        if (!file) { return; }
        event.preventDefault();
        take(file);
      });
    }
    box.hidden = false;
  });
})();
