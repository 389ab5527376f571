"""The feeds and posts API's addresses, everything it lets anyone see, and how it refuses."""

from __future__ import annotations

import httpx2 as httpx

from livefeed.distribution import reading
from livefeed.services import Services

FEEDS = "/api/v1/feeds"
POSTS = "/api/v1/feeds/summit/posts"


def state(svc: Services) -> list[object]:
    """Everything a reader or a script could see: every feed, every post, every tombstone."""
    return [
        (feed, reading.changes_since(svc, feed.slug, 0, limit=100)[1])
        for feed in reading.all_feeds(svc)
    ]


def assert_problem(response: httpx.Response, status: int, field: str | None = None) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"]
    assert body["detail"]
    if field is not None:
        assert body["field"] == field, body
        assert field in [error["field"] for error in body["errors"]]
        assert all(error["message"] for error in body["errors"])
