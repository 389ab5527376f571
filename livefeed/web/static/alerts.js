// "Alert me": subscribes this browser to the feed's key events or to every post by Web Push,
// through the service worker at /sw.js, and stops them with one press. The box stays hidden
// where the browser cannot receive pushes. Which feeds alert this browser is remembered in
// localStorage, since a browser has one push subscription for the whole site.
(function () {
  "use strict";
  var box = document.querySelector("[data-alerts]");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) { return; }
  var path = box.getAttribute("data-alerts");
  var remembered = "livefeed-alerts:" + box.getAttribute("data-slug");
  var form = box.querySelector("[data-alerts-choice]");
  var stop = box.querySelector("[data-alerts-stop]");
  var status = box.querySelector(".alerts-status");

  function say(name) { status.textContent = box.getAttribute("data-" + name) || ""; }

  function show(choice) {
    form.hidden = Boolean(choice);
    stop.hidden = !choice;
    if (choice) { say(choice === "every_post" ? "on-every-post" : "on-key-events"); }
  }

  function keyBytes(text) {
    var raw = atob((text + "===".slice((text.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/"));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { bytes[i] = raw.charCodeAt(i); }
    return bytes;
  }

  // Our key, and the token a browser with our cookies must send with what it posts.
  var site = null;
  function siteKeys() {
    site = site || fetch("/alerts/key").then(function (response) { return response.json(); });
    return site;
  }

  function post(url, body) {
    return siteKeys().then(function (keys) {
      return fetch(url, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": keys.csrf_token },
        body: JSON.stringify(body)
      });
    }).then(function (response) {
      if (!response.ok) { throw new Error("refused: " + response.status); }
      return response.json();
    });
  }

  function subscription(registration) {
    return registration.pushManager.getSubscription().then(function (found) {
      if (found) { return found; }
      return siteKeys().then(function (answer) {
          return registration.pushManager.subscribe({
            userVisibleOnly: true, applicationServerKey: keyBytes(answer.public_key)
          });
        });
    });
  }

  var ready = navigator.serviceWorker.register("/sw.js", { scope: "/" })
    .then(function () { return navigator.serviceWorker.ready; });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var choice = form.querySelector("input[name=choice]:checked").value;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say("blocked"); return null; }
      return ready.then(subscription).then(function (found) {
        return post(path, {
          subscription: found.toJSON(), choice: choice, language: document.documentElement.lang
        });
      }).then(function (answer) {
        localStorage.setItem(remembered, answer.choice);
        show(answer.choice);
      });
    }).catch(function () { say("failed"); });
  });

  stop.addEventListener("click", function () {
    ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (found) {
      if (!found) { return null; }
      var json = found.toJSON();
      return post(path + "/unsubscribe", { endpoint: json.endpoint, auth: json.keys.auth })
        .then(function (answer) { return answer.remaining === 0 ? found.unsubscribe() : null; },
              function () { return null; });  // already gone here: nothing more to stop
    }).then(function () {
      localStorage.removeItem(remembered);
      show(null);
      say("off");
    });
  });

  box.hidden = false;
  ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (found) {
    var choice = localStorage.getItem(remembered);
    if (found && choice && Notification.permission === "granted") { show(choice); }
    else { localStorage.removeItem(remembered); }
  }).catch(function () { box.hidden = true; });
})();
