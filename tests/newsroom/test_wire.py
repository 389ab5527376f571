"""The wire's use case on SQLite and PostgreSQL: deliveries of one item racing each other make
one post, and a version already taken changes nothing."""

from __future__ import annotations

import threading
from typing import Any

from livefeed.distribution import reading
from livefeed.domain.users import User
from livefeed.newsroom import wire
from livefeed.services import Services
from livefeed.store import feeds as feed_store
from livefeed.store import wire_items
from tests.conftest import Clock
from tests.factories import make_editor, make_feed

URI = "urn:newsml:wire.test:race"


def delivery(version: int = 1) -> dict[str, Any]:
    return {
        "items": [
            {
                "uri": URI,
                "version": version,
                "versioncreated": f"2026-03-01T07:0{version}:00Z",
                "headlines": [{"value": f"Version {version}"}],
            }
        ],
        "publish": True,
    }


def test_deliveries_at_once_make_one_post(svc: Services) -> None:
    editor = make_editor(svc)
    make_feed(svc, editor)
    outcomes: list[str] = []
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def deliver() -> None:
        start.wait()
        try:
            outcomes.extend(t.outcome for t in wire.ingest(svc, editor, "summit", delivery()))
        except BaseException as error:  # collected for the assertion below
            failures.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(outcomes) == ["published", "unchanged", "unchanged", "unchanged"]
    assert [post.headline for post in reading.feed_page(svc, "summit").posts] == ["Version 1"]
    (edited,) = wire.ingest(svc, editor, "summit", delivery(2))
    assert edited.outcome == "edited"
    (again,) = wire.ingest(svc, editor, "summit", delivery(2))
    assert again.outcome == "unchanged"
    assert again.post is not None
    assert again.post.version == 2
    (post,) = reading.feed_page(svc, "summit").posts
    assert (post.headline, post.version) == ("Version 2", 2)


def _stopped_after_claiming(svc: Services, *, post_written: bool) -> User:
    """As if an instance stopped mid-delivery: version 1 claimed and never settled (with its
    post already made, or not yet). The feed's editor, who sends the deliveries."""
    editor = make_editor(svc)
    make_feed(svc, editor)
    if post_written:
        wire.ingest(svc, editor, "summit", delivery())
    with svc.db.write() as conn:
        feed_id = feed_store.require_feed(conn, "summit").id
        wire_items.release(conn, feed_id, URI, None)
        assert wire_items.claim(conn, feed_id, URI, 1, svc.clock())
    return editor


def test_a_version_an_instance_stopped_in_the_middle_of_is_taken_by_the_next_try(
    svc: Services, clock: Clock
) -> None:
    editor = _stopped_after_claiming(svc, post_written=False)
    (soon,) = wire.ingest(svc, editor, "summit", delivery())
    # Moments later the claim may still be someone's work in progress.
    assert soon.outcome == "unchanged"
    clock.advance(wire_items.UNSETTLED.total_seconds() + 1)
    (later,) = wire.ingest(svc, editor, "summit", delivery())
    assert later.outcome == "published"
    assert [post.headline for post in reading.feed_page(svc, "summit").posts] == ["Version 1"]
    (again,) = wire.ingest(svc, editor, "summit", delivery())
    assert again.outcome == "unchanged"


def test_a_post_made_before_the_stop_is_found_again_not_made_twice(
    svc: Services, clock: Clock
) -> None:
    editor = _stopped_after_claiming(svc, post_written=True)
    clock.advance(wire_items.UNSETTLED.total_seconds() + 1)
    (retried,) = wire.ingest(svc, editor, "summit", delivery())
    assert retried.outcome == "published"
    assert [post.headline for post in reading.feed_page(svc, "summit").posts] == ["Version 1"]
    (edited,) = wire.ingest(svc, editor, "summit", delivery(2))
    assert edited.outcome == "edited"
    assert [post.headline for post in reading.feed_page(svc, "summit").posts] == ["Version 2"]
