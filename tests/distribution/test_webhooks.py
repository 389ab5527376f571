"""Webhooks: an outbox written with the event, signed POSTs, retries, and exactly-once sending."""

from __future__ import annotations

import ipaddress
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from livefeed.distribution import webhooks
from livefeed.domain.errors import Forbidden, Invalid
from livefeed.domain.events import EventType
from livefeed.domain.feeds import FeedStatus
from livefeed.newsroom import publishing
from livefeed.outside.fetch_policy import FetchPolicy
from livefeed.services import Services
from livefeed.settings import Settings
from livefeed.store import events as event_log
from livefeed.store import webhooks as webhook_store
from livefeed.store.webhook_schema import webhook_deliveries
from tests.conftest import Clock
from tests.factories import CHEAP_PASSWORDS, make_admin, make_editor, make_feed, make_post
from tests.other_sites import Resolver

LOOPBACK = ipaddress.IPv4Address("127.0.0.1")


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """A webhook receiver on loopback: answers each POST with the next status it was given."""

    statuses: list[int] = field(default_factory=list)
    default: int = 200
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def url(self, path: str = "/hook") -> str:
        return f"http://hooks.test:{self.port}{path}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with state.lock:
                state.received.append(
                    Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = state.statuses.pop(0) if state.statuses else state.default
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.port = server.server_address[1]
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
    )
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def policy_for(receiver: Receiver) -> FetchPolicy:
    """The production checks, widened only to reach the test's receiver on loopback."""
    return FetchPolicy(
        admits=lambda address: address == LOOPBACK,
        resolve=Resolver({"hooks.test": ["127.0.0.1"]}),
        ports=frozenset({80, 443, receiver.port}),
    )


@pytest.fixture
def hooked(svc: Services, receiver: Receiver) -> Services:
    svc.fetch_policy = policy_for(receiver)
    return svc


def all_deliveries(svc: Services) -> list[webhook_store.Delivery]:
    with svc.db.read() as conn:
        rows = conn.execute(select(webhook_deliveries.c.webhook_id)).scalars().all()
        return [d for webhook_id in set(rows) for d in webhook_store.for_webhook(conn, webhook_id)]


def test_events_are_enqueued_for_the_feeds_and_the_sites_webhooks(
    hooked: Services, receiver: Receiver
) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    make_feed(hooked, editor)
    make_feed(hooked, editor, slug="other", title="Other")
    site = webhooks.register(hooked, admin, receiver.url("/site"))
    summit = webhooks.register(hooked, admin, receiver.url("/summit"), feed_slug="summit")
    other = webhooks.register(hooked, admin, receiver.url("/other"), feed_slug="other")
    post = make_post(hooked, editor)
    edited = {"headline": "Edited", "body": "Edited."}
    publishing.edit_post(hooked, editor, "summit", post.id, edited, seen_version=None)
    publishing.delete_post(hooked, editor, "summit", post.id)
    publishing.set_feed_status(hooked, editor, "summit", FeedStatus.ENDED)

    kinds = ["post.published", "post.updated", "post.deleted", "feed.ended"]
    for registered in (site, summit):
        log = webhooks.deliveries(hooked, admin, registered.webhook.id)
        assert sorted(d.event_type for d in log) == sorted(kinds)
        assert {d.state for d in log} == {"pending"}
    assert webhooks.deliveries(hooked, admin, other.webhook.id) == []


def test_a_transaction_that_fails_enqueues_nothing(hooked: Services, receiver: Receiver) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    feed = make_feed(hooked, editor)
    webhooks.register(hooked, admin, receiver.url())

    def log_then_fail() -> None:
        with hooked.db.write() as conn:
            seq = event_log.next_seq(conn, feed.id)
            event = event_log.append(
                conn,
                feed_id=feed.id,
                seq=seq,
                type=EventType.POST_PUBLISHED,
                post_id=None,
                data={},
                now=hooked.clock(),
            )
            assert webhook_store.enqueue(conn, event) == 1
            raise RuntimeError("the transaction fails after the event was logged")

    with pytest.raises(RuntimeError):
        log_then_fail()
    assert all_deliveries(hooked) == []


def test_the_signature_verifies_and_refuses_tampering_and_old_timestamps() -> None:
    body = b'{"event":"post.published"}'
    header = webhooks.sign("whsec_x", 1_000_000, body)
    assert webhooks.verify_signature("whsec_x", header, body, now=1_000_010)
    assert not webhooks.verify_signature("whsec_x", header, body + b" ", now=1_000_010)
    assert not webhooks.verify_signature("whsec_y", header, body, now=1_000_010)
    assert not webhooks.verify_signature("whsec_x", header, body, now=1_000_000 + 301)
    forged = header.replace("t=1000000", "t=1000300")
    assert not webhooks.verify_signature("whsec_x", forged, body, now=1_000_300)
    assert not webhooks.verify_signature("whsec_x", "garbage", body, now=1_000_000)


