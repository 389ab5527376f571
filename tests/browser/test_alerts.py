"""Alerts in Chromium: "Alert me" subscribes through the real service worker at /sw.js, with the
browser's push service stood in for at ``PushManager`` (there is none on loopback); the service
worker shows what the server pushes and stops the feed's alerts from the notification.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, Worker, expect
from sqlalchemy import select

from livefeed.distribution import alerts
from livefeed.services import Services
from livefeed.store import alerts as alert_store
from livefeed.store import feeds as feed_store
from livefeed.store.alert_schema import push_subscriptions
from tests.browser.conftest import LiveServer, NewContext, log_in
from tests.factories import make_feed, make_post
from tests.push_service import Browser, b64

pytestmark = pytest.mark.browser

# A browser's push subscription as PushManager would give it, with keys made by the test; the
# endpoint is a push service's, only ever written down, never reached.
STUB = """
(() => {
  const subscription = %s;
  // Kept over a reload, as a browser keeps its subscription (pages only: a worker has none).
  const kept = typeof localStorage === "undefined" ? null : localStorage;
  const made = {
    endpoint: subscription.endpoint,
    toJSON: () => subscription,
    unsubscribe: () => {
      self.__unsubscribed = true;
      current = null;
      if (kept) { kept.removeItem("stub-subscribed"); }
      return Promise.resolve(true);
    }
  };
  let current = kept && kept.getItem("stub-subscribed") ? made : null;
  PushManager.prototype.subscribe = function (options) {
    self.__serverKey = Array.from(new Uint8Array(options.applicationServerKey));
    current = made;
    if (kept) { kept.setItem("stub-subscribed", "1"); }
    return Promise.resolve(made);
  };
  PushManager.prototype.getSubscription = () => Promise.resolve(current);
  self.__subscribed = () => { current = made; };
})();
"""


def browser_keys() -> Browser:
    return Browser("https://push.example.net/send/abc123")


def subscriptions(svc: Services, slug: str) -> list[tuple[str, str]]:
    with svc.db.read() as conn:
        feed = feed_store.require_feed(conn, slug)
        query = select(push_subscriptions.c.endpoint, push_subscriptions.c.choice).where(
            push_subscriptions.c.feed_id == feed.id
        )
        return [(endpoint, choice) for endpoint, choice in conn.execute(query)]


def alerting_context(new_context: NewContext, server: LiveServer, keys: Browser) -> BrowserContext:
    context = new_context()
    context.grant_permissions(["notifications"], origin=server.url)
    context.add_init_script(STUB % json.dumps(keys.subscription()))
    return context


def open_feed(page: Page, server: LiveServer) -> None:
    page.goto(server.at(f"/feeds/{server.slug}"))
    expect(page.locator(".live-status")).to_have_attribute("data-state", "live")


def service_worker(context: BrowserContext, page: Page) -> Worker:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not context.service_workers:
        context.wait_for_event("serviceworker")
    (worker,) = context.service_workers
    return worker


def test_alert_me_subscribes_with_the_readers_choice_and_stop_ends_it(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, slug = live_server.svc, live_server.slug
    make_feed(svc, live_server.editor, slug=slug)
    keys = browser_keys()
    page = alerting_context(new_context, live_server, keys).new_page()
    open_feed(page, live_server)

    page.get_by_text("Alert me").click()
    page.get_by_label("Every post").check()
    page.get_by_role("button", name="Turn on alerts").click()

    status = page.locator(".alerts-status")
    expect(status).to_have_text("Alerts are on: every post.")
    assert subscriptions(svc, slug) == [(keys.endpoint, "every_post")]
    # The browser was given the key our alerts are signed with.
    given = page.evaluate("self.__serverKey")
    assert b64(bytes(given)) == alerts.application_server_key(svc)

    # Coming back, the page knows this browser is alerted of the feed.
    page.reload()
    page.get_by_text("Alert me").click()
    expect(status).to_have_text("Alerts are on: every post.")
    expect(page.get_by_role("button", name="Turn on alerts")).to_be_hidden()

    page.get_by_role("button", name="Stop alerts").click()
    expect(status).to_have_text("Alerts are off.")
    assert subscriptions(svc, slug) == []
    assert page.evaluate("self.__unsubscribed === true")  # no feed alerts it any more
    expect(page.get_by_role("button", name="Turn on alerts")).to_be_visible()


def test_the_service_worker_shows_the_alert_and_stops_it_from_the_notification(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, slug = live_server.svc, live_server.slug
    feed = make_feed(svc, live_server.editor, slug=slug)
    post = make_post(svc, live_server.editor, slug, headline="Ceasefire agreed", key_event=True)
    keys = browser_keys()
    alerts.subscribe(
        svc, slug, {"subscription": keys.subscription(), "choice": "key_events", "language": "en"}
    )
    with svc.db.read() as conn:
        (subscription,) = alert_store.for_feed(conn, feed.id)
    payload = json.loads(alerts.alert_payload(svc, subscription, feed, [post]))
    context = alerting_context(new_context, live_server, keys)
    page = context.new_page()
    open_feed(page, live_server)
    worker = service_worker(context, page)

    shown: list[dict[str, Any]] = worker.evaluate(
        """payload => showAlert(self.registration, payload)
          .then(() => self.registration.getNotifications())
          .then(found => found.map(n => ({
            title: n.title, body: n.body, tag: n.tag, lang: n.lang, dir: n.dir,
            actions: n.actions.map(a => ({action: a.action, title: a.title})), data: n.data
          })))""",
        payload,
    )
    assert shown == [
        {
            "title": f"Key event: {feed.title}",
            "body": "Ceasefire agreed",
            "tag": f"feed-{slug}",
            "lang": "en",
            "dir": "ltr",
            "actions": [{"action": "unsubscribe", "title": "Stop these alerts"}],
            "data": {
                "url": f"/feeds/{slug}/posts/{post.id}",
                "unsubscribe": f"/feeds/{slug}/alerts/unsubscribe",
            },
        }
    ]

    # The notification's "Stop these alerts": the worker asks the site, then, with no feed
    # left, drops the browser's push subscription (stood in for here as in the page).
    worker.evaluate(STUB % json.dumps(keys.subscription()))
    worker.evaluate(
        "path => { self.__subscribed(); return stopAlerts(self.registration, path); }",
        payload["unsubscribe"],
    )
    assert subscriptions(svc, slug) == []
    assert worker.evaluate("self.__unsubscribed === true")


def test_a_signed_in_editor_subscribes_too_with_the_sessions_token(
    live_server: LiveServer, new_context: NewContext
) -> None:
    svc, slug = live_server.svc, live_server.slug
    make_feed(svc, live_server.editor, slug=slug)
    keys = browser_keys()
    page = alerting_context(new_context, live_server, keys).new_page()
    log_in(page, live_server)
    open_feed(page, live_server)

    page.get_by_text("Alert me").click()
    page.get_by_role("button", name="Turn on alerts").click()

    expect(page.locator(".alerts-status")).to_have_text("Alerts are on: key events only.")
    assert subscriptions(svc, slug) == [(keys.endpoint, "key_events")]
