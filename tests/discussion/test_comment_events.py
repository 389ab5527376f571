"""Comment events in the feed's log: on a real stream, in the polling fallback, in replays,
and kept out of webhooks that did not ask for them."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
from sqlalchemy import func, select

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.domain.comments import Comment, RejectReason
from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import webhooks as webhook_store
from livefeed.store.webhook_schema import webhook_deliveries
from tests.factories import make_post, make_user
from tests.realtime import test_stream

# The real server (as ``livefeed serve`` runs it, and plain ASGI), a stream reader written from
# the spec, and an editor with the feed "summit": the stream's own tests' fixtures.
server = test_stream.server
open_stream = test_stream.open_stream
editor = test_stream.editor

ADDRESS = "198.51.100.7"


def say(svc: Services, who: User, body: str, **fields: Any) -> Comment:
    return discussion.post_comment(
        svc, who, "summit", {"body": body, "accept_standards": True, **fields}, address=ADDRESS
    )


def test_an_approved_comment_reaches_an_open_stream_with_its_html_and_a_removal_follows(
    svc: Services, editor: User, open_stream: Any
) -> None:
    stream = open_stream()
    rita = make_user(svc, "rita@readers.test", name="Rita <i>R</i>")
    pending = say(svc, rita, "Look: <b>bold</b>\nhttps://example.org/x")
    approved = moderation.approve(svc, editor, pending.id)
    # Read before the hide: a frame is made from the log when it is read, and the hide blanks
    # the approval's words (see the replay test below).
    [first] = stream.wait_for(1)
    moderation.hide(svc, editor, approved.id)
    second = stream.wait_for(2)[1]
    assert first.event == "comment.approved"
    payload = first.json
    assert payload["data"]["id"] == approved.id
    assert payload["data"]["author"] == {"name": "Rita <i>R</i>", "guest": False}
    assert "body" not in payload["data"]
    html = payload["html"]
    assert f'id="comment-{approved.id}"' in html
    assert "Look: &lt;b&gt;bold&lt;/b&gt;<br>" in html
    assert "Rita &lt;i&gt;R&lt;/i&gt;" in html
    assert '<a rel="nofollow ugc noopener" href="https://example.org/x">' in html
    # A live fragment is the same for every reader: no one's forms or tokens in it.
    assert "<form" not in html
    assert "csrf" not in html
    assert second.event == "comment.removed"
    assert second.json["data"] == {"id": approved.id, "parent_id": None}
    assert int(second.id or 0) == int(first.id or 0) + 1


def test_polling_and_replays_carry_comment_events_but_not_words_taken_down(
    svc: Services, editor: User, server: str
) -> None:
    rita = make_user(svc, "rita@readers.test", name="Rita")
    post = make_post(svc, editor, headline="Talks resume")
    kept = moderation.approve(svc, editor, say(svc, rita, "Good news").id)
    gone = moderation.approve(svc, editor, say(svc, rita, "My number is 555 0100").id)
    # Approved, it was decided: a moderator hides it, then rejects it (nothing more to tell).
    moderation.hide(svc, editor, gone.id)
    moderation.reject(svc, editor, gone.id, RejectReason.PERSONAL_DATA)
    body = httpx.get(f"{server}/feeds/summit/updates?since=0").json()
    kinds = [(event["type"], event["data"].get("id")) for event in body["events"]]
    assert kinds == [
        ("post.published", post.id),
        ("comment.approved", kept.id),
        ("comment.approved", gone.id),
        ("comment.removed", gone.id),
    ]
    shown = {event["data"]["id"]: event["html"] for event in body["events"][1:3]}
    assert "Good news" in shown[kept.id]
    assert shown[gone.id] is None
    assert "555" not in httpx.get(f"{server}/feeds/summit/updates?since=0").text


def test_comment_events_are_not_sent_to_webhooks_that_did_not_ask(
    svc: Services, editor: User
) -> None:
    """Webhooks carry the newsroom's own posts unless an admin chose comment events; readers'
    words otherwise stay on the site (they may be taken down later, a receiver would keep them)."""
    with svc.db.write() as conn:
        webhook_store.insert_webhook(
            conn, feed_id=None, url="https://hooks.example.org/in", secret="s", now=svc.clock()
        )
    feed = discussion.discussion_page(svc, "summit").feed
    publishing.update_feed(svc, editor, "summit", feed.as_input() | {"moderation": "post"})
    rita = make_user(svc, "rita@readers.test", name="Rita")
    shown = say(svc, rita, "Shown at once")
    moderation.hide(svc, editor, shown.id)
    make_post(svc, editor)
    with svc.db.read() as conn:
        kinds = conn.execute(select(webhook_deliveries.c.event_type)).scalars().all()
        assert conn.execute(select(func.count()).select_from(webhook_deliveries)).scalar_one() == 1
    assert kinds == ["post.published"]
