"""Webhooks managed: Standard Webhooks signatures checked by the stock library against a real
receiver, comment events for those who ask, pausing, test events, removal, and receivers inside
the network only when an admin listed them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook
from standardwebhooks.webhooks import WebhookVerificationError

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.distribution import webhooks
from livefeed.domain.errors import Forbidden, Invalid, NotFound
from livefeed.outside.fetch_policy import FetchPolicy
from livefeed.services import Services
from livefeed.store import webhooks as webhook_store
from tests.conftest import Clock
from tests.distribution.test_webhooks import Receiver, hooked, receiver
from tests.factories import make_admin, make_editor, make_feed, make_post, make_user
from tests.other_sites import Resolver

__all__ = ["hooked", "receiver"]  # fixtures shared with the outbox's own tests


@pytest.fixture(autouse=True)
def real_time(clock: Clock) -> None:
    """The test's clock starts now: a receiver refuses a signature more than 5 minutes off."""
    clock.now = datetime.now(UTC)


def send_now(svc: Services) -> int:
    return webhooks.deliver_due(svc, svc.clock(), webhooks.sender(webhooks.webhook_policy(svc)))


def test_a_stock_standard_webhooks_receiver_verifies_every_delivery(
    hooked: Services, receiver: Receiver
) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    make_feed(hooked, editor)
    made = webhooks.register(hooked, admin, receiver.url())
    post = make_post(hooked, editor, headline="Talks resume")
    assert send_now(hooked) == 1
    [got] = receiver.received
    verified = StandardWebhook(made.secret).verify(got.body, got.headers)
    assert verified["event"] == "post.published"
    assert verified["post_id"] == post.id
    assert got.headers["webhook-id"] == got.headers["livefeed-delivery"].join(("lfd_", ""))
    # The earlier scheme still travels beside it, for receivers not yet moved.
    assert webhooks.verify_signature(
        made.secret, got.headers["livefeed-signature"], got.body, now=datetime.now(UTC).timestamp()
    )
    # A body changed on the way, or another secret, is refused by the same library.
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(made.secret).verify(got.body.replace(b"Talks", b"Walks"), got.headers)
    other = webhooks.register(hooked, admin, receiver.url("/other"))
    with pytest.raises(WebhookVerificationError):
        StandardWebhook(other.secret).verify(got.body, got.headers)


def test_comment_events_go_to_the_webhooks_that_chose_them(
    hooked: Services, receiver: Receiver
) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    make_feed(hooked, editor)
    webhooks.register(hooked, admin, receiver.url("/posts"))
    comments_hook = webhooks.register(
        hooked, admin, receiver.url("/comments"), events=["comment.approved", "comment.removed"]
    )
    rita = make_user(hooked, "rita@readers.test", name="Rita")
    said = discussion.post_comment(
        hooked, rita, "summit", {"body": "Good news", "accept_standards": True},
        address="198.51.100.7",
    )  # fmt: skip
    moderation.approve(hooked, editor, said.id)
    moderation.hide(hooked, editor, said.id)
    make_post(hooked, editor)
    assert send_now(hooked) == 3
    by_path = {}
    for got in receiver.received:
        payload = StandardWebhook(comments_hook.secret if got.path == "/comments" else "x" * 8)
        by_path.setdefault(got.path, []).append(got)
        if got.path == "/comments":
            payload.verify(got.body, got.headers)
    assert [json.loads(g.body)["event"] for g in by_path["/comments"]] == [
        "comment.approved",
        "comment.removed",
    ]
    assert [json.loads(g.body)["event"] for g in by_path["/posts"]] == ["post.published"]
    removed = json.loads(by_path["/comments"][1].body)
    assert removed["data"]["id"] == said.id
    assert "Good news" not in by_path["/comments"][1].body.decode()


def test_a_paused_webhook_is_queued_nothing_and_what_waited_goes_on_resuming(
    hooked: Services, receiver: Receiver
) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    make_feed(hooked, editor)
    made = webhooks.register(hooked, admin, receiver.url())
    make_post(hooked, editor, headline="Queued before the pause")
    paused = webhooks.set_paused(hooked, admin, made.webhook.id, True)
    assert paused.disabled
    make_post(hooked, editor, headline="Published while paused")
    assert send_now(hooked) == 0
    assert receiver.received == []
    webhooks.set_paused(hooked, admin, made.webhook.id, False)
    assert send_now(hooked) == 1
    assert b"Queued before the pause" in receiver.received[0].body


