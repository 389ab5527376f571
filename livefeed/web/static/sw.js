// The service worker of readers' alerts: shows what the server pushed (its words already in the
// feed's language), opens the post when the alert is pressed, and stops the feed's alerts from
// the alert itself. Served as /sw.js so that its scope covers every feed's page.
"use strict";

// What an alert's payload becomes: the title, and the options of showNotification.
function alertOf(data) {
  return {
    title: data.title,
    options: {
      body: data.body || "",
      tag: data.tag,
      lang: data.lang,
      dir: data.dir || "auto",
      icon: "/static/favicon.png",
      actions: data.actions || [],
      data: { url: data.url || "/", unsubscribe: data.unsubscribe }
    }
  };
}

function showAlert(registration, data) {
  var alert = alertOf(data);
  return registration.showNotification(alert.title, alert.options);
}

// Tell the site to stop this feed's alerts; once no feed alerts this browser, drop the push
// subscription as well.
function stopAlerts(registration, path) {
  return registration.pushManager.getSubscription().then(function (subscription) {
    if (!subscription || !path) { return null; }
    var json = subscription.toJSON();
    return fetch("/alerts/key").then(function (response) {
      return response.json();
    }).then(function (keys) {
      return fetch(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": keys.csrf_token },
        body: JSON.stringify({ endpoint: json.endpoint, auth: json.keys.auth })
      });
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (answer) {
      if (answer && answer.remaining === 0) { return subscription.unsubscribe(); }
      return null;
    });
  });
}

self.addEventListener("push", function (event) {
  if (!event.data) { return; }
  event.waitUntil(showAlert(self.registration, event.data.json()));
});

self.addEventListener("notificationclick", function (event) {
  var data = event.notification.data || {};
  event.notification.close();
  if (event.action === "unsubscribe") {
    event.waitUntil(stopAlerts(self.registration, data.unsubscribe));
    return;
  }
  event.waitUntil(self.clients.openWindow(data.url || "/"));
});
