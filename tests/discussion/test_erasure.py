"""What is erased stays erased everywhere: a comment taken down and a deleted account's name
leave the event log and the hub's recent frames, so no replay served from memory brings them
back to a reader."""

from __future__ import annotations

from typing import Any

import httpx2 as httpx
from sqlalchemy import select

from livefeed.discussion import comments as discussion
from livefeed.discussion import moderation
from livefeed.discussion import reader_accounts as readers
from livefeed.domain.access import FeedRole
from livefeed.domain.users import User
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store.schema import events
from tests.factories import PASSWORD, join, make_post, make_user
from tests.realtime import test_stream

server = test_stream.server
open_stream = test_stream.open_stream
editor = test_stream.editor

ADDRESS = "198.51.100.7"


def replay_text(open_stream: Any, count: int) -> str:
    """What a reader resuming from the start is sent: the hub's recent frames while it has them."""
    stream = open_stream(headers={"Last-Event-ID": "0"})
    return "\n".join(message.data for message in stream.wait_for(count))


def test_a_comment_taken_down_is_not_replayed_from_memory(
    svc: Services, editor: User, open_stream: Any
) -> None:
    live = open_stream()  # keeps the feed's channel, and so its recent frames, alive
    rita = make_user(svc, "rita@readers.test", name="Rita")
    said = discussion.post_comment(
        svc, rita, "summit", {"body": "My number is 555 0100", "accept_standards": True},
        address=ADDRESS,
    )  # fmt: skip
    moderation.approve(svc, editor, said.id)
    assert "555 0100" in live.wait_for(1)[0].data
    moderation.hide(svc, editor, said.id)
    live.wait_for(2)
    assert "555 0100" not in replay_text(open_stream, 2)


def test_a_deleted_accounts_name_leaves_its_posts_log_and_memory(
    svc: Services, editor: User, open_stream: Any, server: str
) -> None:
    live = open_stream()
    zoe = make_user(svc, "zoe@newsroom.test", name="Zoe Zebrafinch")
    join(svc, zoe, "summit", FeedRole.EDITOR)
    post = make_post(svc, zoe, headline="From the floor")
    assert "Zoe Zebrafinch" in live.wait_for(1)[0].data

    readers.delete_account(svc, zoe, PASSWORD)

    [_, updated] = live.wait_for(2)
    assert updated.event == "post.updated"
    assert "Zoe Zebrafinch" not in updated.data
    assert "Zoe Zebrafinch" not in replay_text(open_stream, 2)
    with svc.db.read() as conn:
        logged = conn.execute(select(events.c.data)).scalars().all()
    assert logged
    assert not [data for data in logged if "Zebrafinch" in data]
    page = httpx.get(f"{server}/feeds/summit/posts/{post.id}").text
    assert "From the floor" in page
    assert "Zebrafinch" not in page
    assert "Zebrafinch" not in httpx.get(f"{server}/feeds/summit/updates?since=0").text


def test_an_erasure_is_counted_on_the_feed_and_changes_what_caches_validate(
    svc: Services, editor: User, server: str
) -> None:
    zoe = make_user(svc, "zoe@newsroom.test", name="Zoe Zebrafinch")
    join(svc, zoe, "summit", FeedRole.EDITOR)
    make_post(svc, zoe, headline="From the floor")
    addresses = ("/feeds/summit", "/feeds/summit/feed.atom", "/feeds/summit/updates?since=0")
    before = {path: httpx.get(server + path).headers["etag"] for path in addresses}
    with svc.db.read() as conn:
        counted = feed_store.require_feed(conn, "summit").log_rewrites

    readers.delete_account(svc, zoe, PASSWORD)

    with svc.db.read() as conn:
        assert feed_store.require_feed(conn, "summit").log_rewrites > counted
    for path in addresses:
        answer = httpx.get(server + path, headers={"If-None-Match": before[path]})
        assert answer.status_code == 200, path
        assert "Zebrafinch" not in answer.text