def test_a_failed_delivery_is_retried_with_backoff_until_it_succeeds(
    hooked: Services, receiver: Receiver, clock: Clock
) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    make_feed(hooked, editor)
    registered = webhooks.register(hooked, admin, receiver.url())
    make_post(hooked, editor)
    send = webhooks.sender(hooked.fetch_policy)
    receiver.statuses = [500, 503, 200]

    assert webhooks.deliver_due(hooked, clock(), send) == 1
    [delivery] = webhooks.deliveries(hooked, admin, registered.webhook.id)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert delivery.next_attempt_at == clock() + timedelta(seconds=30)
    clock.advance(29)
    assert webhooks.deliver_due(hooked, clock(), send) == 0
    clock.advance(1)
    assert webhooks.deliver_due(hooked, clock(), send) == 1
    [delivery] = webhooks.deliveries(hooked, admin, registered.webhook.id)
    assert delivery.next_attempt_at == clock() + timedelta(seconds=60)
    clock.advance(60)
    assert webhooks.deliver_due(hooked, clock(), send) == 1
    [delivery] = webhooks.deliveries(hooked, admin, registered.webhook.id)
    assert (delivery.state, delivery.attempts, delivery.delivered_at) == ("delivered", 3, clock())
    assert webhooks.deliver_due(hooked, clock.advance(3600), send) == 0

    assert len(receiver.received) == 3
    last = receiver.received[-1]
    assert last.path == "/hook"
    assert last.headers["livefeed-event"] == "post.published"
    assert last.headers["livefeed-delivery"] == str(delivery.id)
    assert last.headers["content-type"] == "application/json"
    assert webhooks.verify_signature(
        registered.secret, last.headers["livefeed-signature"], last.body, clock().timestamp() - 3600
    )
    payload = json.loads(last.body)
    assert payload["event"] == "post.published"
    assert payload["data"]["body"]


def test_a_delivery_that_keeps_failing_is_given_up_a_day_later(
    hooked: Services, receiver: Receiver, clock: Clock
) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    make_feed(hooked, editor)
    registered = webhooks.register(hooked, admin, receiver.url())
    make_post(hooked, editor)
    created = clock()
    send = webhooks.sender(hooked.fetch_policy)
    receiver.default = 500
    waits = []
    while True:
        webhooks.deliver_due(hooked, clock(), send)
        [delivery] = webhooks.deliveries(hooked, admin, registered.webhook.id)
        if delivery.state != "pending":
            break
        waits.append((delivery.next_attempt_at - clock()).total_seconds())
        clock.now = delivery.next_attempt_at
    assert delivery.state == "failed"
    assert clock() == created + timedelta(days=1)
    assert waits[:4] == [30, 60, 120, 240]
    assert max(waits) == 3600
    assert len(receiver.received) == delivery.attempts == len(waits) + 1


def test_two_senders_at_once_send_each_delivery_exactly_once(
    hooked: Services, receiver: Receiver, clock: Clock
) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    make_feed(hooked, editor)
    webhooks.register(hooked, admin, receiver.url())
    for n in range(8):
        make_post(hooked, editor, body=f"Update {n}.")
    send = webhooks.sender(hooked.fetch_policy)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            webhooks.deliver_due(hooked, clock(), send)
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ids = [seen.headers["livefeed-delivery"] for seen in receiver.received]
    assert len(ids) == 8
    assert len(set(ids)) == 8
    assert {d.state for d in all_deliveries(hooked)} == {"delivered"}


def test_a_restart_delivers_what_was_pending(
    settings: Settings, clock: Clock, receiver: Receiver
) -> None:
    first = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    first.fetch_policy = policy_for(receiver)
    admin, editor = make_admin(first), make_editor(first)
    make_feed(first, editor)
    webhooks.register(first, admin, receiver.url())
    make_post(first, editor)
    first.close()

    second = Services.build(settings, clock=clock, passwords=CHEAP_PASSWORDS)
    try:
        send = webhooks.sender(policy_for(receiver))
        assert webhooks.deliver_due(second, clock(), send) == 1
        assert webhooks.deliver_due(second, clock.advance(3600), send) == 0
    finally:
        second.close()
    assert len(receiver.received) == 1


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1/hook", "http://localhost/hook", "ftp://example.org/", "http://[::1]/"],
)
def test_an_address_inside_is_refused_at_registration(svc: Services, url: str) -> None:
    admin = make_admin(svc)
    assert svc.fetch_policy == FetchPolicy()
    with pytest.raises(Invalid):
        webhooks.register(svc, admin, url)


def test_only_admins_manage_webhooks(hooked: Services, receiver: Receiver) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    with pytest.raises(Forbidden):
        webhooks.register(hooked, editor, receiver.url())
    with pytest.raises(Forbidden):
        webhooks.register(hooked, None, receiver.url())
    registered = webhooks.register(hooked, admin, receiver.url())
    with pytest.raises(Forbidden):
        webhooks.deliveries(hooked, editor, registered.webhook.id)
