"""What the moderation desk's tests share: comments written a few minutes apart, a client
signed in as anyone, and the queue's comments in the order its page shows them."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from livefeed.discussion import comments as discussion
from livefeed.domain.comments import Comment
from livefeed.domain.users import User
from livefeed.services import Services
from tests.conftest import Clock
from tests.web.conftest import log_in

ADDRESS = "198.51.100.7"


def say(svc: Services, clock: Clock, who: User | None, body: str, slug: str = "summit") -> Comment:
    clock.advance(180)
    fields: dict[str, Any] = {"body": body, "accept_standards": "on"}
    return discussion.post_comment(svc, who, slug, fields, address=ADDRESS)


def as_user(client: TestClient, user: User) -> TestClient:
    client.cookies.clear()
    response = log_in(client, user.email)
    assert response.status_code == 303, response.text
    return client


def queue_ids(html: str) -> list[int]:
    return [
        int(found)
        for found in re.findall(r'<li class="moderation-item[^"]*" data-comment-id="(\d+)"', html)
    ]
