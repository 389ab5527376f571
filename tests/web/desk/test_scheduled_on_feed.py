"""Scheduling from the feed page: the editor stays on the feed, and the feed's team sees its
scheduled posts there; readers, signed in or not, never do."""

from __future__ import annotations

from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from livefeed.domain.posts import PostState
from livefeed.domain.users import User
from livefeed.newsroom import workflow
from livefeed.newsroom.workflow import When
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_contributor, make_feed, make_user
from tests.web.conftest import XSS, Page, log_in, submit

WORDS = {"headline": "Delegates walk out", "body": "Three delegations left the hall."}


@pytest.fixture
def feed_in_paris(svc: Services, editor: User) -> None:
    make_feed(svc, editor, timezone="Europe/Paris")


def schedule(svc: Services, editor: User, clock: Clock, headline: str) -> int:
    post = workflow.start_post(
        svc, editor, "summit", WORDS | {"headline": headline}, state=PostState.SCHEDULED,
        publish_at=When((clock.now + timedelta(minutes=30)).isoformat()),
    )  # fmt: skip
    return post.id


def scheduled_list(html: str) -> list[dict[str, str]]:
    """The links of the feed page's list of scheduled posts (none if it is not there)."""
    return [a for a in Page(html).tags("a") if "data-scheduled" in a]


def test_scheduling_from_the_feed_page_comes_back_to_the_feed(
    desk: TestClient, svc: Services, editor: User, feed_in_paris: None
) -> None:
    scheduled = submit(
        desk,
        "/feeds/summit/posts",
        WORDS | {"intent": "schedule", "publish_at": "2026-11-25T19:30"},
    )
    assert scheduled.status_code == 303
    [post] = workflow.queue(svc, editor, "summit").scheduled
    assert scheduled.headers["location"] == f"/feeds/summit#scheduled-post-{post.id}"
    page = desk.get(scheduled.headers["location"])
    assert page.headers["cache-control"] == "private, no-store"
    assert f'id="scheduled-post-{post.id}"' in page.text
    assert "19:30" in page.text


def test_the_feeds_team_sees_its_scheduled_posts_on_the_feed_page(
    client: TestClient, svc: Services, editor: User, feed_in_paris: None, clock: Clock
) -> None:
    editors_own = schedule(svc, editor, clock, "Vote at dawn")
    carl = make_contributor(svc)
    submitted = workflow.start_post(
        svc, carl, "summit", WORDS | {"headline": "Carl's report"}, state=PostState.SUBMITTED
    )
    in_an_hour = When((clock.now + timedelta(hours=1)).isoformat())
    workflow.update_post(
        svc, editor, "summit", submitted.id, state=PostState.SCHEDULED, publish_at=in_an_hour
    )
    # Each sees what the reading rule lets them read: the editors all, a contributor their own.
    for member, expected in ((editor, [editors_own, submitted.id]), (carl, [submitted.id])):
        client.cookies.clear()
        assert log_in(client, member.email).status_code == 303
        page = client.get("/feeds/summit")
        assert page.headers["cache-control"] == "private, no-store"
        links = [link["href"] for link in scheduled_list(page.text)]
        assert links == [f"/desk/feeds/summit/posts/{post_id}" for post_id in expected]
        assert '<time datetime="2026-11-25T19:00:00Z">20:00 CET</time> Carl' in page.text


def test_readers_never_see_the_scheduled_posts(
    client: TestClient, svc: Services, editor: User, feed_in_paris: None, clock: Clock
) -> None:
    schedule(svc, editor, clock, "Vote at dawn")
    # The editor's page first, so a cache that kept it would hand it on.
    assert log_in(client, editor.email).status_code == 303
    assert scheduled_list(client.get("/feeds/summit").text)
    client.cookies.clear()
    for _ in range(2):  # the second answer comes from the page cache
        anonymous = client.get("/feeds/summit")
        assert anonymous.status_code == 200
        assert scheduled_list(anonymous.text) == []
        assert "Vote at dawn" not in anonymous.text
    rita = make_user(svc, "rita@newsroom.test", name="Rita Reader")
    assert log_in(client, rita.email).status_code == 303
    signed_in = client.get("/feeds/summit")
    assert signed_in.status_code == 200
    assert scheduled_list(signed_in.text) == []
    assert "Vote at dawn" not in signed_in.text


def test_the_listed_headline_is_escaped(
    desk: TestClient, svc: Services, editor: User, feed_in_paris: None, clock: Clock
) -> None:
    schedule(svc, editor, clock, XSS[0])
    page = desk.get("/feeds/summit")
    assert scheduled_list(page.text)
    assert XSS[0] not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
