"""Readers' alerts: a browser subscribed to a feed is told of its key events, or of every post,
by Web Push, even with the page closed.

Alerts are an outbox in the database written in the post's own transaction
(:func:`livefeed.store.alerts.enqueue`, called where the post's event is logged), so a restart
neither loses nor repeats one. A sender (:func:`deliver_due`) holds a subscription with a
conditional UPDATE before sending, so two instances never alert the same browser twice; a
subscription alerted less than :data:`~livefeed.domain.alerts.ALERT_EVERY` ago waits, and what
piled up meanwhile goes as one alert ("3 key events in …"). A failure the push service may get
over (5xx, 429, no answer) is retried on the webhooks' schedule (``domain/outbox.py``); a
subscription it says is gone (404, 410) is deleted.

Our VAPID key is ``LIVEFEED_VAPID_PRIVATE_KEY``, or one made at first start and kept in the
database (``site_keys``) so that every instance, and every restart, signs with the same one:
browsers accept alerts only from the key they subscribed with.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

from sqlalchemy import Connection

from livefeed.domain import outbox
from livefeed.domain.alerts import ALERT_EVERY, Choice, parse_subscription, parse_unsubscribe
from livefeed.domain.errors import Invalid, NotFound
from livefeed.domain.feeds import Feed
from livefeed.domain.posts import Post
from livefeed.languages.catalogs import _, direction, plural, speaking
from livefeed.outside import web_push
from livefeed.outside.fetch_policy import Refused, check_url
from livefeed.services import Services
from livefeed.store import alerts as alert_store
from livefeed.store import feeds as feed_store
from livefeed.store import posts as post_store
from livefeed.store.alerts import Alert, Subscription
from livefeed.store.guest_bans import site_key

# What hands one alert to a push service: (subscription, payload, urgency) to the status;
# Refused when it could not be reached.
Send = Callable[[Subscription, bytes, str], int]

KEY_NAME = "vapid_private_key"
GONE = frozenset({404, 410})


def private_key(svc: Services) -> str:
    """Our VAPID private key: the setting's, else the one the site made at its first start."""
    if svc.settings.vapid_private_key:
        try:
            return web_push.read_private_key(svc.settings.vapid_private_key)
        except ValueError as error:
            raise Invalid.field("LIVEFEED_VAPID_PRIVATE_KEY", str(error)) from None
    with svc.db.write() as conn:
        return site_key(conn, KEY_NAME, web_push.new_private_key(), svc.clock())


def application_server_key(svc: Services) -> str:
    """The public key a browser subscribes with (``applicationServerKey``)."""
    return web_push.public_key(private_key(svc))


def subscribe(svc: Services, slug: str, fields: Mapping[str, object]) -> Subscription:
    """Alert this browser of the feed's key events or of every post (``choice``); subscribing
    again changes the choice."""
    data = parse_subscription(fields)
    try:
        check_url(data.endpoint, svc.fetch_policy, resolve=False)
    except Refused as refused:
        raise Invalid.field("subscription.endpoint", str(refused)) from None
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug)
        return alert_store.save(conn, feed.id, data, svc.clock())


def unsubscribe(svc: Services, slug: str, fields: Mapping[str, object]) -> int:
    """No more alerts from this feed to this browser; how many feeds still alert it (at 0 the
    browser may drop its push subscription altogether)."""
    endpoint, auth = parse_unsubscribe(fields)
    with svc.db.write() as conn:
        feed = feed_store.require_feed(conn, slug)
        if not alert_store.remove(conn, feed.id, endpoint, auth):
            raise NotFound("this browser has no alerts from this feed")
        return alert_store.remaining(conn, endpoint)


def sender(svc: Services) -> Send:
    """The production sender: encrypted, signed, and through the fetch address checks."""
    key = private_key(svc)
    contact = f"mailto:{svc.settings.mail_sender}"

    def send(subscription: Subscription, payload: bytes, urgency: str) -> int:
        return web_push.send(
            subscription.endpoint, payload, p256dh=subscription.p256dh, auth=subscription.auth,
            private_key=key, contact=contact, policy=svc.fetch_policy, urgency=urgency,
        )  # fmt: skip

    return send


