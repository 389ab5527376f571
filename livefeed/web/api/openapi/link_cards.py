"""The Read more cards' part of the OpenAPI document: filling a card from an article's page.

A card sent back is the one a post's ``read_more`` takes, so it reuses that part's fields.
"""

from __future__ import annotations

from livefeed.web.api.openapi.helpers import Schema, json_body, obj, ok, operation, text, web_url
from livefeed.web.api.openapi.posts import PARTS


def link_card_schemas() -> dict[str, Schema]:
    card = PARTS["ReadMore"][1]
    return {
        "LinkCardRequest": obj(
            "An article to make a Read more card for.",
            {
                "url": web_url("The article. A feed or post of this site is read without a fetch.")
                | {"minLength": 1}
            },
            ["url"],
        ),
        "LinkCard": obj(
            "A Read more card filled from the article's page (Open Graph, then its title and "
            "description), for the editor to check before publishing it as read_more.",
            {
                "url": text("Where the article was found, after redirects.", format="uri"),
                "title": card["title"] | {"description": "The article's title; may be empty."},
                "summary": card["summary"],
                "image_url": text("The article's image; empty when it names none.", 2000),
            },
            ["url", "title", "summary", "image_url"],
            closed=False,
        ),
    }


def link_card_paths() -> dict[str, Schema]:
    return {
        "/api/v1/link-cards": {
            "post": operation(
                "posts",
                "makeLinkCard",
                "Fill a Read more card from an article's page (editors only)",
                {"200": ok("LinkCard", "The card, to check and send as a post's read_more.")},
                body=json_body(
                    "LinkCardRequest",
                    "The article's address. Only public http(s) sites on ports 80 and 443 are "
                    "fetched, within 5 seconds and 2 MB, following at most 3 redirects; each "
                    "refusal is a 422 naming url.",
                ),
                write=True,
                problems=("422",),
            ),
        },
    }
