"""Readers' alerts: the outbox written with the post, what each choice is sent, merged alerts
within the rate limit, retries, subscriptions the push service says are gone, and the VAPID key.

Every alert goes through a push service on loopback that checks the VAPID signature and
decrypts the payload with the browser's own keys (tests/push_service.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy import func, select

from livefeed.distribution import alerts
from livefeed.domain.alerts import ALERT_EVERY
from livefeed.domain.errors import Invalid, NotFound
from livefeed.newsroom import publishing
from livefeed.outside.fetch_policy import FetchPolicy
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import alerts as alert_store
from livefeed.store.alert_schema import push_alerts, push_subscriptions
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_editor, make_feed, make_post
from tests.other_sites import Resolver
from tests.push_service import HOST, Browser, PushService, b64, push_service

TITLE = "Summit in Geneva: live"


@pytest.fixture
def service() -> Iterator[PushService]:
    with push_service() as running:
        yield running


@pytest.fixture
def pushing(svc: Services, service: PushService) -> Services:
    svc.fetch_policy = service.policy()
    return svc


def subscribe(svc: Services, browser: Browser, choice: str, slug: str = "summit") -> None:
    alerts.subscribe(
        svc, slug, {"subscription": browser.subscription(), "choice": choice, "language": "en"}
    )


def send(svc: Services) -> int:
    return alerts.deliver_due(svc, svc.clock(), alerts.sender(svc))


def states(svc: Services) -> list[tuple[str, int]]:
    with svc.db.read() as conn:
        query = select(push_alerts.c.state, push_alerts.c.attempts).order_by(push_alerts.c.id)
        return [(state, attempts) for state, attempts in conn.execute(query)]


def count(svc: Services, table: Any) -> int:
    with svc.db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_key_event_subscribers_hear_of_key_events_and_every_post_ones_of_every_post(
    pushing: Services, service: PushService
) -> None:
    editor = make_editor(pushing)
    make_feed(pushing, editor)
    keys, everything = service.browser(), service.browser()
    subscribe(pushing, keys, "key_events")
    subscribe(pushing, everything, "every_post")

    make_post(pushing, editor, headline="Delegates arrive")
    key = make_post(pushing, editor, headline="Ceasefire agreed", key_event=True)
    assert count(pushing, push_alerts) == 3  # queued with the posts, before any sending

    assert send(pushing) == 2
    assert service.faults == []
    assert keys.received == [
        {
            "title": f"Key event: {TITLE}",
            "body": "Ceasefire agreed",
            "url": f"/feeds/summit/posts/{key.id}",
            "tag": "feed-summit",
            "lang": "en",
            "dir": "ltr",
            "unsubscribe": "/feeds/summit/alerts/unsubscribe",
            "actions": [{"action": "unsubscribe", "title": "Stop these alerts"}],
        }
    ]
    assert keys.urgencies == ["high"]
    # Two posts before the first alert went: one alert saying so, the newest headline below.
    [merged] = everything.received
    assert merged["title"] == f"2 new posts in {TITLE}"
    assert merged["body"] == "Ceasefire agreed"
    assert merged["url"] == "/feeds/summit"
    assert everything.urgencies == ["normal"]
    assert {state for state, _ in states(pushing)} == {"delivered"}
    assert send(pushing) == 0  # nothing is sent twice


def test_alerts_held_back_by_the_rate_limit_are_merged_into_one(
    pushing: Services, service: PushService, clock: Clock
) -> None:
    editor = make_editor(pushing)
    make_feed(pushing, editor)
    browser = service.browser()
    subscribe(pushing, browser, "key_events")
    make_post(pushing, editor, headline="First", key_event=True)
    assert send(pushing) == 1

    clock.advance(60)
    for headline in ("Second", "Third", "Fourth"):
        make_post(pushing, editor, headline=headline, key_event=True)
    assert send(pushing) == 0  # alerted a minute ago: these wait
    assert len(browser.received) == 1

    clock.advance(ALERT_EVERY.total_seconds() - 60)
    assert send(pushing) == 1
    assert browser.received[-1]["title"] == f"3 key events in {TITLE}"
    assert browser.received[-1]["body"] == "Fourth"
    assert [state for state, _ in states(pushing)] == ["delivered"] * 4


@pytest.mark.parametrize("status", [500, 503, 429])
def test_a_failure_the_push_service_may_get_over_is_retried_on_the_outbox_schedule(
    pushing: Services, service: PushService, clock: Clock, status: int
) -> None:
    editor = make_editor(pushing)
    make_feed(pushing, editor)
    browser = service.browser()
    browser.statuses = [status, 201]
    subscribe(pushing, browser, "every_post")
    make_post(pushing, editor)

    assert send(pushing) == 0
    assert states(pushing) == [("pending", 1)]
    clock.advance(29)
    assert send(pushing) == 0  # the first retry waits 30 seconds
    assert states(pushing) == [("pending", 1)]
    clock.advance(1)
    assert send(pushing) == 1
    assert states(pushing) == [("delivered", 2)]
    assert len(browser.received) == 2
    assert service.faults == []


def test_an_unreachable_push_service_is_retried_too(
    pushing: Services, service: PushService, clock: Clock
) -> None:
    editor = make_editor(pushing)
    make_feed(pushing, editor)
    subscribe(pushing, service.browser(), "every_post")
    make_post(pushing, editor)
    # The production rules: the push service's loopback address is refused, as if it were down.
    pushing.fetch_policy = FetchPolicy(resolve=Resolver({HOST: ["127.0.0.1"]}))

    assert send(pushing) == 0
    assert states(pushing) == [("pending", 1)]
    pushing.fetch_policy = service.policy()
    clock.advance(30)
    assert send(pushing) == 1


@pytest.mark.parametrize("status", [404, 410])
def test_a_subscription_the_push_service_says_is_gone_is_deleted(
    pushing: Services, service: PushService, status: int
) -> None:
    editor = make_editor(pushing)
    make_feed(pushing, editor)
    make_feed(pushing, editor, slug="other", title="Other")
    gone, kept = service.browser(), service.browser()
    gone.statuses = [status]
    subscribe(pushing, gone, "every_post")
    subscribe(pushing, gone, "every_post", slug="other")
    subscribe(pushing, kept, "every_post")
    make_post(pushing, editor)

    assert send(pushing) == 1
    with pushing.db.read() as conn:
        endpoints = conn.execute(select(push_subscriptions.c.endpoint)).scalars().all()
    # Every feed's row of the browser goes, with its alerts; the other browser stays.
    assert endpoints == [kept.endpoint]
    assert states(pushing) == [("delivered", 1)]


def test_a_post_taken_down_before_its_alert_went_is_not_alerted(
    pushing: Services, service: PushService
) -> None:
    editor = make_editor(pushing)
    make_feed(pushing, editor)
    browser = service.browser()
    subscribe(pushing, browser, "every_post")
    post = make_post(pushing, editor)
    publishing.delete_post(pushing, editor, "summit", post.id)

    assert send(pushing) == 0
    assert browser.received == []
    assert states(pushing) == [("dropped", 1)]


def test_two_senders_alert_a_subscription_once(pushing: Services, service: PushService) -> None:
    editor = make_editor(pushing)
    make_feed(pushing, editor)
    subscribe(pushing, service.browser(), "every_post")
    make_post(pushing, editor)
    now = pushing.clock()
    with pushing.db.read() as conn:
        [due] = alert_store.due(conn, now, ALERT_EVERY)
    with pushing.db.write() as conn:
        assert alert_store.claim(conn, due, now)
        assert not alert_store.claim(conn, due, now)
    assert send(pushing) == 0  # held by the first: another sender leaves it
    with pushing.db.write() as conn:
        assert alert_store.claim(conn, due, now + alert_store.LEASE + timedelta(seconds=1))


def test_subscribing_again_changes_the_choice_and_unsubscribing_says_what_remains(
    pushing: Services, service: PushService
) -> None:
    editor = make_editor(pushing)
    make_feed(pushing, editor)
    make_feed(pushing, editor, slug="other", title="Other")
    browser = service.browser()
    subscribe(pushing, browser, "key_events")
    subscribe(pushing, browser, "every_post")
    subscribe(pushing, browser, "key_events", slug="other")
    with pushing.db.read() as conn:
        rows = conn.execute(select(push_subscriptions.c.choice)).scalars().all()
    assert sorted(rows) == ["every_post", "key_events"]

    wrong = {"endpoint": browser.endpoint, "auth": service.browser().auth}
    with pytest.raises(NotFound):
        alerts.unsubscribe(pushing, "summit", wrong)
    mine = {"endpoint": browser.endpoint, "auth": browser.auth}
    assert alerts.unsubscribe(pushing, "summit", mine) == 1
    assert alerts.unsubscribe(pushing, "other", mine) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subscription": "x"}, "subscription"),
        ({"subscription": {"keys": {}}}, "subscription.endpoint"),
        ({"choice": "sometimes"}, "choice"),
        ({"language": "not a language"}, "language"),
        (
            {"keys": {"p256dh": "short", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}},
            "subscription.keys.p256dh",
        ),
        ({"keys": {"p256dh": None, "auth": "AAAA"}}, "subscription.keys.p256dh"),
        ({"keys": {"auth": "AAAA"}}, "subscription.keys.p256dh"),
        ({"endpoint": "http://127.0.0.1/push"}, "subscription.endpoint"),
        ({"endpoint": "file:///etc/passwd"}, "subscription.endpoint"),
    ],
)
def test_a_subscription_that_is_not_one_is_refused_naming_the_field(
    svc: Services, service: PushService, change: dict[str, Any], field: str
) -> None:
    make_feed(svc, make_editor(svc))
    browser, change = service.browser(), dict(change)
    fields: dict[str, Any] = {"subscription": browser.subscription(), "choice": "key_events"}
    for name in ("keys", "endpoint"):
        if name in change:
            fields["subscription"] = {**browser.subscription(), name: change.pop(name)}
    fields.update(change)
    with pytest.raises(Invalid) as refused:
        alerts.subscribe(svc, "summit", fields)
    assert field in refused.value.errors
    assert count(svc, push_subscriptions) == 0


def test_the_vapid_key_is_made_once_and_kept_across_restarts(
    settings: Settings, clock: Clock, service: PushService
) -> None:
    first = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        made = alerts.application_server_key(first)
        assert alerts.application_server_key(first) == made
    finally:
        first.close()
    again = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        assert alerts.application_server_key(again) == made
        # And alerts are signed with it: the push service saw that very key.
        again.fetch_policy = service.policy()
        editor = make_editor(again)
        make_feed(again, editor)
        subscribe(again, service.browser(), "every_post")
        make_post(again, editor)
        assert send(again) == 1
        assert service.signers == [made]
        assert service.faults == []
    finally:
        again.close()


def test_the_vapid_key_may_be_given_in_a_file(
    settings: Settings, clock: Clock, tmp_path: Path, service: PushService
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    (tmp_path / "vapid.pem").write_bytes(pem)
    given = Settings.from_env(
        {
            "LIVEFEED_DATABASE_URL": settings.database_url,
            "LIVEFEED_PUBLIC_URL": settings.public_url,
            "LIVEFEED_VAPID_PRIVATE_KEY_FILE": str(tmp_path / "vapid.pem"),
        },
        env_file=None,
    )
    svc = Services.build(given, clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        public = key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        assert alerts.application_server_key(svc) == b64(public)
        svc.fetch_policy = service.policy()
        editor = make_editor(svc)
        make_feed(svc, editor)
        subscribe(svc, service.browser(), "key_events")
        make_post(svc, editor, key_event=True)
        assert send(svc) == 1
        assert service.signers == [b64(public)]
        assert service.faults == []
    finally:
        svc.close()
