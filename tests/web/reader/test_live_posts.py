"""What a live post's event carries beside what it says: only what its page builds the rest
from, the flags that are on and the pieces the post has (the page's build is checked against
the page's own rendering in tests/browser/test_live_posts.py)."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from livefeed.domain.users import User
from livefeed.services import Services
from tests.conftest import Clock
from tests.factories import make_feed, make_post


def events(client: TestClient) -> list[dict[str, object]]:
    found: list[dict[str, object]] = client.get("/feeds/summit/updates?since=0").json()["events"]
    return found


def test_a_plain_post_carries_its_moment_and_address_and_nothing_that_is_off(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    post = make_post(svc, editor)

    particulars = events(client)[-1]["post"]

    assert particulars == {
        "version": 1,
        "at": "2026-11-25T18:00:00Z",
        "clock": "18:00",
        "zone": "GMT",
        "date": "25 November 2026",
        "day": "2026-11-25",
        "day_label": "Wednesday 25 November",
        "when": "Wed 25 Nov, 18:00",
        "byline": f'<p class="byline">By {editor.display_name}</p>',
        "short": svc.urls.short(post.short_code),
    }


def test_a_post_from_an_earlier_day_says_its_date_and_its_pieces_travel_rendered(
    client: TestClient, svc: Services, editor: User, clock: Clock
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="Yesterday", tags=["talks"], pinned=True)
    clock.advance(24 * 3600)

    particulars = events(client)[-1]["post"]

    assert particulars["dated"] is True
    assert particulars["pinned"] is True
    assert particulars["tags"] == (
        '<ul class="tags" aria-label="Tags"><li><a href="/tags/talks">talks</a></li></ul>'
    )
    assert "verification" not in particulars


def test_a_post_saying_500_bytes_travels_in_under_1100(
    client: TestClient, svc: Services, editor: User
) -> None:
    make_feed(svc, editor)
    make_post(svc, editor, headline="Update 1", body="Words. " * 73)

    frame = json.dumps(events(client)[-1], ensure_ascii=False, separators=(",", ":"))

    # What it says, its particulars and the event's own fields: the header, the footer and the
    # share tools, the same for every post, are the page's to build.
    assert len(frame.encode()) < 1_100
