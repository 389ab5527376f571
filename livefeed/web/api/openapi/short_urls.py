"""The short URLs' part of the OpenAPI document: a feed's or a post's, with its clicks.

Only the feed's editors see the clicks, so both operations ask for a bearer token.
"""

from __future__ import annotations

from livefeed.web.api.openapi.helpers import (
    Schema,
    array,
    integer,
    obj,
    ok,
    operation,
    short_url,
    text,
)


def short_url_schemas() -> dict[str, Schema]:
    return {
        "ShortUrlClicks": obj(
            "A short URL and how often it was followed, per UTC day (only days with clicks).",
            {
                "short_url": short_url("feed or post"),
                "clicks": array(
                    obj(
                        "Clicks on one day.",
                        {
                            "day": text("The day (UTC).", format="date"),
                            "count": integer("Redirects answered that day.", 1),
                        },
                        ["day", "count"],
                        closed=False,
                    ),
                    "Oldest day first.",
                ),
            },
            ["short_url", "clicks"],
            closed=False,
        )
    }


def short_url_paths() -> dict[str, Schema]:
    return {
        "/api/v1/feeds/{slug}/short-url": {
            "get": operation(
                "feeds",
                "getFeedShortUrl",
                "The feed's short URL and its clicks per day (editors only)",
                {"200": ok("ShortUrlClicks", "The short URL and its clicks.")},
                params=("slug",),
                private=True,
                problems=("404",),
            ),
        },
        "/api/v1/feeds/{slug}/posts/{post_id}/short-url": {
            "get": operation(
                "posts",
                "getPostShortUrl",
                "A post's short URL and its clicks per day (editors only)",
                {"200": ok("ShortUrlClicks", "The short URL and its clicks.")},
                params=("slug", "post_id"),
                private=True,
                problems=("404",),
            ),
        },
    }