def deliver_due(svc: Services, now: datetime, send: Send, *, every: timedelta = ALERT_EVERY) -> int:
    """Send every subscription's due alerts, as one alert each, for those this caller holds
    first; how many alerts went."""
    with svc.db.read() as conn:
        due = alert_store.due(conn, now, every)
    sent = 0
    for subscription_id in due:
        with svc.db.write() as conn:
            if not alert_store.claim(conn, subscription_id, now):
                continue  # another sender has it
            subscription = alert_store.require(conn, subscription_id)
            alerts = alert_store.pending(conn, subscription_id, now)
            feed = feed_store.require_feed_by_id(conn, subscription.feed_id)
            posts = _still_published(conn, alerts)
        sent += _attempt(svc, now, send, subscription, feed, alerts, posts)
    return sent


def _still_published(conn: Connection, alerts: list[Alert]) -> list[Post]:
    """The posts still out: one deleted or taken back since is no longer worth an alert."""
    found = (post_store.get_post(conn, alert.post_id) for alert in alerts)
    return [post for post in found if post is not None and post.is_published]


def _attempt(
    svc: Services,
    now: datetime,
    send: Send,
    subscription: Subscription,
    feed: Feed,
    alerts: list[Alert],
    posts: list[Post],
) -> int:
    if not posts:
        _settle(svc, alerts, "dropped", None, "the posts were taken down", now, None)
        with svc.db.write() as conn:
            alert_store.release(conn, subscription.id, None)
        return 0
    key_events = all(post.key_event for post in posts)
    payload = alert_payload(svc, subscription, feed, posts)
    status: int | None = None
    error = ""
    try:
        status = send(subscription, payload, "high" if key_events else "normal")
        if not 200 <= status < 300:
            error = f"the push service answered {status}"
    except Refused as refused:
        error = str(refused)
    if status in GONE:
        with svc.db.write() as conn:
            alert_store.forget_endpoint(conn, subscription.endpoint)
        return 0
    if not error:
        _settle(svc, alerts, "delivered", status, "", now, now)
        with svc.db.write() as conn:
            alert_store.release(conn, subscription.id, now)
        return 1
    retrying = status is None or status == 429 or status >= 500
    _settle(svc, alerts, "pending" if retrying else "failed", status, error, now, None)
    with svc.db.write() as conn:
        alert_store.release(conn, subscription.id, None)
    return 0


def _settle(
    svc: Services,
    alerts: list[Alert],
    state: str,
    status: int | None,
    error: str,
    now: datetime,
    delivered_at: datetime | None,
) -> None:
    with svc.db.write() as conn:
        for alert in alerts:
            final, retry_at = state, now
            if state == "pending":
                final, retry_at = outbox.after_failure(alert.created_at, alert.attempts + 1, now)
            alert_store.settle(
                conn, alert, state=final, status=status, error=error,
                next_attempt_at=retry_at, delivered_at=delivered_at,
            )  # fmt: skip


def alert_payload(
    svc: Services, subscription: Subscription, feed: Feed, posts: list[Post]
) -> bytes:
    """What the service worker shows, already in the subscriber's language: one post's
    headline, or how many piled up while the feed was held back."""
    with speaking(subscription.language) as language:
        if len(posts) == 1:
            post = posts[0]
            title = _("Key event: %(feed)s", feed=feed.title) if post.key_event else feed.title
            body, url = post.title_text, svc.urls.post_path(feed.slug, post.id)
        else:
            count = len(posts)
            if subscription.choice is Choice.KEY_EVENTS:
                title = plural(
                    "%(num)d key event in %(feed)s", "%(num)d key events in %(feed)s",
                    count, feed=feed.title,
                )  # fmt: skip
            else:
                title = plural(
                    "%(num)d new post in %(feed)s", "%(num)d new posts in %(feed)s",
                    count, feed=feed.title,
                )  # fmt: skip
            body, url = posts[-1].title_text, svc.urls.feed_path(feed.slug)
        message = {
            "title": title,
            "body": body,
            "url": url,
            "tag": f"feed-{feed.slug}",
            "lang": language,
            "dir": direction(language),
            "unsubscribe": svc.urls.feed_path(feed.slug) + "/alerts/unsubscribe",
            "actions": [{"action": "unsubscribe", "title": _("Stop these alerts")}],
        }
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode()