def test_a_test_event_is_sent_signed_and_logged(hooked: Services, receiver: Receiver) -> None:
    admin = make_admin(hooked)
    made = webhooks.register(hooked, admin, receiver.url())
    webhooks.send_test(hooked, admin, made.webhook.id)
    webhooks.send_test(hooked, admin, made.webhook.id)
    assert send_now(hooked) == 2
    for got in receiver.received:
        assert StandardWebhook(made.secret).verify(got.body, got.headers)["event"] == "webhook.test"
    log = webhooks.deliveries(hooked, admin, made.webhook.id)
    assert [(d.event_type, d.state, d.seq) for d in log] == [
        ("webhook.test", "delivered", -2),
        ("webhook.test", "delivered", -1),
    ]


def test_removing_a_webhook_takes_its_log_and_stops_its_deliveries(
    hooked: Services, receiver: Receiver
) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    make_feed(hooked, editor)
    made = webhooks.register(hooked, admin, receiver.url())
    make_post(hooked, editor)
    webhooks.remove(hooked, admin, made.webhook.id)
    assert send_now(hooked) == 0
    assert webhooks.list_webhooks(hooked, admin) == []
    with pytest.raises(NotFound):
        webhooks.deliveries(hooked, admin, made.webhook.id)


def test_only_admins_manage_webhooks(hooked: Services, receiver: Receiver) -> None:
    admin, editor = make_admin(hooked), make_editor(hooked)
    made = webhooks.register(hooked, admin, receiver.url())
    for attempt in (
        lambda: webhooks.list_webhooks(hooked, editor),
        lambda: webhooks.remove(hooked, editor, made.webhook.id),
        lambda: webhooks.set_paused(hooked, editor, made.webhook.id, True),
        lambda: webhooks.send_test(hooked, editor, made.webhook.id),
    ):
        with pytest.raises(Forbidden):
            attempt()
    assert [row.webhook.disabled for row in webhooks.list_webhooks(hooked, admin)] == [False]


def test_a_receiver_inside_the_network_needs_the_admins_listing(
    svc: Services, receiver: Receiver
) -> None:
    """The production checks throughout; only the name is resolved by the test."""
    admin = make_admin(svc)
    svc.fetch_policy = FetchPolicy(resolve=Resolver({"hooks.internal": ["127.0.0.1"]}))
    with pytest.raises(Invalid, match="inside our network"):
        webhooks.register(svc, admin, "http://127.0.0.1/hook")
    # A name is not looked up at registration: the delivery is what finds where it leads.
    named = webhooks.register(svc, admin, "http://hooks.internal/hook")
    webhooks.send_test(svc, admin, named.webhook.id)
    send_now(svc)
    [refused] = webhooks.deliveries(svc, admin, named.webhook.id)
    assert refused.state == "pending"
    assert "inside our network" in refused.last_error

    # Listed by block: the address, on any port.
    svc.settings = svc.settings.replace(webhook_allow=("127.0.0.0/8",))
    numbered = webhooks.register(svc, admin, f"http://127.0.0.1:{receiver.port}/by-number")
    webhooks.send_test(svc, admin, numbered.webhook.id)
    # Listed by name: whatever it resolves to.
    svc.settings = svc.settings.replace(webhook_allow=("hooks.internal",))
    by_name = webhooks.register(svc, admin, f"http://hooks.internal:{receiver.port}/by-name")
    webhooks.send_test(svc, admin, by_name.webhook.id)
    send_now(svc)
    assert [got.path for got in receiver.received] == ["/by-name"]
    svc.settings = svc.settings.replace(webhook_allow=("127.0.0.0/8",))
    send_now(svc)  # the numbered one was refused while only the name was listed; not for long
    assert [got.path for got in receiver.received] == ["/by-name"]
    secrets = {"/by-name": by_name.secret, "/by-number": numbered.secret}
    for got in receiver.received:
        StandardWebhook(secrets[got.path]).verify(got.body, got.headers)


def test_unknown_event_types_are_refused_naming_the_field(svc: Services) -> None:
    admin = make_admin(svc)
    with pytest.raises(Invalid) as caught:
        webhooks.register(svc, admin, "https://93.184.216.34/in", events=["post.liked"])
    assert list(caught.value.errors) == ["events"]
    with svc.db.read() as conn:
        assert webhook_store.all_webhooks(conn) == []
