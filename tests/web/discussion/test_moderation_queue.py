"""The moderation queue's pages, in process: who may see it and which feeds each persona sees
there, the desk's link to it, the poll of the page's script, and hostile text shown as text."""

from __future__ import annotations

import re
from html import unescape

import pytest
from starlette.testclient import TestClient

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.domain.access import FeedRole
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import join, make_admin, make_user
from tests.web.conftest import XSS, Page, csrf_of
from tests.web.discussion.moderation_pages import ADDRESS, as_user, queue_ids, say

# Who sees the queue ------------------------------------------------------------------------------


def test_the_queue_asks_strangers_to_log_in(client: TestClient) -> None:
    response = client.get("/moderation")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/moderation"


def test_readers_and_contributors_are_refused(
    svc: Services, client: TestClient, feeds: None, rita: User
) -> None:
    carl = make_user(svc, "carl@newsroom.test", name="Carl Contributor")
    join(svc, carl, "summit", FeedRole.CONTRIBUTOR)
    for who in (rita, carl):
        response = as_user(client, who).get("/moderation")
        assert response.status_code == 403
        assert "Only the moderators and editors of a feed can see" in response.text


def test_a_moderator_sees_their_feeds_pending_comments_oldest_first(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    first = say(svc, clock, rita, "First on the summit")
    say(svc, clock, rita, "On the storm", slug="storm")
    second = say(svc, clock, rita, "Second on the summit")
    response = as_user(client, mo).get("/moderation")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, no-store"
    assert queue_ids(response.text) == [first.id, second.id]
    assert "On the storm" not in response.text
    assert "rita@readers.test" not in response.text
    assert "Rita Reader" in response.text
    page = Page(response.text)
    assert [a["href"] for a in page.tags("a") if a.get("aria-current") == "page"] == ["/moderation"]
    # The feed's own address leads to the same queue, for that feed.
    assert client.get("/feeds/summit/moderation").headers["location"] == "/moderation?feed=summit"
    assert as_user(client, mo).get("/moderation?feed=storm").status_code == 403


def test_an_admin_sees_every_feed_and_the_readers_addresses(
    svc: Services, clock: Clock, client: TestClient, feeds: None, rita: User
) -> None:
    say(svc, clock, rita, "On the storm", slug="storm")
    response = as_user(client, make_admin(svc)).get("/moderation")
    assert "On the storm" in response.text
    assert "&lt;rita@readers.test&gt;" in response.text
    assert 'href="/desk/blocked-words"' in response.text


def test_the_editor_sees_both_feeds_and_may_choose_one(
    svc: Services, clock: Clock, desk: TestClient, feeds: None, rita: User
) -> None:
    say(svc, clock, rita, "Summit words")
    storm = say(svc, clock, rita, "Storm words", slug="storm")
    assert len(queue_ids(desk.get("/moderation").text)) == 2
    assert queue_ids(desk.get("/moderation?feed=storm").text) == [storm.id]
    assert desk.get("/moderation?tab=nonsense").status_code == 422


def test_the_desk_leads_to_the_queue_those_who_moderate(
    svc: Services, client: TestClient, mo: User
) -> None:
    assert 'href="/moderation"' in as_user(client, mo).get("/desk").text
    carl = make_user(svc, "carl@newsroom.test", name="Carl Contributor")
    join(svc, carl, "summit", FeedRole.CONTRIBUTOR)
    assert 'href="/moderation"' not in as_user(client, carl).get("/desk").text
    admin_desk = as_user(client, make_admin(svc)).get("/desk").text
    assert 'href="/desk/blocked-words"' in admin_desk


# The poll ----------------------------------------------------------------------------------------


def test_the_poll_answers_304_until_the_queue_changes(
    svc: Services, clock: Clock, client: TestClient, mo: User, rita: User
) -> None:
    first = say(svc, clock, rita, "One")
    as_user(client, mo)
    answer = client.get("/moderation/queue.json?feed=&tab=pending")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "private, no-cache"
    etag = answer.headers["etag"]
    body = answer.json()
    assert body["ids"] == [first.id]
    assert body["counts"] == {"pending": 1, "reported": 0, "decided": 0}
    assert f'data-comment-id="{first.id}"' in body["html"]
    assert csrf_of(body["html"])
    again = client.get("/moderation/queue.json?feed=&tab=pending", headers={"If-None-Match": etag})
    assert again.status_code == 304
    second = say(svc, clock, rita, "Two")
    changed = client.get("/moderation/queue.json?tab=pending", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["ids"] == [first.id, second.id]
    moderation.approve(svc, mo, first.id)
    decided = client.get(
        "/moderation/queue.json?tab=pending", headers={"If-None-Match": changed.headers["etag"]}
    )
    assert decided.json()["ids"] == [second.id]


def test_the_poll_is_for_moderators_only(
    svc: Services, clock: Clock, client: TestClient, feeds: None, rita: User
) -> None:
    assert client.get("/moderation/queue.json").status_code == 303
    assert as_user(client, rita).get("/moderation/queue.json").status_code == 403


# Hostile text ------------------------------------------------------------------------------------


def assert_only_text(html: str, payload: str) -> None:
    """The payload is on the page as text, and added no element, attribute or script."""
    if any(ch in payload for ch in "<>\"'&"):
        assert payload not in html
    assert payload in unescape(html)
    page = Page(html)
    assert not {"img", "svg", "iframe"} & page.names()
    scripts = re.findall(r"<script[^>]*>", html, re.I)
    # Ours only: deferred, but theme.js, which must run before the page is drawn.
    assert all(
        re.fullmatch(r'<script src="/static/[a-z-]+\.[0-9a-f]{10}\.js" defer>', s)
        or re.fullmatch(r'<script src="/static/theme\.[0-9a-f]{10}\.js">', s)
        for s in scripts
    )
    for _, attrs in page.elements:
        assert not any(name.startswith("on") for name in attrs)
        assert not attrs.get("href", "").lower().startswith("javascript:")


@pytest.mark.parametrize("payload", XSS)
def test_hostile_comments_names_and_notes_are_text_on_the_queue(
    svc: Services, clock: Clock, client: TestClient, editor: User, mo: User, payload: str
) -> None:
    feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"moderation": "post"})
    author = make_user(svc, "x@readers.test", name=payload[:50])
    shown = say(svc, clock, author, f"Look: {payload}")
    reporter = make_user(svc, "r@readers.test", name="Reporter")
    discussion.report_comment(
        svc, reporter, shown.id, {"reason": "abuse", "note": payload}, address=ADDRESS
    )
    as_user(client, mo)
    reported = client.get("/moderation?tab=reported").text
    assert queue_ids(reported) == [shown.id]
    for text in (payload[:50], f"Look: {payload}", payload):
        assert_only_text(reported, text)
    moderation.approve(svc, mo, shown.id)
    decided = client.get("/moderation?tab=decided").text
    assert_only_text(decided, f"Look: {payload}")
    assert_only_text(client.get("/moderation/queue.json?tab=decided").json()["html"], payload[:50])
