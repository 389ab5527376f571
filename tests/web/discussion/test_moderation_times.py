"""The moderation queue shows each comment's times in its own feed's zone, on the page and in
the HTML its script swaps in after each poll."""

from __future__ import annotations

import re
from typing import Any

from starlette.testclient import TestClient

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.domain.comments import Comment, Reason
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_user
from tests.web.conftest import log_in

ADDRESS = "198.51.100.7"


def say(svc: Services, clock: Clock, who: User, slug: str, body: str) -> Comment:
    clock.advance(180)
    fields: dict[str, Any] = {"body": body, "accept_standards": "on"}
    return discussion.post_comment(svc, who, slug, fields, address=ADDRESS)


def times(html: str) -> list[str]:
    return re.findall(r"<time datetime=\"[^\"]+\">([^<]+)</time>", html)


def test_each_comment_shows_its_own_feeds_time_on_the_page_and_in_the_poll(
    client: TestClient, svc: Services, clock: Clock, editor: User
) -> None:
    make_feed(svc, editor)  # Europe/London
    make_feed(svc, editor, slug="storm", title="Storm", timezone="America/New_York")
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    say(svc, clock, rita, "summit", "In Geneva")  # 18:03 UTC
    say(svc, clock, rita, "storm", "On the coast")  # 18:06 UTC
    log_in(client, editor.email)

    page = client.get("/moderation").text
    polled = client.get("/moderation/queue.json?tab=pending").json()["html"]

    expected = ["18:03 GMT, 25 November 2026", "13:06 EST, 25 November 2026"]
    assert times(page) == expected
    assert times(polled) == expected
    assert " UTC" not in page


def test_a_decision_is_dated_in_the_feeds_zone_too(
    client: TestClient, svc: Services, clock: Clock, editor: User
) -> None:
    make_feed(svc, editor, slug="storm", title="Storm", timezone="Asia/Tokyo")
    rita = make_user(svc, "rita@readers.test", name="Rita Reader")
    comment = say(svc, clock, rita, "storm", "Late at night")  # 18:03 UTC
    clock.advance(120)
    moderation.reject(svc, editor, comment.id, Reason.OFF_TOPIC)  # 18:05 UTC
    log_in(client, editor.email)

    polled = client.get("/moderation/queue.json?tab=decided").json()["html"]

    assert times(polled) == ["03:03 JST, 26 November 2026", "03:05 JST, 26 November 2026"]
    assert "Rejected (Off topic) by Anna Editor, <time" in polled


def test_the_poll_brings_new_times_when_the_feed_changes_its_zone(
    client: TestClient, svc: Services, clock: Clock, editor: User
) -> None:
    feed = make_feed(svc, editor, slug="storm", title="Storm", timezone="America/New_York")
    say(svc, clock, make_user(svc, "rita@readers.test", name="Rita"), "storm", "Hello")
    log_in(client, editor.email)
    first = client.get("/moderation/queue.json?tab=pending")

    publishing.update_feed(svc, editor, "storm", feed.as_input() | {"timezone": "Asia/Tokyo"})
    again = client.get(
        "/moderation/queue.json?tab=pending", headers={"If-None-Match": first.headers["etag"]}
    )

    assert again.status_code == 200
    assert times(again.json()["html"]) == ["03:03 JST, 26 November 2026"]
