"""A change and the event that tells of it carry one moment.

A page shows "Last updated" from the post or the feed; the live page moves it from the event.
Read from the clock twice, the two could fall either side of a second and disagree.
"""

from __future__ import annotations

import pytest

from livefeed.domain.users import User
from livefeed.newsroom import publishing
from livefeed.services import Services
from livefeed.store import events
from tests.conftest import Clock
from tests.factories import make_feed, make_post


def test_a_post_and_its_events_carry_the_same_moment(
    svc: Services, editor: User, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = make_feed(svc, editor)
    # A clock that moves a second each time it is read.
    monkeypatch.setattr(svc, "clock", lambda: clock.advance(1))
    post = make_post(svc, editor, headline="News")
    edited = publishing.edit_post(
        svc, editor, feed.slug, post.id, post.as_fields() | {"headline": "News, corrected"},
        seen_version=post.version,
    )  # fmt: skip
    renamed = publishing.update_feed(
        svc, editor, feed.slug, {"title": "Renamed", "slug": feed.slug, "timezone": "UTC"}
    )

    with svc.db.read() as conn:
        logged = {event.seq: event.created_at for event in events.after(conn, feed.id, 0)}
    assert logged[post.seq] == post.updated_at
    assert logged[edited.seq] == edited.updated_at
    assert logged[max(logged)] == renamed.updated_at
