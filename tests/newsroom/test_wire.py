"""The wire's use case on SQLite and PostgreSQL: deliveries of one item racing each other make
one post, and a version already taken changes nothing."""

from __future__ import annotations

import threading
from typing import Any

from livefeed.distribution import reading
from livefeed.newsroom import wire
from livefeed.services import Services
from tests.factories import make_editor, make_feed


def delivery(version: int = 1) -> dict[str, Any]:
    return {
        "items": [
            {
                "uri": "urn:newsml:wire.test:race",
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
