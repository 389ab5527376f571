"""The admins' webhooks page: add one (its secret shown once), send a test event to a real
receiver, see the delivery, pause, resume and remove; refused to everyone else."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook as StandardWebhook
from starlette.testclient import TestClient

from livefeed.distribution import webhooks
from livefeed.domain.users import User
from livefeed.services import Services
from tests.conftest import Clock
from tests.distribution.test_webhooks import Receiver, policy_for, receiver
from tests.factories import make_admin
from tests.web.conftest import Page, log_in, submit

__all__ = ["receiver"]


def test_an_admin_runs_webhooks_from_the_desk(
    client: TestClient, svc: Services, receiver: Receiver, clock: Clock
) -> None:
    clock.now = datetime.now(UTC)  # the receiver checks the signature's time against its own
    svc.fetch_policy = policy_for(receiver)
    ada = make_admin(svc)
    log_in(client, ada.email)
    assert "No webhooks yet." in client.get("/desk/webhooks").text

    added = submit(
        client, "/desk/webhooks", {"url": receiver.url(), "feed": "", "events": "post.published"}
    )
    assert added.status_code == 201
    shown = re.search(r'value="(whsec_[^"]+)" aria-label="Signing secret"', added.text)
    assert shown is not None
    secret = shown.group(1)
    assert "Webhook 1: " in added.text
    assert secret not in client.get("/desk/webhooks").text  # shown that once

    tested = submit(client, "/desk/webhooks/1/test", {})
    assert tested.status_code == 303
    assert tested.headers["location"] == "/desk/webhooks?done=test"
    send = webhooks.sender(webhooks.webhook_policy(svc))
    assert webhooks.deliver_due(svc, svc.clock(), send) == 1
    [got] = receiver.received
    assert StandardWebhook(secret).verify(got.body, got.headers)["event"] == "webhook.test"
    page = client.get("/desk/webhooks?done=test").text
    assert "A test event is queued" in page
    assert "webhook.test" in page
    assert "delivered" in page

    submit(client, "/desk/webhooks/1/pause", {})
    assert "Paused" in client.get("/desk/webhooks").text
    submit(client, "/desk/webhooks/1/resume", {})
    assert "Active" in client.get("/desk/webhooks").text
    removed = submit(client, "/desk/webhooks/1/remove", {})
    assert removed.headers["location"] == "/desk/webhooks?done=removed"
    assert "No webhooks yet." in client.get("/desk/webhooks").text
    assert submit(client, "/desk/webhooks/1/pause", {}).status_code == 404


def test_a_bad_address_re_renders_the_form_with_what_was_typed(
    client: TestClient, svc: Services
) -> None:
    ada = make_admin(svc)
    log_in(client, ada.email)
    response = submit(
        client,
        "/desk/webhooks",
        {"url": "http://127.0.0.1/hook", "feed": "", "events": "comment.removed"},
    )
    assert response.status_code == 422
    page = Page(response.text)
    assert page.values["url"] == "http://127.0.0.1/hook"
    assert "comment.removed" in response.text
    assert "inside our network" in response.text
    assert 'value="comment.removed" checked' in response.text


def test_only_admins_see_the_page(desk: TestClient, editor: User) -> None:
    assert desk.get("/desk/webhooks").status_code == 403
