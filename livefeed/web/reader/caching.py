"""How long caches may keep what readers read: a few seconds while live, longer once ended.

An ended feed changes rarely, but it still can: an editor may correct a post or reopen the
feed when the story flares up again. So the archive is not ``immutable``: caches keep it fresh
for an hour, then may go on serving it for a day while they revalidate in the background (a
cheap 304, the validator being the feed's last event), and for a week while the site is down.
"""

from __future__ import annotations

from collections.abc import Mapping

from livefeed.domain.feeds import Feed, FeedStatus

ARCHIVE = "public, max-age=3600, stale-while-revalidate=86400, stale-if-error=604800"


def cache_control(feed: Feed, live_seconds: int) -> str:
    """The ``Cache-Control`` of a public response about ``feed``."""
    if feed.status is FeedStatus.ENDED:
        return ARCHIVE
    return f"public, max-age={live_seconds}"


def updates_headers(feed: Feed) -> dict[str, str]:
    """The polling answer's (``/feeds/{slug}/updates``): valid until the feed's next event, or
    until earlier ones are rewritten (words erased from them)."""
    etag = f'"{feed.last_seq}-{feed.log_rewrites}"'
    return {"ETag": etag, "Cache-Control": cache_control(feed, 2)}


def unchanged(asked: Mapping[str, str], headers: Mapping[str, str]) -> bool:
    """The request's ``If-None-Match`` names the answer's ``ETag``: a 304 will do."""
    return headers["ETag"] in asked.get("if-none-match", "")
