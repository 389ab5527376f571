"""The wire's part of the OpenAPI document: ninjs items delivered to a feed."""

from __future__ import annotations

from typing import Any

from livefeed.web.api.openapi.helpers import (
    Schema,
    array,
    boolean,
    integer,
    json_body,
    nullable,
    obj,
    ok,
    operation,
    ref,
    text,
)

NINJS = "https://www.iptc.org/std/ninjs/"


def schemas() -> dict[str, Schema]:
    part = obj(
        "A headline or body of the item.",
        {
            "value": text("The words (a body with contenttype text/html is read as HTML)."),
            "contenttype": text("text/plain (the default) or text/html."),
            "role": text("main is taken first."),
        },
        ["value"],
        closed=False,
    )
    return {
        "NinjsItem": obj(
            f"An IPTC ninjs 2.x item ({NINJS}); fields this site has no use for are ignored.",
            {
                "uri": text("The item's identifier: every version of it shares it.", 1000),
                "version": {
                    "type": ["string", "integer"],
                    "description": 'The version, a whole number ("1" when left out); a newer '
                    "one edits the post the item became.",
                },
                "versioncreated": text("When this version was made.", format="date-time"),
                "firstcreated": text("When the item was first made.", format="date-time"),
                "pubstatus": {
                    "type": "string",
                    "enum": ["usable", "withheld", "canceled"],
                    "description": "canceled retracts the post, with ednote as the reason.",
                },
                "headlines": array(part, "The headline (role main, or the first)."),
                "bodies": array(part, "The body (role main, or the first)."),
                "signals": array(
                    obj("A signal.", {"name": text("correction or kill.")}, closed=False),
                    "A correction makes the edit a public correction with ednote as its "
                    "note; a kill retracts the post with ednote as the reason.",
                ),
                "ednote": text("The wire's note: a correction's note, a retraction's reason."),
            },
            ["uri", "versioncreated"],
            closed=False,
        ),
        "Delivery": obj(
            "What a wire delivers.",
            {
                "items": array(ref("NinjsItem"), "Up to 100 items.", minItems=1, maxItems=100),
                "publish": boolean(
                    "Publish new items at once (an editor's token) instead of placing them in "
                    "the editors' Contributions queue."
                ),
            },
            ["items"],
        ),
        "Ingested": obj(
            "What became of each item, in the order sent.",
            {
                "items": array(
                    obj(
                        "One item.",
                        {
                            "uri": text("The item's uri."),
                            "version": integer("The version delivered."),
                            "outcome": {
                                "type": "string",
                                "enum": [
                                    "queued",
                                    "published",
                                    "edited",
                                    "corrected",
                                    "retracted",
                                    "withdrawn",
                                    "unchanged",
                                ],
                                "description": "unchanged: this version (or a newer one) was "
                                "taken before, so a retried delivery changes nothing.",
                            },
                            "post": nullable(ref("Post")),
                        },
                        ["uri", "version", "outcome", "post"],
                    ),
                    "Items.",
                )
            },
            ["items"],
        ),
    }


def paths() -> dict[str, Schema]:
    ingest = operation(
        "wire",
        "ingestWire",
        "Take ninjs items from an agency's wire into the feed",
        {"200": ok("Ingested", "What became of each item.")},
        params=("slug",),
        body=json_body("Delivery", "The items, and whether to publish them."),
        write=True,
        problems=("404", "409", "422"),
    )
    ingest["description"] = (
        "Each new item waits in the editors' Contributions queue (a contributor's token is "
        "enough), or with publish: true goes out at once (an editor's token). A newer version "
        "of an item (same uri) edits its post; with a correction signal the edit is a public "
        "correction. pubstatus canceled or a kill signal retracts the post with the wire's "
        "reason (ednote). Each version is taken once: a retried delivery changes nothing. A "
        "malformed field is a 422 naming it (items[2].versioncreated), and nothing of the "
        "delivery is written."
    )
    return {"/api/v1/feeds/{slug}/ingest": {"post": ingest}}


def extend(document: dict[str, Any]) -> dict[str, Any]:
    document["tags"].append({"name": "wire", "description": "Agencies' wires into a feed."})
    document["paths"] |= paths()
    document["components"]["schemas"] |= schemas()
    return document
